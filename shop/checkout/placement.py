"""Taking payment and placing the order, once (R-P1, R-P2, R-L5, R-C2).

The review step starts a PaymentIntent for the basket (``start_payment``). The order is placed
only when Stripe says the PaymentIntent succeeded, by ``place_order_for_payment_intent``, which
both the customer's browser and the ``payment_intent.succeeded`` webhook call. They may arrive
in either order, twice, or one of them never: the CheckoutPayment row (unique PaymentIntent id)
is locked while placing, so the second caller finds the order already there.

If the order cannot be placed after the money was taken (a book sold out meanwhile, the
basket changed during 3-D Secure or was ordered through another payment), nothing is written,
the payment is refunded in full and the customer is told; its order number is never used again
(``shop.order.numbers``).
"""

import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from legal import versions
from legal.models import LegalKind
from shop.order import acceptance, numbers, processing
from shop.order.exceptions import LinesNoLongerAvailable
from shop.order.tasks import send_order_confirmation_task
from shop.payment import refunds, stripe_api
from shop.payment.models import CheckoutPayment, to_pence

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")
OrderPlacementMixin = get_class("checkout.mixins", "OrderPlacementMixin")
EventHandler = get_class("order.processing", "EventHandler")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")

CARD_SOURCE_TYPE = "Card (Stripe)"


class BasketChanged(Exception):
    """The basket no longer adds up to what was paid (it changed while the customer paid)."""


@dataclass
class Placement:
    """What happened to a PaymentIntent: ``placed``, ``unavailable``, ``not_paid`` or ``unknown``."""

    outcome: str
    payment: CheckoutPayment | None = None
    intent: object = None

    @property
    def order(self):
        return self.payment.order if self.payment else None


# ---------------------------------------------------------------------------------------------
# Starting the payment (the review step's "Pay and place order")
# ---------------------------------------------------------------------------------------------
def basket_revision(basket, shipping_code: str, address_fields: dict | None, payment_method_id: str) -> str:
    """A short fingerprint of what is being bought, where to, and with which card.

    It goes into the idempotency key: a double click sends the same key (one charge), while a
    changed basket or another card makes a new PaymentIntent, as Stripe requires.
    """
    parts = [f"{line.product_id}x{line.quantity}@{line.unit_price_incl_tax}" for line in basket.all_lines()]
    parts += [shipping_code, repr(sorted((address_fields or {}).items())), payment_method_id]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def address_snapshot(address) -> dict | None:
    """The unsaved shipping address as JSON, to rebuild it when the order is placed."""
    if address is None:
        return None
    fields = {}
    for field in ShippingAddress._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(address, field.attname)
        fields[field.attname] = value if value is None or isinstance(value, (str, int, bool)) else str(value)
    return fields


def start_payment(
    *,
    basket,
    user,
    guest_email: str,
    shipping_address,
    shipping_method,
    order_total,
    payment_method_id: str,
    card_label: str = "",
    confirmed_age: bool,
) -> tuple[CheckoutPayment, object]:
    """Create and confirm the PaymentIntent for this basket and record it (raises CardError).

    The order number is reserved for this attempt (``shop.order.numbers``): a second press of
    "Pay" for the same basket, card and total finds the same number, so Stripe gets the same
    idempotency key and charges once; any other attempt gets a number of its own.
    """
    amount_pence = to_pence(order_total.incl_tax)
    address_fields = address_snapshot(shipping_address)
    revision = basket_revision(basket, shipping_method.code, address_fields, payment_method_id)
    order_number = numbers.reserve(basket, attempt=f"{amount_pence}-{revision}")
    intent = stripe_api.create_payment_intent(
        amount_pence=amount_pence,
        payment_method=payment_method_id,
        metadata={"basket_id": str(basket.id), "order_number": order_number, "basket_revision": revision},
        idempotency_key=f"order-{order_number}-{amount_pence}-{revision}",
    )
    payment, _ = CheckoutPayment.objects.get_or_create(
        payment_intent_id=intent.id,
        defaults=dict(
            basket=basket,
            user=user if user.is_authenticated else None,
            guest_email="" if user.is_authenticated else guest_email,
            order_number=order_number,
            amount=order_total.incl_tax,
            currency=order_total.currency or "GBP",
            shipping_address=address_fields,
            shipping_method_code=shipping_method.code,
            basket_revision=revision,
            card_label=card_label,
            agreed_terms_at=timezone.now(),
            confirmed_age=confirmed_age,
        ),
    )
    return payment, intent


# ---------------------------------------------------------------------------------------------
# Placing the order (browser return and webhook alike)
# ---------------------------------------------------------------------------------------------
def place_order_for_payment_intent(payment_intent_id: str) -> Placement:
    """Place the order paid for by this PaymentIntent, if it succeeded and is not placed yet."""
    intent = stripe_api.retrieve_payment_intent(payment_intent_id)
    if intent.status != "succeeded":
        payment = CheckoutPayment.objects.filter(payment_intent_id=payment_intent_id).first()
        return Placement("not_paid", payment, intent)

    with transaction.atomic():
        payment = (
            CheckoutPayment.objects.select_for_update().filter(payment_intent_id=payment_intent_id).first()
        )
        if payment is None:
            logger.error("PaymentIntent %s succeeded but no checkout knows it", payment_intent_id)
            return Placement("unknown", None, intent)
        if payment.status == CheckoutPayment.Status.PLACED:
            return Placement("placed", payment, intent)
        if payment.status == CheckoutPayment.Status.UNAVAILABLE:
            return Placement("unavailable", payment, intent)
        try:
            with transaction.atomic():
                order = _create_order(payment, intent)
        except (LinesNoLongerAvailable, BasketChanged) as problem:
            titles = getattr(problem, "titles", [])
            logger.warning("Order %s not placed, refunding %s: %s", payment.order_number, intent.id, problem)
            payment.status = CheckoutPayment.Status.UNAVAILABLE
            payment.unavailable_titles = titles
            payment.save(update_fields=["status", "unavailable_titles", "updated_at"])
            numbers.end(payment.order_number)  # told "could not be completed": never an order's
            _thaw_basket(payment)
            refunds.refund_unplaced_payment(payment)
            return Placement("unavailable", payment, intent)

        payment.status = CheckoutPayment.Status.PLACED
        payment.order = order
        payment.save(update_fields=["status", "order", "updated_at"])
        numbers.end(order.number)
        record_legal_agreement(order, payment)
        send_order_confirmation_task.enqueue(order.pk)
        logger.info("Order %s placed for %s", order.number, intent.id)
        return Placement("placed", payment, intent)


def record_legal_agreement(order, payment: CheckoutPayment) -> None:
    """R-L3: the Terms of Sale and Privacy Policy versions in force when the customer agreed.

    The review step refused the agreement unless the versions shown were still in force, so the
    versions in force at ``agreed_terms_at`` are exactly the ones the customer read.
    """
    at = payment.agreed_terms_at
    terms = versions.version_in_force(LegalKind.TERMS, at=at)
    privacy = versions.version_in_force(LegalKind.PRIVACY, at=at)
    if terms and privacy:
        acceptance.record_acceptance(order, terms, privacy, at)
    else:  # the review step refuses orders without terms, so this is a bug worth hearing about
        logger.error("Order %s placed with no terms in force at %s", order.number, at)


class RequestlessPlacement(OrderPlacementMixin):
    """Oscar's order placement, run without a request: the browser's return and the webhook
    place orders through it alike.

    What Oscar records at placement is Oscar's: the card as the payment source
    (``add_payment_source``), one "Paid" event covering every line (``add_payment_event``), the
    delivery address and the customer's address book (``update_address_book``), then
    OrderCreator. Why overridden: the payment events are written by our EventHandler, the one
    place that records them.
    """

    def save_payment_events(self, order):
        lines = list(order.lines.all())
        handler = EventHandler()
        for event in self._payment_events or []:
            handler.create_payment_event(
                order,
                event.event_type,
                event.amount,
                lines,
                [line.quantity for line in lines],
                reference=event.reference,
            )


def _create_order(payment: CheckoutPayment, intent):
    basket = Basket._default_manager.select_for_update().get(pk=payment.basket_id)
    if basket.status not in (Basket.OPEN, Basket.FROZEN):
        # Ordered already, through another payment (3-D Secure left waiting on one card, the order
        # paid with another): this payment is refunded, not made into a second order.
        raise BasketChanged(f"the basket is {basket.status.lower()}, not open")
    user = payment.user or AnonymousUser()
    basket.strategy = Selector().strategy(user=user)
    # Stock is locked and checked by our OrderCreator (R-C2): LinesNoLongerAvailable, nothing written.

    shipping_address = ShippingAddress(**payment.shipping_address) if payment.shipping_address else None
    methods = Repository().get_shipping_methods(basket=basket, user=user, shipping_addr=shipping_address)
    shipping_method = next((m for m in methods if m.code == payment.shipping_method_code), None)
    if shipping_method is None:
        raise BasketChanged(f"delivery method {payment.shipping_method_code} no longer offered")
    shipping_charge = shipping_method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    if to_pence(total.incl_tax) != intent.amount:
        raise BasketChanged(f"basket totals {total.incl_tax}, {intent.amount}p was paid")
    revision = basket_revision(basket, payment.shipping_method_code, payment.shipping_address, _pm_id(intent))
    if revision != payment.basket_revision:
        raise BasketChanged("the basket changed after payment started")

    placer = RequestlessPlacement()
    placer.add_payment_source(_card_source(total.incl_tax, payment, intent))
    placer.add_payment_event(processing.PAID, total.incl_tax, reference=intent.id)
    extra = {} if user.is_authenticated else {"guest_email": payment.guest_email}
    order = placer.place_order(
        order_number=payment.order_number,
        user=user,
        basket=basket,
        shipping_address=shipping_address,
        shipping_method=shipping_method,
        shipping_charge=shipping_charge,
        order_total=total,
        **extra,
    )
    basket.submit()
    return order


def _pm_id(intent) -> str:
    method = intent.payment_method
    return method if isinstance(method, str) or method is None else method.id


def _card_source(amount, payment: CheckoutPayment, intent):
    """The card as Oscar's payment source, debited with the amount paid (saved with the order)."""
    charge = intent.latest_charge
    charge_id = charge if isinstance(charge, str) else getattr(charge, "id", "")
    source_type, _ = SourceType.objects.get_or_create(name=CARD_SOURCE_TYPE)
    source = Source(
        source_type=source_type,
        currency=payment.currency,
        amount_allocated=amount,
        amount_debited=amount,
        reference=intent.id,
        label=payment.card_label,
    )
    source.create_deferred_transaction(Transaction.DEBIT, amount, reference=charge_id or intent.id)
    return source


def _thaw_basket(payment: CheckoutPayment) -> None:
    basket = Basket._default_manager.filter(pk=payment.basket_id).first()
    if basket is not None and basket.status == Basket.FROZEN:
        basket.thaw()
