"""Paying a pay-monthly paperback plan's invoice by card from My Account (R-P1, R-P3).

A pay-monthly parcel's order is placed unpaid and invoiced (payable within 14 days of
delivery). The customer pays it with a card typed into Stripe.js on the invoice's page: one
PaymentIntent for the order's total, named ``purpose="bookclub-invoice"`` in its metadata. Once
Stripe says it succeeded, the order records the card as its payment source and a "Paid" event,
as the checkout records a paid order; the order row is locked, so the browser's return and a
retry record it once.
"""

from dataclasses import dataclass

from django.db import transaction
from oscar.core.loading import get_model

from bookclub import joining, ordering
from bookclub.models import Subscription, SubscriptionOrder
from shop.payment import stripe_api
from shop.payment.models import to_pence

Order = get_model("order", "Order")

INVOICE_PURPOSE = "bookclub-invoice"


def is_open(order) -> bool:
    """An invoice still to pay: an order of a pay-monthly plan with a total and no payment."""
    return order.total_incl_tax > 0 and not order.sources.exists()


def open_invoice(subscription: Subscription, number: str):
    """The subscription's unpaid order ``number``, or None."""
    row = (
        SubscriptionOrder.objects.select_related("order")
        .filter(subscription=subscription, order__number=number, subscription__plan__kind="pay_monthly")
        .first()
    )
    return row.order if row is not None and is_open(row.order) else None


def start_payment(subscription: Subscription, order, *, payment_method_id: str):
    """Create and confirm the PaymentIntent for the invoice (CardError if declined)."""
    return stripe_api.create_payment_intent(
        amount_pence=to_pence(order.total_incl_tax),
        payment_method=payment_method_id,
        metadata={
            "purpose": INVOICE_PURPOSE,
            "order_number": order.number,
            "subscription_id": str(subscription.pk),
        },
        idempotency_key=f"bookclub-invoice-{order.number}-{payment_method_id}",
    )


@dataclass(frozen=True)
class Paid:
    outcome: str  # "paid", "waiting", "failed", "unknown"
    order: object = None
    intent: object = None


def finish_payment(payment_intent_id: str) -> Paid:
    """Record a succeeded invoice payment on its order, once."""
    intent = stripe_api.retrieve_payment_intent(payment_intent_id)
    metadata = getattr(intent, "metadata", None)
    number = str(metadata["order_number"]) if metadata and "order_number" in metadata else ""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(number=number).first()
        if order is None or not SubscriptionOrder.objects.filter(order=order).exists():
            return Paid("unknown", None, intent)
        if order.sources.filter(reference=intent.id).exists():
            return Paid("paid", order, intent)
        if intent.status in ("requires_action", "processing"):
            return Paid("waiting", order, intent)
        if intent.status != "succeeded" or intent.amount != to_pence(order.total_incl_tax):
            return Paid("failed", order, intent)
        method = stripe_api.retrieve_payment_method(joining.payment_method_id(intent))
        card = getattr(method, "card", None)
        label = f"{card.brand.title()} ending {card.last4}" if card else "Card"
        ordering.record_card_payment(order, order.total_incl_tax, intent, label)
        return Paid("paid", order, intent)


def subscription_of(payment_intent_id: str, customer) -> Subscription | None:
    """The customer's subscription an invoice payment was for (the browser's return)."""
    intent = stripe_api.retrieve_payment_intent(payment_intent_id)
    metadata = getattr(intent, "metadata", None)
    named = str(metadata["subscription_id"]) if metadata and "subscription_id" in metadata else ""
    return Subscription.objects.filter(pk=named, customer=customer).first() if named.isdigit() else None
