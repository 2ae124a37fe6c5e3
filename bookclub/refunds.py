"""What a subscriber paid in advance and has not yet received: the pro-rata figure (R-S9, T7.1).

The one figure behind an admin's "cancel with a pro-rata refund", the withdrawal of a plan
(every subscriber refunded pro rata), and an ending before a significant change of the terms
(R-L4). The refund itself goes through the shop's one refund mechanism, to the original payment
(R-P4); this module only says how much, and why.

A month counts as received once it has begun in London: its order forms on the first (the
monthly run, R-S10), and the first month's order forms at joining.

- Pre-paid: the term's price was paid at its start; each month of the term not yet begun is
  refunded at an equal share of that price (the last share takes the rounding).
- Pay-monthly paperbacks: invoiced after delivery (R-P3), so nothing is paid in advance, unless
  an invoice was paid ahead of its month: the caller passes those payments in.
- eBooks: a month is charged as it begins, except the first, charged at joining and delivered
  on the first of the next month (R-S7): refundable until then.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bookclub import months, pricing
from bookclub.models import Subscription

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class UnreceivedMonth:
    month: date
    amount: Decimal


@dataclass(frozen=True)
class AdvanceFigure:
    """Paid in advance and not yet received, month by month."""

    amount: Decimal
    months: list[UnreceivedMonth] = field(default_factory=list)
    explanation: str = ""

    def as_details(self) -> dict:
        """For a history row's ``details`` (JSON)."""
        return {
            "refundable": str(self.amount),
            "months": [{"month": m.month.isoformat(), "amount": str(m.amount)} for m in self.months],
            "explanation": self.explanation,
        }


def _prepaid(subscription: Subscription, on: date) -> AdvanceFigure:
    start, term = subscription.current_term_start, subscription.plan.term_months
    price = subscription.term_price
    if start is None or price is None or not term:
        return AdvanceFigure(ZERO, [], "No term has been paid.")
    share = (price / term).quantize(PENNY, rounding=ROUND_HALF_UP)
    term_months = [months.add_months(start, n) for n in range(term)]
    received = [month for month in term_months if month <= months.month_of(on)]
    unreceived = [month for month in term_months if month > months.month_of(on)]
    if not unreceived:
        return AdvanceFigure(ZERO, [], "Every month of the paid term has been received.")
    lines = [UnreceivedMonth(month, share) for month in unreceived]
    # The months received are worth their shares; the rest of the price is what is owed back.
    total = price - share * len(received)
    lines[-1] = UnreceivedMonth(lines[-1].month, total - share * (len(lines) - 1))
    return AdvanceFigure(
        total,
        lines,
        f"{len(unreceived)} of {term} months of the pre-paid term not yet received, "
        f"at {share} a month out of {price}.",
    )


def _ebook(subscription: Subscription, on: date) -> AdvanceFigure:
    if subscription.started_at is None or subscription.next_order_on is None:
        return AdvanceFigure(ZERO, [], "Nothing has been charged.")
    this_month = months.month_of(on)
    # Charged months are those whose order has formed (before next_order_on); those not yet begun
    # are the only ones not received.
    lines = []
    month = months.add_months(this_month, 1)
    while month < subscription.next_order_on:
        if subscription.first_period and month >= subscription.first_period:
            charge = pricing.charge_for_month(subscription, month)
            if charge.amount:
                lines.append(UnreceivedMonth(month, charge.amount))
        month = months.add_months(month, 1)
    total = sum((line.amount for line in lines), ZERO)
    if not lines:
        return AdvanceFigure(ZERO, [], "Every month charged has been delivered to the eBookshelf.")
    return AdvanceFigure(total, lines, "Charged for eBooks that are not yet on the eBookshelf.")


def _pay_monthly(on: date, paid_ahead: Mapping[date, Decimal]) -> AdvanceFigure:
    lines = [
        UnreceivedMonth(month, Decimal(amount))
        for month, amount in sorted(paid_ahead.items())
        if month > months.month_of(on) and Decimal(amount) > 0
    ]
    if not lines:
        return AdvanceFigure(ZERO, [], "Paid on invoice after delivery: nothing was paid in advance.")
    total = sum((line.amount for line in lines), ZERO)
    return AdvanceFigure(total, lines, "Invoices paid before their month's parcel was sent.")


def unreceived_advance(
    subscription: Subscription, *, on: date, paid_ahead: Mapping[date, Decimal] | None = None
) -> AdvanceFigure:
    """What ``subscription`` paid in advance and had not received on the London date ``on`` (R-S9).

    ``paid_ahead`` (pay-monthly paperback plans only): month -> amount of invoices paid before
    their month's parcel, from the invoices' own records.
    """
    plan = subscription.plan
    if plan.is_prepaid:
        return _prepaid(subscription, on)
    if plan.is_ebook:
        return _ebook(subscription, on)
    return _pay_monthly(on, paid_ahead or {})
