"""Oscar's payment models, plus the records that make card payments safe to repeat.

- CheckoutPayment: one Stripe PaymentIntent for one basket, with everything needed to place
  its order later from either the browser or a webhook (R-P2), exactly once (unique intent id).
- StripeEvent: each webhook event, stored once by its Stripe id (a replay is a no-op).
- Refund: money given back to the card that paid (R-P4): one an order admin asked for
  (R-X6, R-C5), or the whole payment of a checkout whose order could not be placed. Its id (or
  the PaymentIntent's) makes the idempotency key, so a retry can never refund twice.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from oscar.apps.payment.models import *


class CheckoutPayment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for payment"
        PLACED = "placed", "Order placed"
        UNAVAILABLE = "unavailable", "Refunded: books no longer available"

    payment_intent_id = models.CharField(max_length=255, unique=True)
    basket = models.ForeignKey("basket.Basket", null=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    guest_email = models.EmailField(blank=True)
    order_number = models.CharField(max_length=128)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    shipping_address = models.JSONField(null=True, blank=True)
    shipping_method_code = models.CharField(max_length=128, blank=True)
    basket_revision = models.CharField(max_length=64, blank=True)
    card_label = models.CharField(max_length=64, blank=True)
    agreed_terms_at = models.DateTimeField()
    confirmed_age = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="checkout_payment"
    )
    unavailable_titles = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.payment_intent_id} ({self.get_status_display()})"

    @property
    def email(self) -> str:
        return self.user.email if self.user_id else self.guest_email


class StripeEvent(models.Model):
    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=128)
    object_id = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.stripe_id}"


class Refund(models.Model):
    class Kind(models.TextChoices):
        ORDER = "order", "Whole order"
        LINES = "lines", "Chosen lines"
        DELIVERY = "delivery", "Delivery charge"
        AMOUNT = "amount", "An amount (price correction)"
        UNAVAILABLE = "unavailable", "Line cannot be supplied"
        UNPLACED = "unplaced", "Whole payment: the order could not be placed"

    class Status(models.TextChoices):
        PENDING = "pending", "Sending to Stripe"
        SUCCEEDED = "succeeded", "Refunded"
        FAILED = "failed", "Failed: not refunded yet"

    # An order's refund, or (kind "unplaced") the refund of a checkout payment that never became one.
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    checkout_payment = models.ForeignKey(
        CheckoutPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField()
    line_quantities = models.JSONField(default=dict, blank=True)  # {line id: quantity}
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the customer was told: the email of a refund is sent once (R-P4).
    customer_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(checkout_payment__isnull=False),
                name="refund_of_an_order_or_a_checkout_payment",
            ),
            models.UniqueConstraint(
                fields=["checkout_payment"],
                condition=Q(kind="unplaced"),
                name="one_unplaced_refund_per_checkout_payment",
            ),
        ]

    def __str__(self):
        return f"Refund {self.pk} of £{self.amount} on order {self.order_number}"

    @property
    def order_number(self) -> str:
        """The order's number, or the number the unplaced checkout had reserved."""
        return self.order.number if self.order_id else self.checkout_payment.order_number

    @property
    def idempotency_key(self) -> str:
        # Every retry of this refund sends the same key. An unplaced payment is refunded once,
        # whole, so its PaymentIntent names it (the key used before these were Refund rows).
        if self.kind == self.Kind.UNPLACED:
            return f"checkout-{self.checkout_payment.payment_intent_id}-unplaced"
        return f"order-{self.order.number}-refund-{self.pk}"

    @property
    def amount_pence(self) -> int:
        return int((self.amount * 100).to_integral_value())


def to_pence(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())
