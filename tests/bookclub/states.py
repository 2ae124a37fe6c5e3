"""Subscriptions in every state, reached the way real ones are (through bookclub.lifecycle),
and one valid call of every action, for the tests of the transition table."""

from datetime import timedelta

from bookclub import lifecycle, months
from bookclub.lifecycle import Action
from bookclub.models import Plan, Subscription
from tests.bookclub.conftest import london
from tests.factories.bookclub import join, make_plan, subscribe, uk_address

State = Subscription.State
Kind = Plan.Kind
START = london(2026, 3, 10, 12, 0)  # every subscription here is joined then

# The states each kind of plan can reach.
REACHABLE = {
    Kind.PREPAID: [State.PENDING, State.ACTIVE, State.CANCELLED, State.ENDED, State.ABANDONED],
    Kind.PAY_MONTHLY: [State.PENDING, State.ACTIVE, State.SUSPENDED, State.CANCELLED, State.ABANDONED],
    Kind.EBOOK: [
        State.PENDING,
        State.ACTIVE,
        State.SUSPENDED,
        State.CANCELLED,
        State.PURGED,
        State.ABANDONED,
    ],
}


def reach(kind: str, state: str, *, clock, customer, admin) -> Subscription:
    """A subscription of a new ``kind`` plan in ``state``; ``clock`` is a started time-machine
    traveller at START, moved on where the state needs time to pass."""
    plan = make_plan(kind)
    if state == State.PENDING:
        return join(plan, customer)
    if state == State.ABANDONED:
        subscription = join(plan, customer)
        lifecycle.abandon(subscription, by=customer)
        return subscription
    if state == State.ENDED:
        subscription = subscribe(plan, customer, auto_renew=False)
        clock.move_to(months.month_starts_at(subscription.renews_on) + timedelta(hours=9))
        lifecycle.end_term(subscription)
        return subscription
    subscription = subscribe(plan, customer)
    if state == State.SUSPENDED:
        lifecycle.suspend(subscription, by=admin, reason="breach")
    elif state == State.CANCELLED:
        lifecycle.cancel(subscription, by=admin, reason="customer_request")
    elif state == State.PURGED:
        lifecycle.cancel(subscription, by=customer, reason="customer_request")
        clock.move_to(START + timedelta(days=91))
        lifecycle.purge(subscription)
    assert subscription.state == state
    return subscription


def perform(action: Action, subscription: Subscription, *, customer, admin):
    """Do ``action`` with arguments it would accept, as someone the table allows."""
    month = subscription.next_order_on or months.add_months(months.month_of(months.london_today()), 1)
    calls = {
        Action.ABANDON: lambda: lifecycle.abandon(subscription, by=None),
        Action.CONFIRM: lambda: lifecycle.confirm(subscription),
        Action.SUSPEND: lambda: lifecycle.suspend(subscription, by=admin, reason="breach"),
        Action.REINSTATE: lambda: lifecycle.reinstate(subscription, by=admin),
        Action.CANCEL: lambda: lifecycle.cancel(subscription, by=admin, reason="customer_request"),
        Action.RESUME: lambda: lifecycle.resume(subscription, by=customer),
        Action.PURGE: lambda: lifecycle.purge(subscription),
        Action.END_TERM: lambda: lifecycle.end_term(subscription),
        Action.RENEW_TERM: lambda: lifecycle.renew_term(subscription),
        Action.SET_AUTO_RENEWAL: lambda: lifecycle.set_auto_renewal(subscription, on=False, by=customer),
        Action.SKIP_MONTH: lambda: lifecycle.skip_month(subscription, month, by=customer),
        Action.RESTORE_MONTH: lambda: lifecycle.restore_month(subscription, month, by=customer),
        Action.SET_MONTH_TITLES: lambda: lifecycle.set_month_titles(
            subscription, month, titles=3, by=customer
        ),
        Action.SET_USUAL_TITLES: lambda: lifecycle.set_usual_titles(subscription, titles=3, by=customer),
        Action.SET_DELIVERY_ADDRESS: lambda: lifecycle.set_delivery_address(
            subscription, address=uk_address(line1="2 Quiet Lane"), by=customer
        ),
        Action.RECORD_CARD: lambda: lifecycle.record_card(
            subscription, by=customer, stripe_customer_id="cus_new", payment_method_id="pm_new", last4="1881"
        ),
        Action.ADVANCE_PERIOD: lambda: lifecycle.advance_period(subscription, period=month),
        Action.ERASE_DETAILS: lambda: lifecycle.erase_details(subscription),
    }
    return calls[action]()
