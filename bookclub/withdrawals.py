"""Withdrawing a plan altogether (T7.1, R-S9): every subscription ends and every subscriber is
refunded pro rata what they paid in advance, by a background job an order admin starts.

``start`` marks the plan withdrawn (``plans.withdraw``), records a ``PlanWithdrawal`` and
enqueues ``withdraw_plan_task`` on commit. The job (``run``) takes the subscriptions one at a
time, each in its own transaction: it locks the subscription, cancels it through ``lifecycle``
(reason ``plan_withdrawn``, always refunded) or abandons a joining in progress, and records a
``SubscriptionRefund`` row, unique per withdrawal and subscription, with the refund recorded on
the paying order. The refunds go to Stripe after each commit. Run again (a retry, a second
worker, an admin pressing "Run again"), the job finds each subscriber's row and refunds nobody
twice; it resends only refunds that have not gone through, with their own idempotency keys.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from bookclub import lifecycle, plans, refunding
from bookclub.exceptions import InvalidChoice, NotAllowed
from bookclub.models import Plan, PlanWithdrawal, Subscription, SubscriptionRefund
from durable import heartbeat
from shop.payment.models import Refund

logger = logging.getLogger(__name__)
State = Subscription.State


@transaction.atomic
def start(plan: Plan, *, by, reason: str) -> PlanWithdrawal:
    """Withdraw ``plan`` and start the job that ends its subscriptions (R-S9). Starting again
    returns the same withdrawal and runs the job again (it does only what is left)."""
    from bookclub.tasks import withdraw_plan_task

    reason = (reason or "").strip()
    if not reason:
        raise InvalidChoice("Say why the plan is withdrawn: every subscriber's history records it.")
    plan = plans.withdraw(plan)
    withdrawal, _ = PlanWithdrawal.objects.select_for_update().get_or_create(
        plan=plan,
        defaults={
            "reason": reason,
            "started_by": by,
            "subscriber_count": lifecycle.subscriptions_of_withdrawn_plan(plan).count(),
        },
    )
    withdraw_plan_task.enqueue(withdrawal.pk)
    return withdrawal


def _acting(withdrawal: PlanWithdrawal):
    """The admin who started it, while still an active member of staff; otherwise the system."""
    person = withdrawal.started_by
    return person if person is not None and person.is_staff and person.is_active else None


@transaction.atomic
def _end_one(withdrawal: PlanWithdrawal, subscription_id: int, by) -> SubscriptionRefund | None:
    subscription = Subscription.objects.select_for_update(of=("self",)).get(pk=subscription_id)
    if SubscriptionRefund.objects.filter(withdrawal=withdrawal, subscription=subscription).exists():
        return None  # dealt with by an earlier run
    note = f"{withdrawal.plan.name} was withdrawn: {withdrawal.reason}"
    if subscription.state == State.PENDING:
        outcome = lifecycle.abandon(subscription, by=by, reason=note)
    elif subscription.state in lifecycle.RUNNING:
        outcome = lifecycle.cancel(
            subscription, by=by, reason=Subscription.CancellationReason.PLAN_WITHDRAWN, note=note
        )
    else:
        return None
    return refunding.record(
        outcome.event, by=by, withdrawal=withdrawal, nothing_owed_note="Nothing was paid in advance."
    )


def run(withdrawal_id: int) -> "Progress":
    """The job: end every subscription of the withdrawn plan still running, each subscriber
    refunded once, then send any refund not yet made. Safe to run again at any time."""
    withdrawal = PlanWithdrawal.objects.select_related("plan__product", "started_by").get(pk=withdrawal_id)
    PlanWithdrawal.objects.filter(pk=withdrawal.pk).update(
        runs=withdrawal.runs + 1, last_run_at=timezone.now()
    )
    by = _acting(withdrawal)
    for subscription_id in lifecycle.subscriptions_of_withdrawn_plan(withdrawal.plan).values_list(
        "pk", flat=True
    ):
        try:
            payback = _end_one(withdrawal, subscription_id, by)
        except (IntegrityError, NotAllowed) as error:
            # Another run got there first, or the subscription changed meanwhile: the next run
            # (or the summary) shows what is left.
            logger.warning(
                "Withdrawal %s: subscription %s skipped: %s", withdrawal.pk, subscription_id, error
            )
            continue
        if payback is not None:
            refunding.send(payback)
        heartbeat()  # a long plan's job keeps its lease: no second worker takes it meanwhile
    unsent = withdrawal.refunds.filter(refund__isnull=False).exclude(refund__status=Refund.Status.SUCCEEDED)
    for payback in unsent:
        refunding.send(payback)
    result = progress(withdrawal)
    if result.remaining == 0 and withdrawal.finished_at is None:
        PlanWithdrawal.objects.filter(pk=withdrawal.pk).update(finished_at=timezone.now())
    return result


@dataclass(frozen=True)
class Progress:
    """How far a withdrawal has gone, for the dashboard."""

    ended: int  # subscriptions cancelled (or joinings abandoned) by the job
    remaining: int  # still pending, active or suspended
    refunded: Decimal  # sent back and confirmed by Stripe
    refunds_made: int
    refunds_waiting: int  # recorded, not yet through (sending, or failed: retry)
    not_refunded: int  # owed but not recorded on a card payment (see each row's note)
    nothing_owed: int

    @property
    def total(self) -> int:
        return self.ended + self.remaining

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.ended / self.total)

    @property
    def finished(self) -> bool:
        return self.remaining == 0 and self.refunds_waiting == 0


def progress(withdrawal: PlanWithdrawal) -> Progress:
    """Counted in two queries, whatever the number of subscribers."""
    succeeded = Q(refund__status=Refund.Status.SUCCEEDED)
    figures = withdrawal.refunds.aggregate(
        ended=Count("pk"),
        refunded=Sum("amount", filter=succeeded),
        refunds_made=Count("pk", filter=succeeded),
        refunds_waiting=Count("pk", filter=Q(refund__isnull=False) & ~succeeded),
        not_refunded=Count("pk", filter=Q(refund__isnull=True, amount_due__gt=0)),
        nothing_owed=Count("pk", filter=Q(amount_due__lte=0)),
    )
    remaining = lifecycle.subscriptions_of_withdrawn_plan(withdrawal.plan).count()
    return Progress(
        ended=figures["ended"],
        remaining=remaining,
        refunded=figures["refunded"] or Decimal("0.00"),
        refunds_made=figures["refunds_made"],
        refunds_waiting=figures["refunds_waiting"],
        not_refunded=figures["not_refunded"],
        nothing_owed=figures["nothing_owed"],
    )


def rerun(withdrawal: PlanWithdrawal) -> None:
    """Run the job again (what is left, and refunds not yet through), after the commit."""
    from bookclub.tasks import withdraw_plan_task

    withdraw_plan_task.enqueue(withdrawal.pk)
