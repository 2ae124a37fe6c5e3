"""Subscriptions to the club's plans. Minimal for now: who subscribes to which plan, and whether
it is active (used to tell subscribers of significant changes to the terms, R-L4). Plans and
their lifecycle come with the subscriptions work."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(default=timezone.now)
    renews_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"{self.customer} on {self.plan} ({self.get_status_display()})"
