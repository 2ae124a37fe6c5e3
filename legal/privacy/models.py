"""Cookie consent records and marketing preferences (R-A4, R-A2, R-A6).

Moved here from the legal app with their rows (migration privacy/0001): the privacy app sits
above the legal documents, whose Cookie Policy versions a consent record names.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ConsentRecord(models.Model):
    """One cookie choice, as the reader made it: never updated, a new row for every change."""

    class Source(models.TextChoices):
        BANNER = "banner", "Cookie banner"
        PREFERENCES = "preferences", "Cookie preferences page"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The id kept in the (essential) consent cookie: ties an anonymous reader's choices together.
    consent_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cookie_consents",
    )
    functional = models.BooleanField(default=False)
    analytics = models.BooleanField(default=False)
    global_privacy_control = models.BooleanField(
        default=False, help_text="The browser sent the Global Privacy Control signal: analytics refused."
    )
    # The Cookie Policy version on show when the choice was made; versions are kept for ever.
    policy_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.BANNER)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "cookie consent record"

    def __str__(self):
        return f"{self.consent_id} {self.categories_label} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def categories(self) -> list[str]:
        chosen = ["essential"]
        if self.functional:
            chosen.append("functional")
        if self.analytics:
            chosen.append("analytics")
        return chosen

    @property
    def categories_label(self) -> str:
        return ", ".join(self.categories)


class MarketingPreferences(models.Model):
    """What marketing a customer agreed to receive; everything is off until they switch it on."""

    TOPICS = {
        "newsletter": "The monthly newsletter",
        "catalogue_mailings": "Catalogue mailings",
        "special_offers": "Special offers",
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketing_preferences"
    )
    newsletter = models.BooleanField("the monthly newsletter", default=False)
    catalogue_mailings = models.BooleanField("catalogue mailings", default=False)
    special_offers = models.BooleanField("special offers", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "marketing preferences"
        verbose_name_plural = "marketing preferences"

    def __str__(self):
        return f"Marketing preferences of user {self.user_id}"

    def subscribed_topics(self) -> list[str]:
        return [topic for topic in self.TOPICS if getattr(self, topic)]
