"""Refunds an order admin starts from the dashboard (R-P4, R-X6, R-C5).

Money only ever goes back to the order's own PaymentIntent (R-P4). The amount is checked
against what was paid minus what is refunded or still being refunded, before Stripe is called.
The Refund row is committed before the call; its id makes the idempotency key, so a retry
after a network error, a 5xx or a rate limit sends the same key and Stripe refunds once.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_model

from shop.order import corrections
from shop.payment import stripe_api
from shop.payment.models import Refund

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")
LinePriceCorrection = get_model("order", "LinePriceCorrection")

REFUNDED_EVENT = "Refunded"
CANCELLED_LINE_STATUS = "Cancelled"


class RefundRefused(Exception):
    """The refund asked for is not allowed; the message says why, for the admin."""


def card_source(order):
    source = order.sources.filter(reference__startswith="pi_").first()
    if source is None:
        raise RefundRefused("This order was not paid by card through Stripe, so it cannot be refunded here.")
    return source


def refundable_amount(order) -> Decimal:
    """Paid, minus refunded, minus refunds under way or failed (they may yet have gone through)."""
    paid = sum((s.amount_debited for s in order.sources.all()), Decimal("0"))
    refunded_or_open = order.refunds.exclude(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal("0")
    refunded = sum((s.amount_refunded for s in order.sources.all()), Decimal("0"))
    return max(paid - refunded - refunded_or_open, Decimal("0"))


def amount_for(order, kind: str, line_quantities: dict[int, int], amount: Decimal | None) -> Decimal:
    if kind == Refund.Kind.ORDER:
        return refundable_amount(order)
    if kind == Refund.Kind.DELIVERY:
        return order.shipping_incl_tax
    if kind in (Refund.Kind.LINES, Refund.Kind.UNAVAILABLE):
        lines = {line.pk: line for line in order.lines.all()}
        total = Decimal("0")
        for line_id, quantity in line_quantities.items():
            line = lines.get(int(line_id))
            if line is None or not 0 < quantity <= line.quantity:
                raise RefundRefused("Choose lines of this order and quantities it has.")
            total += line.unit_price_incl_tax * quantity
        return total
    return amount or Decimal("0")


def request_refund(order, *, kind: str, reason: str, user=None, line_quantities=None, amount=None) -> Refund:
    """Validate, record, then send a refund to Stripe. Raises RefundRefused before any call."""
    refund = request_refund_record(
        order, kind=kind, reason=reason, user=user, line_quantities=line_quantities, amount=amount
    )
    return send_refund(refund)


def request_refund_record(
    order, *, kind: str, reason: str, user=None, line_quantities=None, amount=None
) -> Refund:
    """Validate and record a refund (not yet sent). Raises RefundRefused when it is not allowed."""
    line_quantities = {int(k): int(v) for k, v in (line_quantities or {}).items() if int(v) > 0}
    if not reason.strip():
        raise RefundRefused("Give a reason for the refund: the customer sees it.")
    if kind in (Refund.Kind.LINES, Refund.Kind.UNAVAILABLE) and not line_quantities:
        raise RefundRefused("Choose at least one line to refund.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)  # one refund decision at a time
        card_source(order)
        value = amount_for(order, kind, line_quantities, amount)
        available = refundable_amount(order)
        if value <= 0:
            raise RefundRefused("There is nothing to refund for that choice.")
        if value > available:
            raise RefundRefused(f"£{value} is more than can be refunded on this order (£{available} left).")
        return Refund.objects.create(
            order=order,
            kind=kind,
            amount=value,
            reason=reason.strip(),
            line_quantities={str(k): v for k, v in line_quantities.items()},
            created_by=user if user and user.is_authenticated else None,
        )


def refund_price_correction(correction, *, user=None) -> Refund:
    """Give back what a corrected line overcharged, to the order's card (R-C5, R-P4).

    The correction is linked to its Refund before Stripe is called, so a retry from the refunds
    page (same idempotency key) still marks the correction refunded when it succeeds.
    """
    with transaction.atomic():
        refund = request_refund_record(
            correction.line.order,
            kind=Refund.Kind.AMOUNT,
            reason=f"Price correction of {correction.line.title}: {correction.reason}",
            user=user,
            amount=correction.refund_amount,
        )
        correction.refund = refund
        correction.save(update_fields=["refund"])
    return send_refund(refund)


def send_refund(refund: Refund) -> Refund:
    """Ask Stripe for the refund (again, for a retry: with the same idempotency key)."""
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    source = card_source(refund.order)
    Refund.objects.filter(pk=refund.pk).update(attempts=refund.attempts + 1)
    refund.attempts += 1
    try:
        answer = stripe_api.create_refund(
            payment_intent_id=source.reference,
            amount_pence=refund.amount_pence,
            metadata={
                "order_number": refund.order.number,
                "refund": str(refund.pk),
                "reason": refund.reason[:450],
            },
            idempotency_key=refund.idempotency_key,
        )
    except stripe_api.StripeError as error:
        logger.warning("Refund %s of order %s failed: %r", refund.pk, refund.order.number, error)
        refund.status = Refund.Status.FAILED
        refund.error = _explain(error)
        refund.save(update_fields=["status", "error"])
        return refund
    _record_success(refund, answer.id)
    return refund


def _record_success(refund: Refund, stripe_refund_id: str) -> None:
    with transaction.atomic():
        refund.status = Refund.Status.SUCCEEDED
        refund.stripe_refund_id = stripe_refund_id
        refund.error = ""
        refund.completed_at = timezone.now()
        refund.save(update_fields=["status", "stripe_refund_id", "error", "completed_at"])
        order = refund.order
        card_source(order).refund(refund.amount, reference=stripe_refund_id)
        event_type, _ = PaymentEventType.objects.get_or_create(name=REFUNDED_EVENT)
        event = PaymentEvent.objects.create(
            order=order, event_type=event_type, amount=refund.amount, reference=stripe_refund_id
        )
        lines = {line.pk: line for line in order.lines.all()}
        quantities = {int(k): v for k, v in refund.line_quantities.items()}
        if refund.kind == Refund.Kind.ORDER:
            quantities = {pk: line.quantity for pk, line in lines.items()}
        for line_id, quantity in quantities.items():
            PaymentEventQuantity.objects.create(event=event, line=lines[line_id], quantity=quantity)
            if refund.kind == Refund.Kind.UNAVAILABLE:
                line = lines[line_id]
                line.status = CANCELLED_LINE_STATUS
                line.save(update_fields=["status"])
        correction = LinePriceCorrection.objects.filter(refund=refund).first()
        if correction is not None:
            corrections.mark_refunded(correction, event)
        from shop.payment import tasks

        tasks.send_refund_email.enqueue(refund.pk)


def _explain(error) -> str:
    status = getattr(error, "http_status", None)
    message = getattr(error, "user_message", None) or str(error) or error.__class__.__name__
    if isinstance(error, stripe_api.RateLimitError):
        return "Stripe is busy (rate limit). Nothing was refunded twice: retry in a minute."
    if status is None or status >= 500:
        return f"Stripe could not be reached or failed ({message}). Retry: it is safe, Stripe refunds once."
    return f"Stripe refused the refund: {message}"
