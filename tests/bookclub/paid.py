"""Subscriptions paid by card the way joining pays them: a PaymentIntent confirmed in localstripe,
an order for the plan with that card as its payment source, then ``lifecycle.confirm`` naming
the order. The pro-rata refunds of the dashboard go back to that PaymentIntent (R-P4, R-S9)."""

import uuid
from decimal import Decimal

from oscar.core.loading import get_model

from bookclub import lifecycle, pricing
from shop.payment import stripe_api
from tests.factories.bookclub import join, save_card
from tests.factories.orders import make_basket, place_order
from tests.shop.checkout.helpers import CARDS, card_payment_method

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")


def pay_for_plan(plan, customer, localstripe_url: str, amount: Decimal):
    """An order for ``plan`` paid by card: returns the order."""
    method = card_payment_method(localstripe_url, CARDS["visa"])
    intent = stripe_api.create_payment_intent(
        amount_pence=int(amount * 100),
        payment_method=method,
        metadata={"test": "subscription"},
        idempotency_key=f"test-{uuid.uuid4()}",
    )
    assert intent.status == "succeeded"
    order = place_order(make_basket(plan.product, owner=customer), user=customer)
    Source.objects.create(
        order=order,
        source_type=SourceType.objects.get_or_create(name="Card (Stripe)")[0],
        currency="GBP",
        amount_allocated=amount,
        amount_debited=amount,
        reference=intent.id,
        label="Visa ending 4242",
    )
    return order


def paid_subscription(plan, customer, localstripe_url: str, **kwargs):
    """An active pre-paid or eBook subscription whose first charge was paid by card."""
    subscription = join(plan, customer, **kwargs)
    save_card(subscription)
    amount = pricing.plan_price(plan) * (subscription.ebook_titles or 1)
    order = pay_for_plan(plan, customer, localstripe_url, amount)
    lifecycle.confirm(subscription, order_number=order.number, term_price=amount if plan.is_prepaid else None)
    return subscription, order


def stripe_refunds(order) -> list[int]:
    """The amounts (pence) Stripe refunded on the order's PaymentIntent."""
    intent_id = order.sources.get().reference
    return [r.amount for r in stripe_api.client().v1.refunds.list(params={"payment_intent": intent_id}).data]
