"""Joining a plan, step by step (R-S1, R-S3..S6, R-D3, R-L5, R-P1, R-P5; docs/subscriptions.md).

The screens (``bookclub.views.joining``) call these functions in order:

1. ``lifecycle.join``: eligibility and the delivery address, a pending subscription;
2. pre-paid and eBook plans: ``start_card_setup`` (a Stripe customer and a SetupIntent that
   Stripe.js confirms in the page, 3-D Secure on session), then ``save_card``;
3. the review: ``quote_for`` shows what joining costs; "Join" calls ``pay`` (pre-paid: the
   term; eBook: the first month's titles) on the saved card, or ``join_without_payment``
   for a pay-monthly paperback plan (invoiced after delivery, R-P3);
4. ``finish_payment`` (the browser's return after 3-D Secure, or the webhook): the first order,
   ``lifecycle.confirm`` (the contract and its Order Confirmation email), the legal acceptance.

The first order is a separate order of its own, never part of a shop basket (R-S4): one line,
the plan, at the first charge; a paperback plan's order carries the plan's delivery address.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.core.prices import Price

from bookclub import discounts, lifecycle, months, ordering, pricing
from bookclub.exceptions import NotAllowed
from bookclub.models import JoiningPayment, Plan, Subscription, SubscriptionOrder
from legal import acceptance as legal_acceptance
from shop.order import acceptance, numbers
from shop.payment import stripe_api
from shop.payment.models import to_pence

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
OrderDiscount = get_model("order", "OrderDiscount")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
Selector = get_class("partner.strategy", "Selector")
Free = get_class("shipping.methods", "Free")

DISCOUNT_NAME = "First order at half price"
JOIN_PURPOSE = "bookclub-join"  # in the PaymentIntent's metadata: its webhook events come here


class PlanDelivery(Free):
    """The first parcel travels with the plan: no delivery charge of its own."""

    code = "plan-delivery"
    name = "Posted with your plan"


def needs_card(plan: Plan) -> bool:
    """Pre-paid plans renew on the card (R-S3); eBook plans are charged on it monthly (R-P5)."""
    return not plan.is_pay_monthly


def quote_for(subscription: Subscription) -> pricing.PlanQuote:
    """What joining costs now, with the first-order discount if this person may still have it."""
    plan = subscription.plan
    eligible = plan.is_pay_monthly and discounts.is_eligible_for_first_order_discount(
        subscription.customer,
        plan=plan,
        delivery_address=subscription.delivery_address,
        card_fingerprint=subscription.card_fingerprint,
        excluding=subscription,
    )
    return pricing.quote(
        plan,
        today=months.london_today(),
        titles=subscription.ebook_titles,
        first_order_discount_applies=eligible,
    )


def pending_for(customer, subscription_id) -> Subscription:
    """The customer's own subscription being joined (404-safe: ``Subscription.DoesNotExist``)."""
    return Subscription.objects.select_related("plan__product", "delivery_address").get(
        pk=subscription_id, customer=customer
    )


# ---------------------------------------------------------------------------------------------
# The card (R-P5): a SetupIntent confirmed in the page
# ---------------------------------------------------------------------------------------------
def stripe_customer_for(subscription: Subscription) -> str:
    """The customer's Stripe customer: the one a subscription of theirs already has, else a new one."""
    if subscription.stripe_customer_id:
        return subscription.stripe_customer_id
    known = (
        Subscription.objects.filter(customer=subscription.customer_id)
        .exclude(stripe_customer_id="")
        .order_by("-card_saved_at")
        .values_list("stripe_customer_id", flat=True)
        .first()
    )
    if known:
        return known
    customer = stripe_api.create_customer(
        email=subscription.customer.email,
        metadata={"user_id": str(subscription.customer_id)},
        idempotency_key=f"bookclub-customer-{subscription.customer_id}",
    )
    return customer.id


def start_card_setup(subscription: Subscription, *, purpose: str = "join"):
    """A SetupIntent for the page to confirm; raises ``stripe_api.StripeError``."""
    customer_id = stripe_customer_for(subscription)
    return stripe_api.create_setup_intent(
        customer_id=customer_id,
        metadata={"subscription_id": str(subscription.pk), "step": purpose},
        idempotency_key=f"bookclub-setup-{subscription.pk}-{purpose}-{timezone.now().timestamp()}",
    )


def payment_method_id(intent) -> str:
    """The PaymentMethod of a Payment- or SetupIntent, expanded or not."""
    method = intent.payment_method
    return method if isinstance(method, str) or method is None else method.id


@dataclass(frozen=True)
class CardResult:
    saved: bool
    message: str = ""


def save_card(subscription: Subscription, setup_intent_id: str, *, by) -> CardResult:
    """Record the card of a SetupIntent the page confirmed, once Stripe says it succeeded."""
    try:
        intent = stripe_api.retrieve_setup_intent(setup_intent_id)
    except stripe_api.InvalidRequestError:
        return CardResult(False, "We did not receive your card details. Please enter them again.")
    metadata = getattr(intent, "metadata", None)
    named = str(metadata["subscription_id"]) if metadata and "subscription_id" in metadata else ""
    if named != str(subscription.pk):
        return CardResult(False, "That card was not saved for this plan. Please enter it again.")
    if intent.status != "succeeded":
        return CardResult(False, "Your bank did not confirm the card, so it was not saved. Please try again.")
    customer_id = intent.customer if isinstance(intent.customer, str) else intent.customer.id
    method_id = payment_method_id(intent)
    method = stripe_api.attach_payment_method(method_id, customer_id=customer_id)
    card = getattr(method, "card", None)
    lifecycle.record_card(
        subscription,
        by=by,
        stripe_customer_id=customer_id,
        payment_method_id=method_id,
        brand=getattr(card, "brand", "") or "",
        last4=getattr(card, "last4", "") or "",
        exp_month=getattr(card, "exp_month", None),
        exp_year=getattr(card, "exp_year", None),
        fingerprint=getattr(card, "fingerprint", "") or "",
    )
    return CardResult(True)


# ---------------------------------------------------------------------------------------------
# Joining: pay (pre-paid, eBook) or not (pay-monthly paperbacks), then the first order
# ---------------------------------------------------------------------------------------------
def terms_in_force():
    """The Terms of Sale and Privacy Policy in force, (None, None) when unpublished."""
    return legal_acceptance.versions_to_accept()


@transaction.atomic
def join_without_payment(subscription: Subscription, *, by, agreed_terms_at: datetime) -> Subscription:
    """Pay-monthly paperbacks: the first order, invoiced (R-P3), then the contract (R-L5).

    The subscription row is locked: a second tab's "Join" waits, then finds it active.
    """
    locked = Subscription.objects.select_for_update(of=("self",)).get(pk=subscription.pk)
    if locked.state == Subscription.State.ACTIVE:
        return locked
    if locked.plan.is_pay_monthly is False:
        raise NotAllowed("This plan is paid by card: please save a card first.")
    number = numbers.new_number()
    outcome = lifecycle.confirm(locked, by=by, order_number=number)
    confirmed = outcome.subscription
    charge = pricing.charge_for_month(confirmed, confirmed.first_period)
    order = _place_first_order(confirmed, number=number, charge=charge, agreed_terms_at=agreed_terms_at)
    logger.info("Subscription %s joined with invoiced order %s", confirmed.pk, order.number)
    return confirmed


@dataclass(frozen=True)
class Payment:
    """What "Pay and join" started: the row, and Stripe's PaymentIntent (status, client secret)."""

    payment: JoiningPayment
    intent: object


def pay(subscription: Subscription, *, by, agreed_terms_at: datetime) -> Payment:
    """Charge the first payment (pre-paid: the term; eBook: the first month) to the saved card.

    Raises ``stripe_api.CardError`` (declined) or ``StripeError``. A second press while the
    first payment is still waiting reads that payment's PaymentIntent instead of charging again.
    """
    # The subscription stays locked while Stripe is asked: a second press (another tab) waits
    # here, then finds this payment and reads its PaymentIntent rather than charging again.
    with transaction.atomic():
        locked = Subscription.objects.select_for_update(of=("self",)).get(pk=subscription.pk)
        if locked.state != Subscription.State.PENDING:
            raise NotAllowed(f"You already belong to {locked.plan.name}: you will find it in My Account.")
        if not locked.stripe_payment_method_id:
            raise NotAllowed("Please save a card first: this plan is charged to it.")
        amount = quote_for(locked).first_charge
        waiting = locked.joining_payments.filter(status=JoiningPayment.Status.STARTED, amount=amount).first()
        if waiting is not None:
            intent = stripe_api.retrieve_payment_intent(waiting.payment_intent_id)
            if intent.status in ("succeeded", "requires_action", "processing"):
                return Payment(waiting, intent)
            waiting.status, waiting.updated_at = JoiningPayment.Status.FAILED, timezone.now()
            waiting.save(update_fields=["status", "updated_at"])
        number = numbers.new_number()
        intent = stripe_api.charge_saved_card(
            amount_pence=to_pence(amount),
            customer_id=locked.stripe_customer_id,
            payment_method=locked.stripe_payment_method_id,
            metadata={"subscription_id": str(locked.pk), "order_number": number, "purpose": JOIN_PURPOSE},
            idempotency_key=f"bookclub-join-{number}",
        )
        payment = JoiningPayment.objects.create(
            subscription=locked,
            payment_intent_id=intent.id,
            order_number=number,
            amount=amount,
            agreed_terms_at=agreed_terms_at,
        )
        return Payment(payment, intent)


@dataclass(frozen=True)
class Finished:
    """``joined`` (the subscription is active), ``waiting`` (3-D Secure or the bank), ``failed``."""

    outcome: str
    subscription: Subscription | None = None
    intent: object = None


def finish_payment(payment_intent_id: str) -> Finished:
    """Once Stripe says the first payment succeeded: the first order and the contract, once.

    The browser's return and the ``payment_intent.succeeded`` webhook both call this; the
    payment row is locked, so whichever comes second finds the subscription already joined.
    """
    intent = stripe_api.retrieve_payment_intent(payment_intent_id)
    with transaction.atomic():
        payment = (
            JoiningPayment.objects.select_for_update()
            .select_related("subscription__plan__product")
            .filter(payment_intent_id=payment_intent_id)
            .first()
        )
        if payment is None:
            return Finished("unknown", None, intent)
        if payment.status == JoiningPayment.Status.PAID:
            return Finished("joined", payment.subscription, intent)
        if intent.status in ("requires_action", "processing"):
            return Finished("waiting", payment.subscription, intent)
        if intent.status != "succeeded":
            payment.status = JoiningPayment.Status.FAILED
            payment.updated_at = timezone.now()
            payment.save(update_fields=["status", "updated_at"])
            return Finished("failed", payment.subscription, intent)
        subscription = payment.subscription
        if subscription.state != Subscription.State.PENDING:
            # Joined by another payment meanwhile (or given up): this one is given back in full.
            logger.error("Payment %s for subscription %s not needed: refunded", intent.id, subscription.pk)
            stripe_api.create_refund(
                payment_intent_id=intent.id,
                amount_pence=intent.amount,
                metadata={"subscription_id": str(subscription.pk), "reason": "joined already"},
                idempotency_key=f"bookclub-join-refund-{intent.id}",
            )
            payment.status, payment.updated_at = JoiningPayment.Status.FAILED, timezone.now()
            payment.save(update_fields=["status", "updated_at"])
            return Finished(
                "joined" if subscription.state == Subscription.State.ACTIVE else "failed",
                subscription,
                intent,
            )
        term_price = payment.amount if subscription.plan.is_prepaid else None
        outcome = lifecycle.confirm(
            subscription, by=None, order_number=payment.order_number, term_price=term_price
        )
        confirmed = outcome.subscription
        charge = pricing.charge_for_month(confirmed, confirmed.first_period)
        if charge.amount != payment.amount:  # the title price changed while paying: what was paid stands
            charge = pricing.MonthCharge(
                charge.month, payment.amount, payment.amount, pricing.ZERO, True, charge.titles, charge.books
            )
        order = _place_first_order(
            confirmed,
            number=payment.order_number,
            charge=charge,
            agreed_terms_at=payment.agreed_terms_at,
            intent=intent,
        )
        payment.status = JoiningPayment.Status.PAID
        payment.order = order
        payment.updated_at = timezone.now()
        payment.save(update_fields=["status", "order", "updated_at"])
        logger.info("Subscription %s joined, order %s paid by %s", confirmed.pk, order.number, intent.id)
        return Finished("joined", confirmed, intent)


def _place_first_order(
    subscription: Subscription, *, number: str, charge: pricing.MonthCharge, agreed_terms_at, intent=None
):
    """The first order: one line, the plan, at the first charge (R-S4: an order of its own)."""
    plan = subscription.plan
    customer = subscription.customer
    basket = Basket.objects.create(owner=customer)
    basket.strategy = Selector().strategy(user=customer)
    basket.add_product(plan.product, 1)
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = Selector().strategy(user=customer)
    full = charge.full_price
    amount = charge.amount
    address = None
    if plan.is_physical and subscription.delivery_address is not None:
        address = ShippingAddress(**_address_fields(subscription.delivery_address))
        address.save()
    creator = OrderCreator()
    order = creator.place_order(
        basket=basket,
        total=Price(currency="GBP", excl_tax=amount, incl_tax=amount),
        shipping_method=PlanDelivery(),
        shipping_charge=Price(currency="GBP", excl_tax=Decimal("0.00"), incl_tax=Decimal("0.00")),
        user=customer,
        shipping_address=address,
        order_number=number,
    )
    if full != amount or basket.total_incl_tax != amount:
        # The line is at the plan's price; the order says what came off, and why (R-S5).
        difference = basket.total_incl_tax - amount
        if difference > 0:
            OrderDiscount.objects.create(
                order=order,
                category=OrderDiscount.BASKET,
                offer_name=DISCOUNT_NAME if charge.discount else "Plan price",
                amount=difference,
                message=DISCOUNT_NAME if charge.discount else "",
            )
    basket.submit()
    numbers.end(number)
    if intent is not None:
        ordering.record_card_payment(order, amount, intent, subscription.card_label)
    SubscriptionOrder.objects.create(subscription=subscription, order=order, month=charge.month)
    terms, privacy = terms_in_force()
    if terms and privacy:
        acceptance.record_acceptance(order, terms, privacy, agreed_terms_at)
    else:
        logger.error("Subscription %s joined with no terms in force", subscription.pk)
    return order


def _address_fields(address) -> dict:
    fields = {}
    for field in ShippingAddress._meta.concrete_fields:
        if field.primary_key or not hasattr(address, field.attname):
            continue
        fields[field.attname] = getattr(address, field.attname)
    return fields
