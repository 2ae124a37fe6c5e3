"""Oscar's payment models, plus the records that make card payments safe to repeat.

- CheckoutPayment: one Stripe PaymentIntent for one basket, with everything needed to place
  its order later from either the browser or a webhook (R-P2), exactly once (unique intent id).
- StripeEvent: each webhook event, stored once by its Stripe id (a replay is a no-op).
- Refund: a refund an order admin asked for (R-P4, R-X6, R-C5); its id makes the idempotency
  key, so a retry after a network error can never refund twice.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
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
    refund_reference = models.CharField(max_length=255, blank=True)
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

    class Status(models.TextChoices):
        PENDING = "pending", "Sending to Stripe"
        SUCCEEDED = "succeeded", "Refunded"
        FAILED = "failed", "Failed: not refunded yet"

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="refunds")
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

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Refund {self.pk} of £{self.amount} on order {self.order.number}"

    @property
    def idempotency_key(self) -> str:
        # Order number + our record id: every retry of this refund sends the same key.
        return f"order-{self.order.number}-refund-{self.pk}"

    @property
    def amount_pence(self) -> int:
        return int((self.amount * 100).to_integral_value())


def to_pence(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())
