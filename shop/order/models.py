"""Order fork: the estimated delivery date (R-D6) and the records kept about an order.

``EstimatedDeliveryRevision`` keeps each change of the date with its reason (R-D6);
``LinePriceCorrection`` keeps each overcharge an admin corrected and the refund owed (R-C5);
``OrderLegalAcceptance`` keeps the versions of the terms the customer accepted (R-L3).
"""

from django.conf import settings
from django.db import models
from oscar.apps.order.abstract_models import AbstractOrder


class Order(AbstractOrder):
    # Set when the order is placed, from its delivery method and destination (R-D6).
    estimated_delivery = models.DateField(null=True, blank=True)


class EstimatedDeliveryRevision(models.Model):
    """An admin moved an order's estimated delivery date, for a reason the customer is told (R-D6)."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="delivery_revisions")
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField()
    reason = models.TextField()
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revised_at = models.DateTimeField(auto_now_add=True)
    customer_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-revised_at", "-id"]

    def __str__(self) -> str:
        return f"Order {self.order.number}: delivery {self.old_date} -> {self.new_date}"


class LinePriceCorrection(models.Model):
    """An overcharged order line corrected by an admin; the difference is owed back (R-C5)."""

    REFUND_PENDING, REFUNDED = "pending", "refunded"
    REFUND_STATUSES = [(REFUND_PENDING, "Refund pending"), (REFUNDED, "Refunded")]

    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="price_corrections")
    old_unit_price_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    new_unit_price_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)
    refund_status = models.CharField(max_length=16, choices=REFUND_STATUSES, default=REFUND_PENDING)
    # The card refund that gives the difference back (R-C5, R-P4), once it has been asked for.
    refund = models.OneToOneField(
        "payment.Refund", null=True, blank=True, on_delete=models.SET_NULL, related_name="price_correction"
    )
    # The Oscar payment event recording the refund, once Stripe has made it.
    payment_event = models.ForeignKey(
        "order.PaymentEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-corrected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.line.title}: {self.old_unit_price_incl_tax} -> {self.new_unit_price_incl_tax}"


class OrderLegalAcceptance(models.Model):
    """The exact Terms of Sale and Privacy Policy versions a customer accepted for an order (R-L3).

    Moved from the legal app with its rows (migration order/0026): the legal documents sit below
    the shop and know nothing of orders."""

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="legal_acceptance")
    terms_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    privacy_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField()

    def __str__(self):
        return f"Terms accepted for order {self.order.number}"


from oscar.apps.order.models import *


class OrderNumber(models.Model):
    """Each order number ever handed out, so that none is handed out twice (issue 10).

    Numbers come from this table's own sequence, not from the basket's id: a checkout whose
    payment was refunded before its order could be placed keeps its number for ever, and the
    next checkout of the same basket gets a new one. A checkout's number belongs to one payment
    attempt (the basket and exactly what it pays for), so a second press of "Pay" finds the same
    number, and Stripe the same idempotency key; the attempt ends when its order is placed or
    its payment refunded (``shop.order.numbers``).
    """

    number = models.BigAutoField(primary_key=True)
    basket = models.ForeignKey(
        "basket.Basket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempt = models.CharField(max_length=128, blank=True)
    reserved_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["basket", "attempt"],
                condition=models.Q(ended_at__isnull=True) & ~models.Q(attempt=""),
                name="one_open_order_number_per_payment_attempt",
            )
        ]

    def __str__(self) -> str:
        return str(self.number)
