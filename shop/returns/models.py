"""Cancellations and returns (R-X1 to R-X5, R-X7): the customer's notice, the lines it covers,
the goods coming back and their condition, and the refunds that follow (R-P4)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models

REFUND_DAYS = 14  # R-X3: refund within 14 days of the goods (or proof of posting) coming back
RETURN_DAYS = 14  # R-X2: goods come back within 14 days of the cancellation


class Cancellation(models.Model):
    """A customer's notice of cancellation of some lines of one order, effective on ``sent_on``
    (R-X1), and what became of it: refunded at once (nothing had left us, or eBooks), or a return
    of the goods, received back in some condition, refunded or replaced (R-X2 to R-X4); or a parcel
    that came back because import duties were refused (R-X7)."""

    class Channel(models.TextChoices):
        ACCOUNT = "account", "My Account"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        PHONE = "phone", "Telephone"
        DUTIES = "duties", "Import duties refused"

    class Status(models.TextChoices):
        REFUNDING = "refunding", "Being refunded"
        AWAITING_RETURN = "awaiting", "Waiting for the books to come back"
        RECEIVED = "received", "Books back: being refunded"
        REFUNDED = "refunded", "Refunded"
        REPLACED = "replaced", "Replacement sent"

    class Condition(models.TextChoices):
        AS_NEW = "as_new", "As new"
        NOT_AS_NEW = "not_as_new", "No longer as new (deduction)"
        FAULTY = "faulty", "Faulty or not as described"

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="cancellations")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    sent_on = models.DateField(
        help_text="The day the customer sent the notice: the cancellation's date (R-X1)."
    )
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The refund of the lines nothing had happened to yet (not dispatched, eBooks not downloaded).
    refund = models.OneToOneField(
        "payment.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="cancellation"
    )
    # The return of dispatched goods (R-X2, R-X3, R-X4).
    return_by = models.DateField(null=True, blank=True)
    posted_on = models.DateField(null=True, blank=True, help_text="Date on the customer's proof of posting.")
    received_on = models.DateField(null=True, blank=True)
    condition = models.CharField(max_length=16, choices=Condition.choices, blank=True)
    deduction = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    deduction_reason = models.TextField(blank=True)
    delivery_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    return_postage = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    return_refund = models.OneToOneField(
        "payment.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="returned_goods"
    )
    replacement = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    # The steps the customer has been emailed about ("received", "returned"): each once.
    emailed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Cancellation {self.pk} of order {self.order.number}"

    @property
    def refund_due_by(self) -> datetime.date | None:
        """R-X3: 14 days from the goods coming back or, if earlier, the proof of posting."""
        days = [d for d in (self.posted_on, self.received_on) if d]
        return min(days) + datetime.timedelta(days=REFUND_DAYS) if days else None

    @property
    def awaits_return(self) -> bool:
        return self.status == self.Status.AWAITING_RETURN


class CancellationLine(models.Model):
    cancellation = models.ForeignKey(Cancellation, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="cancellations")
    quantity = models.PositiveIntegerField()
    # Dispatched goods come back (R-X2); the rest is refunded at once.
    to_return = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.line.title}"
