"""Refunds: the money side (R-P4).

Money only ever goes back to the PaymentIntent that paid (R-P4): an order's card source, or the
checkout payment whose order could not be placed. An amount is checked against what was paid
minus what is refunded or still being refunded, with the order row locked, before Stripe is
called. The Refund row is committed before the call; its idempotency key is the same on every
retry, so a retry after a network error, a 5xx or a rate limit refunds once.

What a refund means for an order (which lines, the payment event, the customer's email) is the
order app's: ``shop.order.processing.EventHandler`` starts order refunds here and hears of
their success through ``signals.refund_succeeded``.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_model

from shop.payment import signals, stripe_api
from shop.payment.models import CheckoutPayment, Refund

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")

UNPLACED_REASON = "The order could not be placed"


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


@transaction.atomic
def record_refund(
    order,
    *,
    kind: str,
    amount: Decimal | None,
    reason: str,
    line_quantities: dict[int, int] | None = None,
    user=None,
) -> Refund:
    """Record a refund of ``amount`` (None: everything still refundable) on an order, not yet sent.

    R-P4: raises RefundRefused, before any call to Stripe, for a refund without a reason, of
    nothing, or of more than can still be refunded.
    """
    if not reason.strip():
        raise RefundRefused("Give a reason for the refund: the customer sees it.")
    order = Order.objects.select_for_update().get(pk=order.pk)  # one refund decision at a time
    card_source(order)
    available = refundable_amount(order)
    value = available if amount is None else amount
    if value <= 0:
        raise RefundRefused("There is nothing to refund for that choice.")
    if value > available:
        raise RefundRefused(f"£{value} is more than can be refunded on this order (£{available} left).")
    return Refund.objects.create(
        order=order,
        kind=kind,
        amount=value,
        reason=reason.strip(),
        line_quantities={str(k): v for k, v in (line_quantities or {}).items()},
        created_by=user if user and user.is_authenticated else None,
    )


@transaction.atomic
def refund_unplaced_payment(payment: CheckoutPayment) -> Refund:
    """Give back the whole of a payment whose order could not be placed (R-P2, R-C2).

    Recorded at once, sent to Stripe by a task after the commit; asking twice changes nothing.
    """
    from shop.payment.tasks import send_refund_task

    refund, created = Refund.objects.get_or_create(
        checkout_payment=payment,
        kind=Refund.Kind.UNPLACED,
        defaults={"amount": payment.amount, "reason": UNPLACED_REASON},
    )
    if created:
        send_refund_task.enqueue(refund.pk)
    return refund


def _payment_intent_id(refund: Refund) -> str:
    if refund.kind == Refund.Kind.UNPLACED:
        return refund.checkout_payment.payment_intent_id
    return card_source(refund.order).reference


def send_refund(refund: Refund) -> Refund:
    """Ask Stripe for the refund (again, for a retry: with the same idempotency key), R-P4."""
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    Refund.objects.filter(pk=refund.pk).update(attempts=refund.attempts + 1)
    refund.attempts += 1
    try:
        answer = stripe_api.create_refund(
            payment_intent_id=_payment_intent_id(refund),
            amount_pence=refund.amount_pence,
            metadata={
                "order_number": refund.order_number,
                "refund": str(refund.pk),
                "reason": refund.reason[:450],
            },
            idempotency_key=refund.idempotency_key,
        )
    except stripe_api.StripeError as error:
        logger.warning("Refund %s of order %s failed: %r", refund.pk, refund.order_number, error)
        refund.status = Refund.Status.FAILED
        refund.error = _explain(error)
        refund.save(update_fields=["status", "error"])
        return refund
    _record_success(refund, answer.id)
    refund.refresh_from_db()
    return refund


@transaction.atomic
def _record_success(refund: Refund, stripe_refund_id: str) -> None:
    # Locked: two retries answered at once by Stripe (same key, same refund) record it once.
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status == Refund.Status.SUCCEEDED:
        return
    refund.status = Refund.Status.SUCCEEDED
    refund.stripe_refund_id = stripe_refund_id
    refund.error = ""
    refund.completed_at = timezone.now()
    refund.save(update_fields=["status", "stripe_refund_id", "error", "completed_at"])
    if refund.order_id:
        card_source(refund.order).refund(refund.amount, reference=stripe_refund_id)
    signals.refund_succeeded.send(sender=Refund, refund=refund)


def _explain(error) -> str:
    status = getattr(error, "http_status", None)
    message = getattr(error, "user_message", None) or str(error) or error.__class__.__name__
    if isinstance(error, stripe_api.RateLimitError):
        return "Stripe is busy (rate limit). Nothing was refunded twice: retry in a minute."
    if status is None or status >= 500:
        return f"Stripe could not be reached or failed ({message}). Retry: it is safe, Stripe refunds once."
    return f"Stripe refused the refund: {message}"
