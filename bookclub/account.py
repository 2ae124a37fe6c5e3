"""My Account's subscriptions section: what it shows and what each action will do (R-S6..R-S8).

The pages (``bookclub.views.account``) read ``overview`` and ``details``; an action is first
explained (``explain``: its effect, the new charge, the email that follows), then done
(``perform``), always through ``bookclub.lifecycle``, which checks the terms and the deadlines
again when it acts.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bookclub import lifecycle, months, pricing, selections, subscriptions
from bookclub.exceptions import InvalidChoice, NotAllowed, SubscriptionError
from bookclub.lifecycle import Action
from bookclub.models import Subscription, SubscriptionOrder

State = Subscription.State


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def subscriptions_of(customer):
    """The customer's subscriptions, newest first (a fixed number of queries whatever their
    number). Joining never finished is left out."""
    return subscriptions.subscriptions_of(customer).exclude(state=State.ABANDONED)


def next_step(subscription: Subscription) -> str:
    """One line: what happens next to this subscription."""
    plan = subscription.plan
    if subscription.state == State.PENDING:
        return "Joining not finished."
    if subscription.state == State.CANCELLED:
        if (
            plan.is_ebook
            and subscription.keep_details_until
            and subscription.keep_details_until >= months.london_today()
        ):
            return f"Cancelled. You can resume it until {_long(subscription.keep_details_until)}."
        return "Cancelled: no further orders or charges."
    if subscription.state in (State.ENDED, State.PURGED):
        return "Ended."
    if subscription.state == State.SUSPENDED:
        return "Suspended by the club: no orders until the suspension is lifted."
    if plan.is_prepaid and subscription.renews_on:
        if subscription.auto_renew:
            return f"Renews on {_long(subscription.renews_on)}, charged to your saved card."
        return f"Ends after {subscription.current_term_end:%B %Y}: automatic renewal is off."
    if subscription.next_order_on:
        what = "eBooks on your eBookshelf" if plan.is_ebook else "next parcel's order"
        return f"Your {what}: {_long(subscription.next_order_on)}."
    return ""


@dataclass
class MonthView:
    month: date
    charge: pricing.MonthCharge
    picks: list
    changeable: bool
    deadline: object
    skipped: bool


@dataclass
class Details:
    subscription: Subscription
    next_step: str
    monthly_cost: Decimal | None
    months: list[MonthView]
    orders: list
    open_invoices: list
    actions: set[str] = field(default_factory=set)
    resumable: bool = False


def _changeable(subscription: Subscription, month: date) -> bool:
    try:
        lifecycle.check_month_open(subscription, month)
    except SubscriptionError:
        return False
    return True


def details(subscription: Subscription, *, by) -> Details:
    """Everything the subscription's page shows: this and next month with their picks and
    charges, past orders, open invoices, and the actions the terms allow now."""
    plan = subscription.plan
    this_month = months.month_of(months.london_today())
    wanted = [this_month, months.add_months(this_month, 1)]
    live = {m.month: m.picks for m in selections.live_months(plan, wanted)}
    month_views = []
    running = subscription.state in (State.ACTIVE, State.SUSPENDED)
    for month in wanted:
        charge = pricing.charge_for_month(subscription, month)
        picks = live.get(month, [])
        if plan.is_ebook and charge.titles is not None:
            picks = picks[: charge.titles]
        choice = pricing.month_choice(subscription, month)
        month_views.append(
            MonthView(
                month=month,
                charge=charge,
                picks=picks,
                changeable=running and plan.is_monthly and _changeable(subscription, month),
                deadline=lifecycle.change_deadline(month),
                skipped=bool(choice and choice.skipped),
            )
        )
    orders = list(
        SubscriptionOrder.objects.filter(subscription=subscription)
        .select_related("order")
        .prefetch_related("order__sources")
        .order_by("-month")
    )
    open_invoices = [
        row.order
        for row in orders
        if plan.is_pay_monthly and row.order.total_incl_tax > 0 and not row.order.sources.all()
    ]
    allowed = {str(action) for action in lifecycle.allowed_actions(subscription, by=by)}
    return Details(
        subscription=subscription,
        next_step=next_step(subscription),
        monthly_cost=pricing.total_monthly_cost(subscription) if subscription.started_at else None,
        months=month_views,
        orders=[row.order for row in orders],
        open_invoices=open_invoices,
        actions=allowed,
        resumable=str(Action.RESUME) in allowed
        and subscription.cancellation_reason == Subscription.CancellationReason.CUSTOMER_REQUEST
        and subscription.keep_details_until is not None
        and subscription.keep_details_until >= months.london_today(),
    )


# ---------------------------------------------------------------------------------------------
# Actions: explained first, then done
# ---------------------------------------------------------------------------------------------
ACTIONS = {
    "renewal-off": Action.SET_AUTO_RENEWAL,
    "renewal-on": Action.SET_AUTO_RENEWAL,
    "skip": Action.SKIP_MONTH,
    "restore": Action.RESTORE_MONTH,
    "titles": Action.SET_MONTH_TITLES,
    "cancel": Action.CANCEL,
    "resume": Action.RESUME,
}


@dataclass(frozen=True)
class Explanation:
    """What the confirmation page says before the customer confirms."""

    action: str
    title: str
    effects: list[str]
    confirm_label: str
    month: date | None = None
    titles: int | None = None
    new_charge: Decimal | None = None


EMAIL_LINE = "We will email you to confirm the change."


def check(subscription: Subscription, action: str, *, by, month: date | None = None) -> None:
    """Refuse (``SubscriptionError``, a message for the customer) an action the terms do not
    allow now: the transition table, then the month's deadline (R-S6, R-S7)."""
    if action not in ACTIONS:
        raise InvalidChoice("There is no such change.")
    refusal = lifecycle.refusal(subscription, ACTIONS[action], lifecycle.actor_of(subscription, by))
    if refusal:
        raise NotAllowed(refusal)
    if action in ("skip", "restore", "titles"):
        if month is None:
            raise InvalidChoice("Choose a month.")
        lifecycle.check_month_open(subscription, month)


def explain(
    subscription: Subscription, action: str, *, by, month: date | None = None, titles: int | None = None
) -> Explanation:
    """What ``action`` will do, or a ``SubscriptionError`` saying why it cannot be done now."""
    check(subscription, action, by=by, month=month)
    plan = subscription.plan
    if action in ("renewal-off", "renewal-on"):
        deadline = lifecycle.renewal_deadline(subscription)
        if months.now() > deadline:
            raise NotAllowed(
                "The renewal date has come: automatic renewal can no longer be changed for this term."
            )
        local = deadline.astimezone(months.LONDON)
        until = f"{local:%H:%M} on {_long(local.date())}"
        if action == "renewal-off":
            if not subscription.auto_renew:
                raise InvalidChoice("Automatic renewal is already off.")
            return Explanation(
                action,
                f"Switch off automatic renewal of {plan.name}",
                [
                    "Your plan ends with its current term: the last parcel is for "
                    f"{subscription.current_term_end:%B %Y}.",
                    f"Nothing will be charged on {_long(subscription.renews_on)}.",
                    f"You can switch it back on until {until} (London time).",
                    EMAIL_LINE,
                ],
                "Switch renewal off",
            )
        if subscription.auto_renew:
            raise InvalidChoice("Automatic renewal is already on.")
        price = pricing.plan_price(plan)
        return Explanation(
            action,
            f"Switch on automatic renewal of {plan.name}",
            [
                f"On {_long(subscription.renews_on)} a new {plan.term_months}-month term starts and "
                f"£{price} is charged to {subscription.card_label or 'your saved card'}.",
                f"You can switch it off again until {until} (London time).",
                EMAIL_LINE,
            ],
            "Switch renewal on",
        )
    if action in ("skip", "restore", "titles"):
        deadline = lifecycle.change_deadline(month)
        until = f"23:59 on {_long(deadline.date())} (London time)"
        current = pricing.charge_for_month(subscription, month)
        name = months.describe(month)
        if action == "skip":
            return Explanation(
                action,
                f"Skip {name}",
                [
                    f"No order and no charge for {name}"
                    + (f" (instead of £{current.amount})." if current.amount else "."),
                    f"The plan carries on the month after. You can change your mind until {until}.",
                    EMAIL_LINE,
                ],
                f"Skip {name}",
                month=month,
            )
        if action == "restore":
            return Explanation(
                action,
                f"Keep {name} after all",
                [f"{name}'s order will be made as usual on its 1st.", EMAIL_LINE],
                f"Keep {name}",
                month=month,
            )
        if titles is None:
            raise InvalidChoice("Choose how many eBooks.")
        if not plan.min_titles <= titles <= plan.max_titles:
            raise InvalidChoice(f"Choose between {plan.min_titles} and {plan.max_titles} titles a month.")
        new_charge = pricing.plan_price(plan) * titles
        return Explanation(
            action,
            f"{titles} eBook{'s' if titles != 1 else ''} in {name}",
            [
                f"{name} will bring {titles} of the editors' titles instead of {current.titles}.",
                f"The charge for {name} becomes £{new_charge} (it was £{current.amount}), "
                f"taken from {subscription.card_label or 'your saved card'} on 1 {month:%B}.",
                f"You can change it again until {until}.",
                EMAIL_LINE,
            ],
            f"Change {name} to {titles} eBook{'s' if titles != 1 else ''}",
            month=month,
            titles=titles,
            new_charge=new_charge,
        )
    if action == "cancel":
        if plan.is_ebook:
            return Explanation(
                action,
                "Cancel my eSubscription",
                [
                    "No further orders and no further charges from today.",
                    "eBooks already on your eBookshelf stay there.",
                    "We keep your plan's details for 90 days: until then you can resume it from this page, "
                    "with the same card and choices. After that they are removed.",
                    EMAIL_LINE,
                ],
                "Cancel my eSubscription",
            )
        return Explanation(
            action,
            f"Cancel {plan.name}",
            [
                "No further monthly orders from today. Orders already made are still delivered and invoiced.",
                EMAIL_LINE,
            ],
            "Cancel my plan",
        )
    # resume
    keep = subscription.keep_details_until
    if keep is None or keep < months.london_today():
        raise NotAllowed(
            "More than 90 days have passed since this eSubscription was cancelled: please join again."
        )
    return Explanation(
        action,
        f"Resume {plan.name}",
        [
            f"Your eSubscription starts again: {subscription.ebook_titles} eBook"
            f"{'s' if subscription.ebook_titles != 1 else ''} a month from the next month not yet begun, "
            f"charged to {subscription.card_label or 'your saved card'} on the 1st.",
            EMAIL_LINE,
        ],
        "Resume my eSubscription",
    )


def perform(subscription: Subscription, explanation: Explanation, *, by) -> lifecycle.Outcome:
    """Do what was explained, through the lifecycle (which checks the rules and deadlines again)."""
    action = explanation.action
    if action == "renewal-off":
        return lifecycle.set_auto_renewal(subscription, on=False, by=by)
    if action == "renewal-on":
        return lifecycle.set_auto_renewal(subscription, on=True, by=by)
    if action == "skip":
        return lifecycle.skip_month(subscription, explanation.month, by=by)
    if action == "restore":
        return lifecycle.restore_month(subscription, explanation.month, by=by)
    if action == "titles":
        return lifecycle.set_month_titles(subscription, explanation.month, titles=explanation.titles, by=by)
    if action == "cancel":
        return lifecycle.cancel(subscription, by=by, reason=Subscription.CancellationReason.CUSTOMER_REQUEST)
    return lifecycle.resume(subscription, by=by)
