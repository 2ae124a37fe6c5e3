"""Paying back what a cancelled subscription had paid in advance (R-S9, T7.1, R-P4).

``bookclub.refunds`` says how much (the pro-rata figure); ``lifecycle.cancel`` writes the figure
and ``refund_due`` into the cancellation's history row. This module sends ``refund_due`` back
through the shop's one refund mechanism (``shop.payment.refunds``), to the card payment of the
order that paid for those months: the current term's order (pre-paid; its confirmation or
latest renewal names it) or the first order (eBook, charged at joining). A ``SubscriptionRefund``
row per cancellation records what went back, or why less or nothing could.

The refund is recorded in the cancellation's transaction and sent to Stripe after it commits,
with the same idempotency key on every retry: the money moves once.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

from bookclub import lifecycle, months, refunds
from bookclub.lifecycle import Action, Outcome
from bookclub.models import Subscription, SubscriptionEvent, SubscriptionRefund
from shop.payment import refunds as payment_refunds
from shop.payment.models import Refund

Order = get_model("order", "Order")
ZERO = Decimal("0.00")


def paying_order(subscription: Subscription):
    """The order whose card payment covers the months paid in advance, or None: the latest
    order a confirmation or a renewal of this subscription names."""
    events = subscription.events.filter(action__in=[Action.CONFIRM, Action.RENEW_TERM]).order_by(
        "-created_at", "-id"
    )
    for details in events.values_list("details", flat=True):
        number = (details or {}).get("order_number")
        if number:
            order = Order.objects.filter(number=number).first()
            if order is not None:
                return order
    return None


@dataclass(frozen=True)
class RefundPreview:
    """What a cancellation would pay back, shown before the admin confirms it."""

    figure: refunds.AdvanceFigure
    due: Decimal
    order: object | None
    amount: Decimal
    note: str


def preview(subscription: Subscription, *, reason: str, refund_pro_rata: bool) -> RefundPreview:
    """The figure ``lifecycle.cancel`` would record today, and how much of it can go back to which
    order (R-S9). Writes nothing."""
    figure = refunds.unreceived_advance(subscription, on=months.london_today())
    asked = refund_pro_rata or reason in lifecycle.ALWAYS_REFUNDED
    due = figure.amount if asked else ZERO
    order, amount, note = _what_can_go_back(subscription, due)
    return RefundPreview(figure=figure, due=due, order=order, amount=amount, note=note)


def _what_can_go_back(subscription: Subscription, due: Decimal):
    if due <= 0:
        return None, ZERO, ""
    order = paying_order(subscription)
    if order is None:
        return None, ZERO, "No card payment of this subscription was found: refund it by hand."
    try:
        payment_refunds.card_source(order)
    except payment_refunds.RefundRefused as refused:
        return order, ZERO, str(refused)
    available = payment_refunds.refundable_amount(order)
    if available < due:
        return order, available, f"Only £{available} of order {order.number} is left to refund."
    return order, due, ""


@transaction.atomic
def record(
    event: SubscriptionEvent, *, by, withdrawal=None, nothing_owed_note: str = ""
) -> SubscriptionRefund:
    """Record the refund a cancellation owes (``details["refund_due"]``) on the paying order,
    not yet sent: call ``send`` after the commit. One per cancellation (its event)."""
    subscription = event.subscription
    due = Decimal((event.details or {}).get("refund_due") or "0")
    order, amount, note = _what_can_go_back(subscription, due)
    refund = None
    if amount > 0:
        reason = (
            f"Pro-rata refund: your {subscription.plan.name} subscription was cancelled "
            f"({event.reason_label.lower()}); what you paid for months you will not receive."
        )
        try:
            refund = payment_refunds.record_refund(
                order, kind=Refund.Kind.AMOUNT, amount=amount, reason=reason, user=by
            )
        except payment_refunds.RefundRefused as refused:
            amount, note = ZERO, str(refused)
    return SubscriptionRefund.objects.create(
        subscription=subscription,
        event=event,
        withdrawal=withdrawal,
        amount_due=due,
        amount=amount,
        order_number=getattr(order, "number", ""),
        refund=refund,
        note=note or (nothing_owed_note if due <= 0 else ""),
        created_by=by if by is not None and by.is_authenticated else None,
    )


def send(payback: SubscriptionRefund) -> Refund | None:
    """Ask Stripe for the recorded refund, unless it went through already (R-P4)."""
    if payback.refund_id is None:
        return None
    refund = Refund.objects.get(pk=payback.refund_id)
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    return payment_refunds.send_refund(refund)


@dataclass(frozen=True)
class Cancellation:
    outcome: Outcome
    payback: SubscriptionRefund | None
    refund: Refund | None


def cancel(
    subscription: Subscription,
    *,
    by,
    reason: str,
    note: str = "",
    refund_pro_rata: bool = False,
) -> Cancellation:
    """An order admin cancels a subscription (R-S5, R-S9, T7.1) and, when asked or owed, pays
    back pro rata what was paid in advance, to the original payment. The customer is emailed
    the cancellation (with the refund figure) and, once Stripe has made it, the refund."""
    with transaction.atomic():
        outcome = lifecycle.cancel(
            subscription, by=by, reason=reason, note=note, refund_pro_rata=refund_pro_rata
        )
        due = Decimal(outcome.event.details.get("refund_due") or "0")
        payback = record(outcome.event, by=by) if due > 0 else None
    refund = send(payback) if payback is not None else None
    return Cancellation(outcome=outcome, payback=payback, refund=refund)
