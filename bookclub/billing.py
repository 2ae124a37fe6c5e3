"""The monthly run: every subscriber's order and charge for a month, exactly once (R-S10).

One ``BillingCycle`` per subscription and month is the idempotency key. The run:

1. ``open_period(period)`` creates the month's cycles in bulk (``ignore_conflicts``: opening
   twice adds nothing) for every active subscription whose next order is that month. A plan
   without a complete live selection gets a ``PlanRunAlert`` and no cycles: its month stops
   whole, and runs when opened again once the selection is live (R-S2).
2. ``claim_batch(period, worker=...)`` hands a worker a batch of cycles with work left,
   locked with ``SKIP LOCKED`` and leased for a while: workers never share a cycle, and a dead
   worker's cycles come back when its lease runs out.
3. ``process_cycle(cycle_id, worker=...)`` moves a cycle on, one recorded step at a time:
   the order formed (``bookclub.ordering``, in the same transaction as the subscription's
   ``advance_period``); the charge asked for, its attempt counted and saved *before* Stripe is
   called, with an idempotency key made of the cycle and the attempt (so a worker that dies
   after asking is answered the same PaymentIntent when the cycle is asked again); then the
   answer: paid, waiting for the customer's authentication, retrying, failed, invoiced, skipped.

Plans: eBook months charge the saved card off-session (R-S7, R-P5); pre-paid months inside a
paid term are £0 orders, and the month a term ends renews it by charging the card, or ends the
plan when renewal was switched off (R-S3); pay-monthly paperback months are invoiced, due 14
days after delivery (R-P3). The Order Confirmation (R-L5, R-S6) is sent once the month is paid
or invoiced, once per order (``shop.order.emails``).
"""

import logging
import os
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from bookclub import emails, lifecycle, months, ordering, pacing
from bookclub.exceptions import NotAllowed
from bookclub.models import (
    BillingCycle,
    BillingEmail,
    Invoice,
    Plan,
    PlanRunAlert,
    Subscription,
    SubscriptionOrder,
)
from shop.ebooks import entitlements
from shop.ebooks.models import Entitlement
from shop.order.exceptions import LinesNoLongerAvailable
from shop.order.tasks import send_order_confirmation_task
from shop.payment import stripe_api
from shop.payment.models import to_pence

logger = logging.getLogger(__name__)

State = BillingCycle.State

MONTHLY_PURPOSE = "bookclub-monthly"  # the PaymentIntents' metadata: their events come here
LEASE = timedelta(minutes=5)
BATCH = 50
# Soft declines: asked again after these waits, then given up (within the month).
RETRY_WAITS = (timedelta(days=1), timedelta(days=2), timedelta(days=4))
MAX_ATTEMPTS = len(RETRY_WAITS) + 1
# Declines no retry can cure: the customer must give a new card.
HARD_DECLINES = frozenset(
    {
        "expired_card",
        "lost_card",
        "stolen_card",
        "pickup_card",
        "fraudulent",
        "incorrect_number",
        "invalid_account",
        "restricted_card",
        "do_not_try_again",
        "revocation_of_authorization",
        "card_not_supported",
    }
)
AUTHENTICATION = frozenset({"authentication_required"})
AUTHENTICATION_WAIT = timedelta(hours=6)  # when to look at Stripe again for an unfinished 3-D Secure
NOT_ANSWERED_WAIT = timedelta(seconds=5)  # a 429 or an outage: asked again later, with the same key
INVOICE_DAYS = 14  # R-P3: due 14 days after delivery


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


# ---------------------------------------------------------------------------------------------
# Opening a period
# ---------------------------------------------------------------------------------------------
@dataclass
class Opened:
    period: date
    created: int = 0
    alerts: list[PlanRunAlert] = field(default_factory=list)


def due_subscriptions(period: date, plan: Plan | None = None):
    subs = Subscription.objects.filter(state=Subscription.State.ACTIVE, next_order_on=period)
    return subs.filter(plan=plan) if plan is not None else subs


def open_period(period: date, *, plan: Plan | None = None, batch_size: int = 2000) -> Opened:
    """Create the month's cycles (once) for every plan whose selection is live and complete."""
    if not months.is_month(period):
        raise ValueError(f"{period} is not the first of a month")
    if not months.has_begun(period):
        raise NotAllowed(f"{months.describe(period)} has not begun in London: its run cannot start yet.")
    opened = Opened(period)
    plan_ids = list(due_subscriptions(period, plan).values_list("plan_id", flat=True).distinct())
    for each in Plan.objects.filter(pk__in=plan_ids).select_related("product").order_by("pk"):
        try:
            ordering.month_picks(each, period)
        except ordering.NoSelection as problem:
            alert, created = PlanRunAlert.objects.get_or_create(
                plan=each, period=period, defaults={"message": str(problem)}
            )
            if not created and (alert.resolved_at or alert.message != str(problem)):
                alert.message, alert.resolved_at = str(problem), None
                alert.save(update_fields=["message", "resolved_at"])
            logger.error("Monthly run of %s for %s stopped: %s", each, period, problem)
            opened.alerts.append(alert)
            continue
        PlanRunAlert.objects.filter(plan=each, period=period, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        ids = due_subscriptions(period, each).values_list("pk", flat=True).order_by("pk")
        now = timezone.now()
        before = BillingCycle.objects.filter(plan=each, period=period).count()
        chunk: list[BillingCycle] = []
        for subscription_id in ids.iterator(chunk_size=batch_size):
            chunk.append(
                BillingCycle(
                    subscription_id=subscription_id,
                    plan=each,
                    period=period,
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(chunk) >= batch_size:
                BillingCycle.objects.bulk_create(chunk, ignore_conflicts=True)
                chunk = []
        if chunk:
            BillingCycle.objects.bulk_create(chunk, ignore_conflicts=True)
        opened.created += BillingCycle.objects.filter(plan=each, period=period).count() - before
    return opened


# ---------------------------------------------------------------------------------------------
# Claiming work
# ---------------------------------------------------------------------------------------------
CLAIMABLE = (*BillingCycle.OPEN_STATES, State.NEEDS_AUTHENTICATION)


def claimable(period: date, *, plan: Plan | None = None, at=None):
    now = at or timezone.now()
    cycles = BillingCycle.objects.filter(period=period, state__in=CLAIMABLE)
    if plan is not None:
        cycles = cycles.filter(plan=plan)
    return cycles.filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now)).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def claim_batch(
    period: date, *, worker: str, size: int = BATCH, lease: timedelta = LEASE, plan: Plan | None = None
) -> list[int]:
    """Lease up to ``size`` cycles with work left to ``worker``; returns their ids.

    ``SKIP LOCKED`` (PostgreSQL) lets workers claim at once without waiting on each other; the
    lease makes the claim outlive the transaction, and lets another worker take the cycles of
    one that died once it runs out."""
    with transaction.atomic():
        now = timezone.now()
        ids = list(
            claimable(period, plan=plan, at=now)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            BillingCycle.objects.filter(pk__in=ids).update(leased_until=now + lease, leased_by=worker)
    return ids


# ---------------------------------------------------------------------------------------------
# Processing one cycle
# ---------------------------------------------------------------------------------------------
def _lock(cycle_id: int) -> BillingCycle:
    return (
        BillingCycle.objects.select_for_update(of=("self",))
        .select_related("subscription__plan__product", "subscription__customer", "order")
        .get(pk=cycle_id)
    )


def _save(cycle: BillingCycle, **values) -> None:
    for name, value in values.items():
        setattr(cycle, name, value)
    cycle.updated_at = timezone.now()
    if cycle.state in BillingCycle.DONE_STATES and cycle.finished_at is None:
        cycle.finished_at = cycle.updated_at
        values["finished_at"] = cycle.finished_at
    cycle.save(update_fields=[*values, "updated_at"])


def _holds(cycle: BillingCycle, worker: str | None) -> bool:
    """The worker still holds the cycle's lease (None: the caller is not a run worker)."""
    return worker is None or cycle.leased_by == worker


def process_cycle(cycle_id: int, *, worker: str | None = None, picks: dict | None = None) -> str:
    """Move one cycle as far as it can go now; returns its state. Safe to call again."""
    state = form_order(cycle_id, worker=worker, picks=picks)
    if state in (State.ORDERED, State.RETRYING, State.CHARGING):
        state = charge(cycle_id, worker=worker)
    elif state == State.NEEDS_AUTHENTICATION:
        state = check_authentication(cycle_id, worker=worker)
    release(cycle_id, worker=worker)
    return state


def release(cycle_id: int, *, worker: str | None) -> None:
    if worker is not None:
        BillingCycle.objects.filter(pk=cycle_id, leased_by=worker).update(leased_until=None, leased_by="")


def form_order(cycle_id: int, *, worker: str | None = None, picks: dict | None = None) -> str:
    """Step 1: the month's order (or the skip), recorded with the subscription's next month."""
    with transaction.atomic():
        cycle = _lock(cycle_id)
        if cycle.state != State.TODO or not _holds(cycle, worker):
            return cycle.state
        subscription = cycle.subscription
        period = cycle.period
        if subscription.state != Subscription.State.ACTIVE or subscription.next_order_on != period:
            _save(cycle, state=State.SKIPPED, note=f"Not due: the subscription is {subscription.state}.")
            return cycle.state
        plan = subscription.plan
        plan_picks = (picks or {}).get(plan.pk)
        try:
            contents = ordering.month_contents(subscription, period, picks=plan_picks)
        except ordering.NoSelection as problem:
            _save(cycle, state=State.FAILED, failure_code="no_selection", failure_message=str(problem))
            return cycle.state
        if not contents.charge.supplied:
            renewal_off = plan.is_prepaid and subscription.renews_on == period and not subscription.auto_renew
            if renewal_off:
                lifecycle.end_term(subscription, reason="Automatic renewal was off.")
            else:
                lifecycle.advance_period(subscription, period=period)
            _save(cycle, state=State.SKIPPED, note=contents.charge.note[:255])
            return cycle.state
        try:
            with transaction.atomic():
                order = ordering.place_month_order(subscription, period, contents=contents)
        except LinesNoLongerAvailable as problem:
            _save(
                cycle,
                state=State.FAILED,
                failure_code="out_of_stock",
                failure_message=f"Not enough stock of {', '.join(problem.titles)}",
            )
            return cycle.state
        SubscriptionOrder.objects.create(subscription=subscription, order=order, month=period)
        lifecycle.advance_period(subscription, period=period)
        amount = contents.total
        values = {"order": order, "amount": amount, "titles": contents.charge.titles}
        if amount == 0:
            # A month of a paid pre-paid term: nothing to charge.
            _save(cycle, state=State.PAID, **values)
            _confirm(order)
        elif plan.is_pay_monthly:
            _invoice(cycle, order, amount)
            _save(cycle, state=State.INVOICED, **values)
            _confirm(order)
        else:
            _withhold_ebooks(order)
            _save(cycle, state=State.ORDERED, renews_term=plan.is_prepaid, **values)
        return cycle.state


def _withhold_ebooks(order) -> None:
    """A month charged after its order is formed keeps its eBooks off the shelf until it is paid:
    the shop shelves an order's eBooks as it is placed, in this same transaction."""
    Entitlement.objects.filter(line__order=order, first_download_at__isnull=True).delete()


def _shelve_ebooks(cycle: BillingCycle) -> None:
    """The paid month's eBooks reach the eBookshelf from the 1st, 00:00 London (R-S7)."""
    available_from = months.month_starts_at(cycle.period)
    for line in cycle.order.lines.select_related("product__product_class", "product__parent"):
        if entitlements.is_ebook(line.product):
            entitlements.grant(
                user=cycle.subscription.customer,
                product=line.product,
                line=line,
                available_from=available_from,
            )


def _confirm(order) -> None:
    """The Order Confirmation with the month's total (R-L5, R-S6), after the commit, once."""
    transaction.on_commit(partial(send_order_confirmation_task.enqueue, order.pk))


def _invoice(cycle: BillingCycle, order, amount: Decimal) -> Invoice:
    delivered = order.estimated_delivery or months.london_today()
    return Invoice.objects.create(
        cycle=cycle,
        order=order,
        subscription_id=cycle.subscription_id,
        amount=amount,
        delivery_expected_on=order.estimated_delivery,
        due_on=delivered + timedelta(days=INVOICE_DAYS),
    )


def charge(cycle_id: int, *, worker: str | None = None) -> str:
    """Step 2: ask Stripe for the month's money from the saved card, off-session (R-P5)."""
    with transaction.atomic():
        cycle = _lock(cycle_id)
        if cycle.state not in (State.ORDERED, State.RETRYING, State.CHARGING) or not _holds(cycle, worker):
            return cycle.state
        if cycle.state != State.CHARGING:
            # Recorded before Stripe is asked: a crash from here on re-asks with the same key.
            _save(cycle, state=State.CHARGING, attempts=cycle.attempts + 1, next_attempt_at=None)
    subscription = cycle.subscription
    if not (subscription.stripe_customer_id and subscription.stripe_payment_method_id):
        return _declined(cycle_id, "no_card", "", "There is no saved card to charge.")
    pacing.take()  # under the configured rate, across every worker (Stripe's rate limit)
    try:
        intent = stripe_api.charge_saved_card(
            amount_pence=to_pence(cycle.amount),
            customer_id=subscription.stripe_customer_id,
            off_session=True,
            payment_method=subscription.stripe_payment_method_id,
            metadata={
                "purpose": MONTHLY_PURPOSE,
                "billing_cycle": str(cycle.pk),
                "order_number": cycle.order.number,
                "period": cycle.period.isoformat(),
            },
            idempotency_key=cycle.idempotency_key,
        )
    except stripe_api.CardError as error:
        code, decline, intent_id = stripe_api.decline_of(error)
        if code in AUTHENTICATION or decline in AUTHENTICATION:
            return _needs_authentication(cycle_id, intent_id)
        return _declined(cycle_id, code, decline, getattr(error, "user_message", None) or str(error))
    except stripe_api.InvalidRequestError as error:
        # Stripe refuses the request itself (the saved card or customer no longer exists):
        # asking again cannot help; the customer is asked for a new card.
        code = getattr(error, "code", None) or "invalid_request"
        return _declined(
            cycle_id, "invalid_request", "", f"{code}: {getattr(error, 'user_message', '') or error}"
        )
    except (stripe_api.RateLimitError, stripe_api.StripeError) as error:
        # Not an answer about the card (rate limit, network, Stripe down): the cycle stays
        # "charge asked for" and the same key is sent again when it is next claimed.
        logger.warning("Charge of cycle %s not answered: %s", cycle_id, error)
        with transaction.atomic():
            cycle = _lock(cycle_id)
            # Backed off, so a rate-limited or unreachable Stripe is not asked again at once.
            wait = NOT_ANSWERED_WAIT * (2 ** min(cycle.attempts, 6))
            _save(
                cycle,
                failure_code="rate_limited"
                if isinstance(error, stripe_api.RateLimitError)
                else "not_answered",
                failure_message=str(error)[:500],
                next_attempt_at=timezone.now() + wait,
            )
        return State.CHARGING
    if intent.status == "succeeded":
        return record_paid(cycle_id, intent)
    if intent.status in ("requires_action", "requires_confirmation"):
        return _needs_authentication(cycle_id, intent.id)
    return _declined(cycle_id, "requires_payment_method", "", "The card was not charged.")


def record_paid(cycle_id: int, intent) -> str:
    """The month is paid: the payment on the order, the renewal, the confirmation (once)."""
    with transaction.atomic():
        cycle = _lock(cycle_id)
        if cycle.state == State.PAID:
            return cycle.state
        order = cycle.order
        subscription = cycle.subscription
        ordering.record_card_payment(order, cycle.amount, intent, subscription.card_label)
        _save(
            cycle,
            state=State.PAID,
            payment_intent_id=intent.id,
            failure_code="",
            failure_message="",
            next_attempt_at=None,
        )
        _shelve_ebooks(cycle)
        if cycle.renews_term:
            try:
                lifecycle.renew_term(subscription, term_price=cycle.amount, order_number=order.number)
            except NotAllowed as problem:
                logger.error("Cycle %s paid but the term did not renew: %s", cycle.pk, problem)
        _confirm(order)
        return cycle.state


def _needs_authentication(cycle_id: int, intent_id: str) -> str:
    """The bank wants the customer (3-D Secure): email a link to finish it on-session. Nothing
    ships and no confirmation goes until it is paid."""
    with transaction.atomic():
        cycle = _lock(cycle_id)
        if cycle.state == State.PAID:
            return cycle.state
        _save(
            cycle,
            state=State.NEEDS_AUTHENTICATION,
            payment_intent_id=intent_id or cycle.payment_intent_id,
            failure_code="authentication_required",
            failure_message="The bank asked the customer to confirm the payment.",
            next_attempt_at=timezone.now() + AUTHENTICATION_WAIT,
        )
        owe_email(cycle, emails.PAYMENT_AUTHENTICATION, f"cycle-{cycle.pk}-auth-{cycle.attempts}")
        return cycle.state


def _declined(cycle_id: int, code: str, decline: str, message: str) -> str:
    """Soft declines are retried later in the month, a bounded number of times; hard declines
    (and the last retry) fail the cycle, and the customer is asked for a new card."""
    with transaction.atomic():
        cycle = _lock(cycle_id)
        if cycle.state == State.PAID:
            return cycle.state
        reason = decline or code
        wait = RETRY_WAITS[cycle.attempts - 1] if 0 < cycle.attempts <= len(RETRY_WAITS) else None
        retry_at = timezone.now() + wait if wait else None
        month_ends = months.month_starts_at(months.add_months(cycle.period, 1))
        hard = code in HARD_DECLINES or decline in HARD_DECLINES or code in ("no_card", "invalid_request")
        if hard or retry_at is None or retry_at >= month_ends:
            _save(
                cycle,
                state=State.FAILED,
                failure_code=reason[:64],
                failure_message=message[:1000],
                next_attempt_at=None,
            )
            owe_email(cycle, emails.PAYMENT_FAILED, f"cycle-{cycle.pk}-failed")
        else:
            _save(
                cycle,
                state=State.RETRYING,
                failure_code=reason[:64],
                failure_message=message[:1000],
                next_attempt_at=retry_at,
            )
        return cycle.state


def check_authentication(cycle_id: int, *, worker: str | None = None) -> str:
    """A cycle waiting for 3-D Secure: paid now if the customer finished it (the synchronous
    fallback to the on-session page's own report)."""
    with transaction.atomic():
        cycle = _lock(cycle_id)
        if cycle.state != State.NEEDS_AUTHENTICATION or not _holds(cycle, worker):
            return cycle.state
        intent_id = cycle.payment_intent_id
        _save(cycle, next_attempt_at=timezone.now() + AUTHENTICATION_WAIT)
    if not intent_id:
        return State.NEEDS_AUTHENTICATION
    intent = stripe_api.retrieve_payment_intent(intent_id)
    if intent.status == "succeeded":
        return record_paid(cycle_id, intent)
    return State.NEEDS_AUTHENTICATION


def settle(cycle_id: int, payment_intent_id: str) -> str:
    """Stripe says a PaymentIntent of this cycle succeeded (its webhook): record it, once."""
    cycle = BillingCycle.objects.get(pk=cycle_id)
    if cycle.state == State.PAID or cycle.order_id is None:
        return cycle.state
    intent = stripe_api.retrieve_payment_intent(payment_intent_id)
    metadata = intent.metadata.to_dict() if intent.metadata else {}
    if intent.status != "succeeded" or metadata.get("billing_cycle") != str(cycle.pk):
        return cycle.state
    return record_paid(cycle_id, intent)


def owe_email(cycle: BillingCycle, code: str, key: str) -> BillingEmail:
    email, created = BillingEmail.objects.get_or_create(
        key=key, defaults={"subscription_id": cycle.subscription_id, "cycle": cycle, "code": code}
    )
    if created:
        from bookclub.tasks import send_billing_email_task

        transaction.on_commit(partial(send_billing_email_task.enqueue, email.pk))
    return email


# ---------------------------------------------------------------------------------------------
# Running a period
# ---------------------------------------------------------------------------------------------
@dataclass
class RunSummary:
    period: date
    opened: int = 0
    processed: int = 0
    alerts: list[str] = field(default_factory=list)
    states: Counter = field(default_factory=Counter)

    def line(self) -> str:
        counts = ", ".join(f"{count} {state}" for state, count in sorted(self.states.items())) or "nothing"
        text = f"{months.describe(self.period)}: {self.processed} cycles processed; now {counts}."
        if self.alerts:
            text += f" Stopped: {'; '.join(self.alerts)}"
        return text


def counts(period: date, *, plan: Plan | None = None) -> Counter:
    cycles = BillingCycle.objects.filter(period=period)
    if plan is not None:
        cycles = cycles.filter(plan=plan)
    return Counter(dict(cycles.values_list("state").annotate(n=Count("pk")).values_list("state", "n")))


def plan_picks(period: date, plan_ids) -> dict:
    """Each plan's live picks for the month, read once per worker rather than per subscriber."""
    result = {}
    for plan in Plan.objects.filter(pk__in=list(plan_ids)):
        try:
            result[plan.pk] = ordering.month_picks(plan, period)
        except ordering.NoSelection:
            continue
    return result


def run_period(
    period: date,
    *,
    worker: str | None = None,
    plan: Plan | None = None,
    open_first: bool = True,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Open the period (unless told not to) and work through its cycles until none is left
    that can move now. Several workers may run this at once, on any machines."""
    worker = worker or worker_name()
    summary = RunSummary(period)
    if open_first:
        opened = open_period(period, plan=plan)
        summary.opened = opened.created
        summary.alerts = [alert.message for alert in opened.alerts]
    total = claimable(period, plan=plan).count()
    picks = plan_picks(
        period, BillingCycle.objects.filter(period=period).values_list("plan_id", flat=True).distinct()
    )
    while True:
        ids = claim_batch(period, worker=worker, size=batch, plan=plan)
        if not ids:
            break
        for cycle_id in ids:
            try:
                process_cycle(cycle_id, worker=worker, picks=picks)
            except Exception:
                # One subscriber's problem never stops the others; the lease brings it back.
                logger.exception("Cycle %s failed unexpectedly", cycle_id)
            summary.processed += 1
            if progress:
                progress(summary.processed, max(total, summary.processed))
    summary.states = counts(period, plan=plan)
    return summary


def retry(cycle: BillingCycle) -> BillingCycle:
    """An order admin's "retry": a failed cycle is worked on again at the next run (its
    order is kept; a new charge attempt gets a new key)."""
    with transaction.atomic():
        locked = _lock(cycle.pk)
        if locked.state != State.FAILED:
            return locked
        next_state = State.TODO if locked.order_id is None else State.RETRYING
        _save(
            locked, state=next_state, next_attempt_at=None, finished_at=None, leased_until=None, leased_by=""
        )
        return locked
