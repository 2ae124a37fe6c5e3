"""The only writer of a subscription's state, dates and choices (docs/subscriptions.md).

Every change is a function here: the subscription first, then keyword-only arguments, ``by``
the person acting (``None`` for the system) and ``reason``. Each one locks the subscription's
row, checks the change against ``RULES`` (from which states, for which kinds of plan, by whom)
and the time rules of the terms, writes the change and a ``SubscriptionEvent`` (the history the
dashboard shows), and queues the customer's email, sent once after the transaction commits.
A change that is not allowed raises a ``bookclub.exceptions.SubscriptionError`` whose message
can be shown as it is.

Import the module and call its functions: ``lifecycle.cancel(subscription, by=admin, reason=...)``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookclub import discounts, eligibility, emails, months, pricing, refunds
from bookclub.eligibility import Declaration
from bookclub.exceptions import InvalidChoice, NotAllowed, TooLate
from bookclub.models import Plan, Subscription, SubscriptionAddress, SubscriptionEvent, SubscriptionMonth

State = Subscription.State
Kind = Plan.Kind
Actor = SubscriptionEvent.Actor
Cancellation = Subscription.CancellationReason
Suspension = Subscription.SuspensionReason

KEEP_CANCELLED_EBOOK_DETAILS_DAYS = 90  # R-S8
MONTHS_AHEAD = 12  # how far ahead a month can be skipped or changed


class Action(StrEnum):
    JOIN = "join"
    ABANDON = "abandon"
    CONFIRM = "confirm"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    CANCEL = "cancel"
    RESUME = "resume"
    PURGE = "purge"
    END_TERM = "end_term"
    RENEW_TERM = "renew_term"
    SET_AUTO_RENEWAL = "set_auto_renewal"
    SKIP_MONTH = "skip_month"
    RESTORE_MONTH = "restore_month"
    SET_MONTH_TITLES = "set_month_titles"
    SET_USUAL_TITLES = "set_usual_titles"
    SET_DELIVERY_ADDRESS = "set_delivery_address"
    RECORD_CARD = "record_card"
    ADVANCE_PERIOD = "advance_period"
    ERASE_DETAILS = "erase_details"


@dataclass(frozen=True)
class Rule:
    """Who may do an action, from which states, on which kinds of plan, and what follows."""

    verb: str  # "cancel", for messages
    sources: frozenset[str]
    target: str | None  # the new state; None: the state does not change
    actors: frozenset[str]
    kinds: frozenset[str] = frozenset(Kind.values)
    email: str | None = None
    history: bool = True  # the run's monthly bookkeeping writes no history row


def _set(*items) -> frozenset[str]:
    return frozenset(str(item) for item in items)


ANYONE = _set(Actor.CUSTOMER, Actor.ADMIN, Actor.SYSTEM)
PEOPLE = _set(Actor.CUSTOMER, Actor.ADMIN)
MONTHLY = _set(Kind.PAY_MONTHLY, Kind.EBOOK)
PHYSICAL = _set(Kind.PREPAID, Kind.PAY_MONTHLY)
RUNNING = _set(State.ACTIVE, State.SUSPENDED)
FINISHED = _set(State.CANCELLED, State.ENDED, State.ABANDONED, State.PURGED)

# The one table of what may happen to a subscription (docs/subscriptions.md draws it).
RULES: dict[Action, Rule] = {
    Action.JOIN: Rule("join", _set(""), State.PENDING, _set(Actor.CUSTOMER)),
    Action.ABANDON: Rule("abandon", _set(State.PENDING), State.ABANDONED, ANYONE),
    Action.CONFIRM: Rule(
        "confirm",
        _set(State.PENDING),
        State.ACTIVE,
        _set(Actor.CUSTOMER, Actor.SYSTEM),
        email=emails.CONFIRMED,
    ),
    Action.SUSPEND: Rule(
        "suspend", _set(State.ACTIVE), State.SUSPENDED, _set(Actor.ADMIN), MONTHLY, emails.SUSPENDED
    ),
    Action.REINSTATE: Rule(
        "reinstate", _set(State.SUSPENDED), State.ACTIVE, _set(Actor.ADMIN), MONTHLY, emails.REINSTATED
    ),
    Action.CANCEL: Rule("cancel", RUNNING, State.CANCELLED, ANYONE, email=emails.CANCELLED),
    Action.RESUME: Rule(
        "resume", _set(State.CANCELLED), State.ACTIVE, PEOPLE, _set(Kind.EBOOK), emails.RESUMED
    ),
    Action.PURGE: Rule(
        "purge", _set(State.CANCELLED), State.PURGED, _set(Actor.SYSTEM), _set(Kind.EBOOK), emails.PURGED
    ),
    Action.END_TERM: Rule(
        "end the term of",
        _set(State.ACTIVE),
        State.ENDED,
        _set(Actor.SYSTEM),
        _set(Kind.PREPAID),
        emails.ENDED,
    ),
    Action.RENEW_TERM: Rule(
        "renew", _set(State.ACTIVE), None, _set(Actor.SYSTEM), _set(Kind.PREPAID), emails.RENEWED
    ),
    Action.SET_AUTO_RENEWAL: Rule(
        "change automatic renewal of",
        _set(State.ACTIVE),
        None,
        PEOPLE,
        _set(Kind.PREPAID),
        emails.AUTO_RENEWAL,
    ),
    Action.SKIP_MONTH: Rule("skip a month of", RUNNING, None, PEOPLE, MONTHLY, emails.MONTH_CHANGED),
    Action.RESTORE_MONTH: Rule("restore a month of", RUNNING, None, PEOPLE, MONTHLY, emails.MONTH_CHANGED),
    Action.SET_MONTH_TITLES: Rule(
        "change a month's titles of", RUNNING, None, PEOPLE, _set(Kind.EBOOK), emails.MONTH_CHANGED
    ),
    Action.SET_USUAL_TITLES: Rule(
        "change the usual number of titles of", RUNNING, None, PEOPLE, _set(Kind.EBOOK), emails.USUAL_TITLES
    ),
    Action.SET_DELIVERY_ADDRESS: Rule(
        "change the delivery address of",
        _set(State.PENDING, State.ACTIVE, State.SUSPENDED),
        None,
        PEOPLE,
        PHYSICAL,
        emails.ADDRESS_CHANGED,
    ),
    Action.RECORD_CARD: Rule(
        "save a card for",
        _set(State.PENDING, State.ACTIVE, State.SUSPENDED, State.CANCELLED),
        None,
        _set(Actor.CUSTOMER, Actor.SYSTEM),
        email=emails.CARD_CHANGED,
    ),
    Action.ADVANCE_PERIOD: Rule(
        "move to the next month", _set(State.ACTIVE), None, _set(Actor.SYSTEM), history=False
    ),
    Action.ERASE_DETAILS: Rule("erase the details of", FINISHED, None, _set(Actor.SYSTEM)),
}

# Which cancellations each kind of person may make, and on which plans (R-S5, R-S6, R-S8, R-S9).
CANCELLATIONS_BY_ACTOR: dict[str, frozenset[str]] = {
    Actor.CUSTOMER: _set(Cancellation.CUSTOMER_REQUEST),
    Actor.ADMIN: _set(
        Cancellation.CUSTOMER_REQUEST,
        Cancellation.SIGNIFICANT_CHANGE,
        Cancellation.MISUSE_OF_DISCOUNT,
        Cancellation.NON_PAYMENT,
        Cancellation.WRONG_DETAILS,
        Cancellation.BREACH,
        Cancellation.PLAN_WITHDRAWN,
    ),
    Actor.SYSTEM: _set(Cancellation.PLAN_WITHDRAWN, Cancellation.ACCOUNT_CLOSED),
}
CANCELLATION_KINDS: dict[str, frozenset[str]] = {
    Cancellation.MISUSE_OF_DISCOUNT: _set(Kind.PAY_MONTHLY),
    Cancellation.NON_PAYMENT: MONTHLY,
    Cancellation.WRONG_DETAILS: MONTHLY,
    Cancellation.BREACH: MONTHLY,
}
SUSPENSION_KINDS: dict[str, frozenset[str]] = {Suspension.MISUSE_OF_DISCOUNT: _set(Kind.PAY_MONTHLY)}
# Cancellations after which the customer is owed what they paid for and did not receive (T7.1, R-L4).
ALWAYS_REFUNDED = _set(Cancellation.PLAN_WITHDRAWN, Cancellation.SIGNIFICANT_CHANGE)
# Fields whose values may appear in a history row; the others (address, card, birth date) are
# named without their values.
VISIBLE_FIELDS = {
    "state",
    "started_at",
    "first_period",
    "next_order_on",
    "current_term_start",
    "current_term_end",
    "renews_on",
    "auto_renew",
    "term_price",
    "ebook_titles",
    "cancellation_reason",
    "cancellation_effective_on",
    "keep_details_until",
    "suspension_reason",
    "cancelled_by",
    "suspended_by",
}


@dataclass(frozen=True)
class Outcome:
    """What an action did: the subscription as it is now, its history row, the fields that
    changed (old, new), and the code of the email queued for the customer, if any."""

    subscription: Subscription
    event: SubscriptionEvent | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    email: str | None = None


# ---------------------------------------------------------------------------------------------
# The machinery every action shares
# ---------------------------------------------------------------------------------------------
def actor_of(subscription: Subscription, by) -> str:
    """Who is acting: the subscriber, an order admin (staff), or the system (``by=None``)."""
    if by is None:
        return Actor.SYSTEM
    if by.pk == subscription.customer_id:
        return Actor.CUSTOMER
    if by.is_staff and by.is_active:
        return Actor.ADMIN
    raise NotAllowed("Only the subscriber or an order admin can change this subscription.")


KIND_NOUNS = {
    Kind.PREPAID: "pre-paid",
    Kind.PAY_MONTHLY: "pay-monthly paperback",
    Kind.EBOOK: "pay-monthly eBook",
}
ACTOR_NOUNS = {
    frozenset({Actor.SYSTEM}): "the club's own processes",
    frozenset({Actor.ADMIN}): "an order admin",
    frozenset({Actor.CUSTOMER}): "the subscriber",
    frozenset({Actor.CUSTOMER, Actor.SYSTEM}): "the subscriber",
    frozenset({Actor.CUSTOMER, Actor.ADMIN}): "the subscriber or an order admin",
}


def refusal(subscription: Subscription, action: Action, actor: str) -> str:
    """Why ``actor`` may not do ``action`` now, or "" if the table allows it (no time rules)."""
    rule = RULES[action]
    plan = subscription.plan
    if subscription.state not in rule.sources:
        return f"You cannot {rule.verb} a subscription that is {subscription.get_state_display().lower()}."
    if plan.kind not in rule.kinds:
        return f"You cannot {rule.verb} a subscription to a {KIND_NOUNS[plan.kind]} plan."
    if actor not in rule.actors:
        return f"Only {ACTOR_NOUNS.get(rule.actors, 'the club')} can {rule.verb} a subscription."
    return ""


def allowed_actions(subscription: Subscription, *, by) -> list[Action]:
    """The actions the table allows ``by`` on this subscription now (before any time rule),
    for screens deciding which buttons to show."""
    try:
        actor = actor_of(subscription, by)
    except NotAllowed:
        return []
    return [action for action in RULES if action != Action.JOIN and not refusal(subscription, action, actor)]


def _lock(subscription: Subscription) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan__product__product_class", "customer", "delivery_address")
        .get(pk=subscription.pk)
    )


def _begin(subscription: Subscription, action: Action, by) -> tuple[Subscription, str]:
    """Lock the row and check the table; returns the locked subscription and the actor."""
    locked = _lock(subscription)
    actor = actor_of(locked, by)
    why_not = refusal(locked, action, actor)
    if why_not:
        raise NotAllowed(why_not)
    return locked, actor


def _assign(subscription: Subscription, **values) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for name, value in values.items():
        old = getattr(subscription, name)
        if old != value:
            changes[name] = (old, value)
            setattr(subscription, name, value)
    return changes


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _finish(
    original: Subscription,
    subscription: Subscription,
    action: Action,
    *,
    actor: str,
    by,
    from_state: str,
    changes: dict,
    reason: str = "",
    note: str = "",
    details: dict | None = None,
    send_email: bool = True,
) -> Outcome:
    """Save what changed, write the history row, queue the email, refresh the caller's copy."""
    rule = RULES[action]
    if rule.target is not None and subscription.state != rule.target:
        changes |= _assign(subscription, state=rule.target)
    if changes:
        subscription.updated_at = timezone.now()
        subscription.save(update_fields=[*changes, "updated_at"])
    event = None
    if rule.history:
        event = SubscriptionEvent.objects.create(
            subscription=subscription,
            action=action.value,
            from_state=from_state,
            to_state=subscription.state,
            actor=actor,
            by=by,
            reason=reason,
            note=note,
            details={
                **(details or {}),
                "changed": {
                    name: [_json(old), _json(new)] if name in VISIBLE_FIELDS else "changed"
                    for name, (old, new) in changes.items()
                },
            },
        )
    email = None
    if send_email and rule.email and event is not None and subscription.state != State.PENDING:
        emails.queue(event, rule.email)
        email = rule.email
    if original is not subscription:
        for model_field in Subscription._meta.concrete_fields:
            setattr(original, model_field.attname, getattr(subscription, model_field.attname))
        original._state.fields_cache = dict(subscription._state.fields_cache)
    return Outcome(subscription=subscription, event=event, changes=changes, email=email)


def _today() -> date:
    return months.london_today()


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# ---------------------------------------------------------------------------------------------
# Joining and the contract (R-S1, R-S3, R-S5, R-L5, R-D3)
# ---------------------------------------------------------------------------------------------
def _snapshot(address) -> SubscriptionAddress:
    """A copy of any Oscar address (the address book's, a checkout's) for the subscription."""
    copy = SubscriptionAddress()
    address.populate_alternative_model(copy)
    copy.clean()
    return copy


def _check_titles(plan: Plan, titles: int) -> int:
    if not isinstance(titles, int) or isinstance(titles, bool):
        raise InvalidChoice("Choose a whole number of titles.")
    if not plan.min_titles <= titles <= plan.max_titles:
        raise InvalidChoice(f"Choose between {plan.min_titles} and {plan.max_titles} titles a month.")
    return titles


@transaction.atomic
def join(
    plan: Plan,
    *,
    by,
    declaration: Declaration,
    delivery_address=None,
    ebook_titles: int | None = None,
    auto_renew: bool = True,
    reason: str = "",
) -> Outcome:
    """Begin joining ``plan`` for the customer ``by``: a pending subscription (no contract yet).

    Checks eligibility (R-S1; physical plans a UK address, R-D3) and records what was declared.
    Joining again while pending (a second tab, a back button) updates the same subscription;
    a customer already on the plan is refused. The contract forms at ``confirm``.
    """
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotAllowed("Please sign in or create an account to join a plan.")
    plan = Plan.objects.select_related("product").get(pk=plan.pk)
    if not plan.accepts_new_members:
        raise NotAllowed(f"Sorry, {plan.name} is not taking new members.")
    eligibility.check(
        plan, declaration=declaration, delivery_address=delivery_address if plan.is_physical else None
    )
    if plan.is_ebook:
        titles = _check_titles(plan, plan.default_titles if ebook_titles is None else ebook_titles)
    elif ebook_titles is not None:
        raise InvalidChoice("Only eBook plans have a number of titles to choose.")
    else:
        titles = None
    resumable = Subscription.objects.filter(
        customer=by,
        plan=plan,
        state=State.CANCELLED,
        cancellation_reason=Cancellation.CUSTOMER_REQUEST,
        keep_details_until__gte=_today(),
    ).first()
    if plan.is_ebook and resumable:
        raise NotAllowed(
            f"Your cancelled eSubscription can be resumed until {_long(resumable.keep_details_until)}: "
            "resume it from My Account."
        )
    values = {
        "declared_date_of_birth": declaration.date_of_birth,
        "declared_uk_resident": bool(declaration.uk_resident),
        "declared_at": declaration.declared_at,
        "ebook_titles": titles,
        "auto_renew": bool(auto_renew) if plan.is_prepaid else False,
    }
    existing = (
        Subscription.objects.select_for_update(of=("self",))
        .filter(customer=by, plan=plan, state__in=Subscription.LIVE_STATES)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    customer=by, plan=plan, state=State.PENDING, **values
                )
        except IntegrityError:
            # Another tab created it a moment ago: carry on with that one.
            existing = Subscription.objects.select_for_update(of=("self",)).get(
                customer=by, plan=plan, state__in=Subscription.LIVE_STATES
            )
        else:
            if plan.is_physical:
                _replace_address(subscription, delivery_address)
            event = SubscriptionEvent.objects.create(
                subscription=subscription,
                action=Action.JOIN.value,
                from_state="",
                to_state=State.PENDING,
                actor=Actor.CUSTOMER,
                by=by,
                note=reason,
                details={"plan": plan.name},
            )
            return Outcome(subscription=subscription, event=event, changes={"state": ("", State.PENDING)})
    if existing.state != State.PENDING:
        raise NotAllowed(f"You already belong to {plan.name}: you will find it in My Account.")
    changes = _assign(existing, **values)
    if changes:
        existing.updated_at = timezone.now()
        existing.save()
    if plan.is_physical:
        changes |= _replace_address(existing, delivery_address)
    return Outcome(subscription=existing, event=None, changes=changes)


def _replace_address(subscription: Subscription, address) -> dict:
    old = subscription.delivery_address
    copy = _snapshot(address)
    copy.save()
    Subscription.objects.filter(pk=subscription.pk).update(delivery_address=copy, updated_at=timezone.now())
    subscription.delivery_address = copy
    if old is not None:
        old.delete()
    return {"delivery_address": (getattr(old, "pk", None), copy.pk)}


@transaction.atomic
def abandon(subscription: Subscription, *, by=None, reason: str = "") -> Outcome:
    """Joining was given up (the customer left, the payment failed, it timed out): no contract."""
    locked, actor = _begin(subscription, Action.ABANDON, by)
    return _finish(
        subscription,
        locked,
        Action.ABANDON,
        actor=actor,
        by=by,
        from_state=locked.state,
        changes={},
        note=reason,
    )


@transaction.atomic
def confirm(
    subscription: Subscription,
    *,
    by=None,
    reason: str = "",
    order_number: str = "",
    term_price: Decimal | None = None,
) -> Outcome:
    """The contract forms: the subscription becomes active and its Order Confirmation email is
    queued (R-L5, R-S3; pay-monthly plans state the total monthly cost, R-S6).

    Call it once the first order is placed and, except for pay-monthly paperback plans (paid on
    invoice, R-P3), paid for. Pre-paid and eBook plans need the saved card first (renewals,
    R-S3; off-session charges, R-P5: ``record_card``). A pay-monthly paperback plan claims the
    once-per-person first-order discount here (R-S5). ``term_price``: what the first pre-paid
    term was charged, by default the plan's price.
    """
    locked, actor = _begin(subscription, Action.CONFIRM, by)
    plan = locked.plan
    if plan.is_withdrawn:
        raise NotAllowed(f"Sorry, {plan.name} has been withdrawn.")
    eligibility.check(
        plan,
        declaration=Declaration(locked.declared_date_of_birth, bool(locked.declared_uk_resident)),
        delivery_address=locked.delivery_address,
    )
    if not plan.is_pay_monthly and not locked.stripe_payment_method_id:
        raise NotAllowed("Please save a card first: this plan is charged to it.")
    now = timezone.now()
    first = pricing.planned_first_period(plan, today=months.london_today(now))
    values: dict[str, Any] = {
        "started_at": now,
        "first_period": first,
        "next_order_on": months.add_months(first, 1),
    }
    if plan.is_prepaid:
        renews_on = months.add_months(first, plan.term_months)
        values |= {
            "current_term_start": first,
            "current_term_end": renews_on - timedelta(days=1),
            "renews_on": renews_on,
            "term_price": pricing.plan_price(plan) if term_price is None else Decimal(term_price),
        }
    from_state = locked.state
    changes = _assign(locked, **values)
    discounted = discounts.claim(locked) if plan.is_pay_monthly else False
    details = {
        "first_period": first.isoformat(),
        "order_number": order_number,
        "first_order_discount": discounted,
        "total_monthly_cost": str(pricing.total_monthly_cost(locked)),
    }
    return _finish(
        subscription,
        locked,
        Action.CONFIRM,
        actor=actor,
        by=by,
        from_state=from_state,
        changes=changes,
        note=reason,
        details=details,
    )


# ---------------------------------------------------------------------------------------------
# Suspending, cancelling, resuming (R-S5, R-S6, R-S8, R-S9, T7.1)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def suspend(subscription: Subscription, *, by, reason: str, note: str = "") -> Outcome:
    """An order admin stops a pay-monthly plan for now (T5.12, T7.1): no orders form while it is
    suspended. ``reason`` is a ``Subscription.SuspensionReason``."""
    locked, actor = _begin(subscription, Action.SUSPEND, by)
    if reason not in Suspension.values:
        raise InvalidChoice("Choose why the subscription is suspended.")
    if locked.plan.kind not in SUSPENSION_KINDS.get(reason, MONTHLY):
        raise NotAllowed("Only a pay-monthly paperback plan carries the first-order discount.")
    changes = _assign(
        locked,
        suspended_at=timezone.now(),
        suspended_by=actor,
        suspension_reason=reason,
        suspension_note=note,
    )
    return _finish(
        subscription,
        locked,
        Action.SUSPEND,
        actor=actor,
        by=by,
        from_state=State.ACTIVE,
        changes=changes,
        reason=reason,
        note=note,
    )


def _next_open_month(subscription: Subscription) -> date:
    """The first month whose order has not formed and has not begun: where a plan picks up again."""
    following = months.add_months(months.month_of(_today()), 1)
    if subscription.next_order_on is None:
        return following
    return max(subscription.next_order_on, following)


@transaction.atomic
def reinstate(subscription: Subscription, *, by, reason: str = "") -> Outcome:
    """An order admin lifts a suspension; orders form again from the next month not yet begun."""
    locked, actor = _begin(subscription, Action.REINSTATE, by)
    changes = _assign(
        locked,
        next_order_on=_next_open_month(locked),
        suspended_at=None,
        suspended_by="",
        suspension_reason="",
        suspension_note="",
    )
    return _finish(
        subscription,
        locked,
        Action.REINSTATE,
        actor=actor,
        by=by,
        from_state=State.SUSPENDED,
        changes=changes,
        note=reason,
    )


def _check_cancellation(subscription: Subscription, actor: str, reason: str) -> None:
    plan = subscription.plan
    if reason not in Cancellation.values:
        raise InvalidChoice("Choose why the subscription is cancelled.")
    if actor == Actor.CUSTOMER and plan.is_prepaid:
        raise NotAllowed(
            "A pre-paid plan runs to the end of its paid term. To stop it renewing, switch automatic "
            "renewal off; to end it early under your legal rights, please contact us."
        )
    if reason not in CANCELLATIONS_BY_ACTOR[actor]:
        raise NotAllowed(f"{Actor(actor).label} cannot cancel a subscription for this reason.")
    if plan.kind not in CANCELLATION_KINDS.get(reason, frozenset(Kind.values)):
        raise NotAllowed(f"{plan.get_kind_display()} plans cannot be cancelled for this reason.")
    if reason == Cancellation.PLAN_WITHDRAWN and not plan.is_withdrawn:
        raise NotAllowed("Withdraw the plan first (bookclub.plans.withdraw).")


@transaction.atomic
def cancel(
    subscription: Subscription,
    *,
    by,
    reason: str,
    note: str = "",
    effective_on: date | None = None,
    refund_pro_rata: bool = False,
    send_email: bool = True,
) -> Outcome:
    """End a subscription: no further orders or charges (R-S6, R-S8, R-S9, T7.1).

    ``reason`` is a ``Subscription.CancellationReason``: customers cancel their own pay-monthly
    plans ("Cancel my eSubscription"; a pre-paid plan stops by switching renewal off, R-S3);
    order admins cancel for the customer, or for misuse of the discount, non-payment after a
    reminder, wrong details not corrected, or breach; the system for a withdrawn plan or a
    closed account. ``effective_on`` is when the customer told us (T7.4), today by default.

    The history row carries the pro-rata figure (``bookclub.refunds``) and ``refund_due``: the
    figure when ``refund_pro_rata`` is asked for (at the admin's discretion, T7.1) or always owed
    (a withdrawn plan, an ending before a significant change), else 0. The refund itself is
    made by the shop's refund mechanism from that figure. eBook plans keep their details 90
    days, during which the customer can resume (R-S8).
    """
    locked, actor = _begin(subscription, Action.CANCEL, by)
    _check_cancellation(locked, actor, reason)
    today = _today()
    effective_on = effective_on or today
    if effective_on > today:
        raise InvalidChoice(
            "A cancellation takes effect today or on the day the customer told us, not later."
        )
    figure = refunds.unreceived_advance(locked, on=today)
    refund_due = figure.amount if (refund_pro_rata or reason in ALWAYS_REFUNDED) else Decimal("0.00")
    from_state = locked.state
    changes = _assign(
        locked,
        cancelled_at=timezone.now(),
        cancelled_by=actor,
        cancellation_reason=reason,
        cancellation_note=note,
        cancellation_effective_on=effective_on,
        keep_details_until=today + timedelta(days=KEEP_CANCELLED_EBOOK_DETAILS_DAYS)
        if locked.plan.is_ebook
        else None,
        auto_renew=False,
    )
    details = {"unreceived_advance": figure.as_details(), "refund_due": str(refund_due)}
    return _finish(
        subscription,
        locked,
        Action.CANCEL,
        actor=actor,
        by=by,
        from_state=from_state,
        changes=changes,
        reason=reason,
        note=note,
        details=details,
        send_email=send_email and reason != Cancellation.ACCOUNT_CLOSED,
    )


@transaction.atomic
def resume(subscription: Subscription, *, by, reason: str = "") -> Outcome:
    """Take back a cancelled eBook plan within 90 days of cancelling (R-S8): orders and charges
    start again from the next month not yet begun, with the card and choices kept."""
    locked, actor = _begin(subscription, Action.RESUME, by)
    if locked.cancellation_reason != Cancellation.CUSTOMER_REQUEST:
        raise NotAllowed("This subscription was ended by the club and cannot be resumed; please contact us.")
    if locked.keep_details_until is None or _today() > locked.keep_details_until:
        raise TooLate(
            "More than 90 days have passed since this eSubscription was cancelled, so it cannot be "
            "resumed: please subscribe again."
        )
    if locked.plan.is_withdrawn:
        raise NotAllowed(f"Sorry, {locked.plan.name} has been withdrawn.")
    if not locked.stripe_payment_method_id:
        raise NotAllowed("Please save a card first: the eSubscription is charged to it each month.")
    if Subscription.objects.filter(
        customer=locked.customer, plan=locked.plan, state__in=Subscription.LIVE_STATES
    ).exists():
        raise NotAllowed(f"You already belong to {locked.plan.name} again.")
    changes = _assign(
        locked,
        next_order_on=_next_open_month(locked),
        cancelled_at=None,
        cancelled_by="",
        cancellation_reason="",
        cancellation_note="",
        cancellation_effective_on=None,
        keep_details_until=None,
    )
    return _finish(
        subscription,
        locked,
        Action.RESUME,
        actor=actor,
        by=by,
        from_state=State.CANCELLED,
        changes=changes,
        note=reason,
    )


def _erase_values() -> dict[str, Any]:
    return {
        "stripe_customer_id": "",
        "stripe_payment_method_id": "",
        "card_brand": "",
        "card_last4": "",
        "card_exp_month": None,
        "card_exp_year": None,
        "card_fingerprint": "",
        "declared_date_of_birth": None,
        "cancellation_note": "",
        "suspension_note": "",
    }


def _erase_address(subscription: Subscription) -> dict:
    address = subscription.delivery_address
    if address is None:
        return {}
    Subscription.objects.filter(pk=subscription.pk).update(delivery_address=None)
    subscription.delivery_address = None
    address.delete()
    return {"delivery_address": (address.pk, None)}


@transaction.atomic
def purge(subscription: Subscription, *, by=None, reason: str = "", account_closed: bool = False) -> Outcome:
    """90 days after an eBook plan was cancelled, its details go (R-S8): the saved card's
    references and what was declared. To read with us again the customer subscribes anew.
    (``account_closed``: the customer closed their account, so the 90 days do not apply.)"""
    locked, actor = _begin(subscription, Action.PURGE, by)
    if not account_closed and locked.keep_details_until and _today() <= locked.keep_details_until:
        raise TooLate(
            f"Details are kept until {_long(locked.keep_details_until)}; the customer may still resume."
        )
    changes = _assign(locked, purged_at=timezone.now(), **_erase_values())
    return _finish(
        subscription,
        locked,
        Action.PURGE,
        actor=actor,
        by=by,
        from_state=State.CANCELLED,
        changes=changes,
        note=reason,
        send_email=not account_closed,
    )


# ---------------------------------------------------------------------------------------------
# Pre-paid terms (R-S3): the monthly run renews or ends them on the renewal date
# ---------------------------------------------------------------------------------------------
def renewal_deadline(subscription: Subscription):
    """The last moment automatic renewal can be switched on or off: 23:59:59 London on the day
    before the renewal date (R-S3)."""
    return months.day_starts_at(subscription.renews_on) - timedelta(seconds=1)


def _check_term_over(subscription: Subscription) -> None:
    if subscription.renews_on is None or _today() < subscription.renews_on:
        when = _long(subscription.renews_on) if subscription.renews_on else "its renewal date"
        raise TooLate(f"The term runs until {when}.")


@transaction.atomic
def renew_term(
    subscription: Subscription,
    *,
    by=None,
    reason: str = "",
    term_price: Decimal | None = None,
    order_number: str = "",
) -> Outcome:
    """Start the next pre-paid term once its price has been charged (R-S3). ``term_price``:
    what was charged, by default the plan's price."""
    locked, actor = _begin(subscription, Action.RENEW_TERM, by)
    if not locked.auto_renew:
        raise NotAllowed("Automatic renewal is off: the term ends instead (lifecycle.end_term).")
    _check_term_over(locked)
    start = locked.renews_on
    renews_on = months.add_months(start, locked.plan.term_months)
    changes = _assign(
        locked,
        current_term_start=start,
        current_term_end=renews_on - timedelta(days=1),
        renews_on=renews_on,
        term_price=pricing.plan_price(locked.plan) if term_price is None else Decimal(term_price),
    )
    return _finish(
        subscription,
        locked,
        Action.RENEW_TERM,
        actor=actor,
        by=by,
        from_state=State.ACTIVE,
        changes=changes,
        note=reason,
        details={"order_number": order_number},
    )


@transaction.atomic
def end_term(subscription: Subscription, *, by=None, reason: str = "") -> Outcome:
    """A pre-paid plan whose renewal was switched off ends with its term (R-S3)."""
    locked, actor = _begin(subscription, Action.END_TERM, by)
    if locked.auto_renew:
        raise NotAllowed("Automatic renewal is on: the term renews instead (lifecycle.renew_term).")
    _check_term_over(locked)
    changes = _assign(locked, ended_at=timezone.now(), next_order_on=None)
    return _finish(
        subscription,
        locked,
        Action.END_TERM,
        actor=actor,
        by=by,
        from_state=State.ACTIVE,
        changes=changes,
        note=reason,
    )


@transaction.atomic
def set_auto_renewal(subscription: Subscription, *, on: bool, by, reason: str = "") -> Outcome:
    """Switch a pre-paid plan's automatic renewal off or on, at any time up to the renewal date
    (R-S3): until 23:59:59 London on the day before it."""
    locked, actor = _begin(subscription, Action.SET_AUTO_RENEWAL, by)
    if locked.renews_on is None or timezone.now() >= months.day_starts_at(locked.renews_on):
        raise TooLate("The renewal date has come: automatic renewal can no longer be changed for this term.")
    changes = _assign(locked, auto_renew=bool(on))
    if not changes:
        return Outcome(subscription=locked, event=None)
    return _finish(
        subscription,
        locked,
        Action.SET_AUTO_RENEWAL,
        actor=actor,
        by=by,
        from_state=State.ACTIVE,
        changes=changes,
        note=reason,
        details={"renews_on": locked.renews_on.isoformat()},
    )


# ---------------------------------------------------------------------------------------------
# Months ahead (R-S6, R-S7): until the month's order forms, at 00:00 London on its first day
# ---------------------------------------------------------------------------------------------
def change_deadline(month: date):
    """The last moment a month can be changed: 23:59:59 London on the last day of the month
    before (R-S7); pay-monthly paperback months close at the same moment, when their order forms."""
    return months.last_moment_before(month)


def check_month_open(subscription: Subscription, month: date, *, at=None) -> None:
    """Refuse a change to ``month`` once its order has formed or its first day has begun in London."""
    if not months.is_month(month):
        raise InvalidChoice("Choose a month by its first day.")
    at = at or timezone.now()
    if subscription.next_order_on is None or month < subscription.next_order_on:
        raise TooLate(f"The order for {months.describe(month)} has already been made, so it cannot change.")
    if months.has_begun(month, at=at):
        last_day = _long(change_deadline(month).date())
        raise TooLate(f"{months.describe(month)} could be changed until 23:59 on {last_day} (London time).")
    if month > months.add_months(months.month_of(months.london_today(at)), MONTHS_AHEAD):
        raise InvalidChoice(f"Months can be changed up to {MONTHS_AHEAD} months ahead.")


def _month_row(subscription: Subscription, month: date) -> SubscriptionMonth:
    row, _ = SubscriptionMonth.objects.select_for_update().get_or_create(
        subscription=subscription, month=month
    )
    return row


def _save_month(row: SubscriptionMonth, by, **values) -> dict:
    changes = {}
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changes[name] = (old, value)
            setattr(row, name, value)
    if changes:
        row.changed_by, row.changed_at = by, timezone.now()
        row.save()
    return changes


def _month_outcome(subscription, locked, action, *, actor, by, month, changes, reason):
    if not changes:
        return Outcome(subscription=locked, event=None)
    charge = pricing.charge_for_month(locked, month)
    details = {
        "month": month.isoformat(),
        "charge": str(charge.amount),
        "titles": charge.titles,
        "month_changes": {name: [_json(old), _json(new)] for name, (old, new) in changes.items()},
    }
    outcome = _finish(
        subscription,
        locked,
        action,
        actor=actor,
        by=by,
        from_state=locked.state,
        changes={},
        note=reason,
        details=details,
    )
    return Outcome(outcome.subscription, outcome.event, changes, outcome.email)


@transaction.atomic
def skip_month(subscription: Subscription, month: date, *, by, reason: str = "") -> Outcome:
    """No order and no charge for ``month`` (R-S6: customers alter or cancel future months;
    admins can do it for them), until that month's order forms."""
    locked, actor = _begin(subscription, Action.SKIP_MONTH, by)
    check_month_open(locked, month)
    changes = _save_month(_month_row(locked, month), by, skipped=True)
    return _month_outcome(
        subscription,
        locked,
        Action.SKIP_MONTH,
        actor=actor,
        by=by,
        month=month,
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def restore_month(subscription: Subscription, month: date, *, by, reason: str = "") -> Outcome:
    """Undo a skipped month, until that month's order forms (R-S6)."""
    locked, actor = _begin(subscription, Action.RESTORE_MONTH, by)
    check_month_open(locked, month)
    changes = _save_month(_month_row(locked, month), by, skipped=False)
    return _month_outcome(
        subscription,
        locked,
        Action.RESTORE_MONTH,
        actor=actor,
        by=by,
        month=month,
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def set_month_titles(
    subscription: Subscription, month: date, *, titles: int, by, reason: str = ""
) -> Outcome:
    """How many eBook titles ``month`` brings, until 23:59 London on the last day of the month
    before (R-S7); the month's charge follows. The email states the new charge."""
    locked, actor = _begin(subscription, Action.SET_MONTH_TITLES, by)
    _check_titles(locked.plan, titles)
    check_month_open(locked, month)
    changes = _save_month(_month_row(locked, month), by, ebook_titles=titles)
    return _month_outcome(
        subscription,
        locked,
        Action.SET_MONTH_TITLES,
        actor=actor,
        by=by,
        month=month,
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def set_usual_titles(subscription: Subscription, *, titles: int, by, reason: str = "") -> Outcome:
    """The eBook titles every month brings unless that month says otherwise (R-S7). Months past
    their cut-off keep the count they had: a month whose order is forming is pinned to it."""
    locked, actor = _begin(subscription, Action.SET_USUAL_TITLES, by)
    _check_titles(locked.plan, titles)
    old = locked.ebook_titles or locked.plan.default_titles
    forming = locked.next_order_on
    if forming is not None and months.has_begun(forming):
        row = _month_row(locked, forming)
        if row.ebook_titles is None:
            _save_month(row, by, ebook_titles=old)
    changes = _assign(locked, ebook_titles=titles)
    if not changes:
        return Outcome(subscription=locked, event=None)
    applies_from = _next_open_month(locked)
    details = {
        "applies_from": applies_from.isoformat(),
        "monthly_charge": str(pricing.total_monthly_cost(locked)),
    }
    return _finish(
        subscription,
        locked,
        Action.SET_USUAL_TITLES,
        actor=actor,
        by=by,
        from_state=locked.state,
        changes=changes,
        note=reason,
        details=details,
    )


# ---------------------------------------------------------------------------------------------
# Delivery address (R-D3) and the saved card (R-P5)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def set_delivery_address(subscription: Subscription, *, address, by, reason: str = "") -> Outcome:
    """Where a paperback plan's parcels go from the next order formed: UK addresses only (R-D3)."""
    locked, actor = _begin(subscription, Action.SET_DELIVERY_ADDRESS, by)
    eligibility.check_uk_address(address)
    changes = _replace_address(locked, address)
    return _finish(
        subscription,
        locked,
        Action.SET_DELIVERY_ADDRESS,
        actor=actor,
        by=by,
        from_state=locked.state,
        changes=changes,
        note=reason,
        send_email=locked.state != State.PENDING,
    )


@transaction.atomic
def record_card(
    subscription: Subscription,
    *,
    by,
    stripe_customer_id: str,
    payment_method_id: str,
    brand: str = "",
    last4: str = "",
    exp_month: int | None = None,
    exp_year: int | None = None,
    fingerprint: str = "",
    reason: str = "",
) -> Outcome:
    """Keep the references of the card Stripe saved (a SetupIntent or a paid PaymentIntent with
    ``setup_future_usage``, R-P5): never the card number, which never reaches the site (R-P1).
    Replacing a card on a running subscription emails the customer."""
    locked, actor = _begin(subscription, Action.RECORD_CARD, by)
    if not payment_method_id or not stripe_customer_id:
        raise InvalidChoice("The card's Stripe references are missing.")
    replacing = bool(locked.stripe_payment_method_id) and locked.stripe_payment_method_id != payment_method_id
    changes = _assign(
        locked,
        stripe_customer_id=stripe_customer_id,
        stripe_payment_method_id=payment_method_id,
        card_brand=brand,
        card_last4=last4,
        card_exp_month=exp_month,
        card_exp_year=exp_year,
        card_fingerprint=fingerprint,
    )
    if not changes:
        return Outcome(subscription=locked, event=None)
    changes |= _assign(locked, card_saved_at=timezone.now())
    return _finish(
        subscription,
        locked,
        Action.RECORD_CARD,
        actor=actor,
        by=by,
        from_state=locked.state,
        changes=changes,
        note=reason,
        details={"card": locked.card_label},
        send_email=replacing and locked.state in RUNNING,
    )


# ---------------------------------------------------------------------------------------------
# For the monthly run (issue 12)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def advance_period(subscription: Subscription, *, period: date, by=None) -> Outcome:
    """The run has dealt with ``period`` (its order formed, or it was skipped): the next order is
    the following month's. Bookkeeping, no history row (the run's own records say what it did)."""
    locked, actor = _begin(subscription, Action.ADVANCE_PERIOD, by)
    if locked.next_order_on != period:
        raise NotAllowed(f"The next order of this subscription is for {locked.next_order_on}, not {period}.")
    changes = _assign(locked, next_order_on=months.add_months(period, 1))
    return _finish(
        subscription,
        locked,
        Action.ADVANCE_PERIOD,
        actor=actor,
        by=by,
        from_state=locked.state,
        changes=changes,
    )


def subscriptions_of_withdrawn_plan(plan: Plan):
    """The subscriptions a withdrawal still has to end (cancel each with reason PLAN_WITHDRAWN)."""
    return Subscription.objects.filter(plan=plan, state__in=Subscription.LIVE_STATES).order_by("pk")


# ---------------------------------------------------------------------------------------------
# Closing an account (R-A3): its subscriptions end first, by the same rules
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def erase_details(subscription: Subscription, *, by=None, reason: str = "") -> Outcome:
    """Remove the personal details of a finished subscription (card references, birth date,
    delivery address, free-text notes); its dates, plan and history stay as the club's record."""
    locked, actor = _begin(subscription, Action.ERASE_DETAILS, by)
    changes = _assign(locked, **_erase_values()) | _erase_address(locked)
    SubscriptionEvent.objects.filter(subscription=locked).exclude(note="").update(note="")
    if not changes:
        return Outcome(subscription=locked, event=None)
    return _finish(
        subscription,
        locked,
        Action.ERASE_DETAILS,
        actor=actor,
        by=by,
        from_state=locked.state,
        changes=changes,
        note=reason,
    )


@transaction.atomic
def end_all_for_closed_account(user) -> list[Outcome]:
    """End every subscription of an account being closed, then erase their personal details.

    Joining in progress is abandoned; running plans are cancelled (reason ``account_closed``,
    no email: the address is about to go); eBook details are purged at once rather than kept
    90 days. Refund figures are in the cancellation rows for an order admin to act on. Call it
    before the account's own data is erased (the privacy app's registry of erasers).
    """
    outcomes: list[Outcome] = []
    note = "The customer closed their account."
    for subscription in Subscription.objects.filter(customer=user).select_related("plan").order_by("pk"):
        if subscription.state == State.PENDING:
            outcomes.append(abandon(subscription, reason=note))
        elif subscription.state in RUNNING:
            outcomes.append(cancel(subscription, by=None, reason=Cancellation.ACCOUNT_CLOSED, note=note))
        if subscription.state == State.CANCELLED and subscription.plan.is_ebook:
            outcomes.append(purge(subscription, reason=note, account_closed=True))
        outcomes.append(erase_details(subscription, reason=note))
    return outcomes


def subscriptions_needing_purge(*, today: date | None = None) -> Iterable[Subscription]:
    """Cancelled eBook subscriptions past their 90 days (R-S8), for the purge timer."""
    today = today or _today()
    return Subscription.objects.filter(
        state=State.CANCELLED, plan__kind=Kind.EBOOK, keep_details_until__lt=today
    ).order_by("pk")
