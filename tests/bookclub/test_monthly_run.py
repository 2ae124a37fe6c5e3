"""The monthly run: each subscriber's order, charge and confirmation exactly once (R-S10), from
the plan's live frozen selection, off-session card charges for eBook plans (R-S7, R-P5), £0
orders inside a pre-paid term and its renewal (R-S3), invoices for pay-monthly paperbacks (R-P3)."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from oscar.core.loading import get_model

from bookclub import billing, ordering
from bookclub.exceptions import NotAllowed
from bookclub.models import BillingCycle, Invoice, Plan, PlanRunAlert, Subscription
from tests.commit import committed
from tests.factories import UserFactory

from .run_helpers import at, intents, plan_with_selections, subscriber

Order = get_model("order", "Order")
State = BillingCycle.State
MAY = date(2027, 5, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(localstripe):
    """One subscriber to each kind of plan, all due an order in May 2027."""
    ebook = plan_with_selections(Plan.Kind.EBOOK, [MAY])
    prepaid = plan_with_selections(Plan.Kind.PREPAID, [MAY])
    monthly = plan_with_selections(Plan.Kind.PAY_MONTHLY, [MAY])
    people = {}
    with at(2027, 3, 10, 12, 0):  # eBooks: first month April (joining's order), then May
        people["ebook"] = subscriber(ebook, UserFactory(email="e@example.com"), localstripe, ebook_titles=3)
    with at(2027, 4, 10, 12, 0):  # paperbacks: first month April, then May
        people["prepaid"] = subscriber(prepaid, UserFactory(email="p@example.com"), localstripe)
        people["monthly"] = subscriber(monthly, UserFactory(email="m@example.com"), localstripe)
    mail.outbox.clear()
    return people


def run(period=MAY, **kwargs):
    with committed():
        return billing.run_period(period, **kwargs)


def confirmations(email: str) -> int:
    return sum(1 for m in mail.outbox if m.to == [email] and m.subject.startswith("Order confirmation"))


def test_R_S10_R_S7_R_S3_R_P3_a_month_runs_each_kind_of_plan(club, localstripe):
    with at(2027, 5, 1, 0, 5):
        summary = run()
    assert summary.opened == 3
    by_kind = {c.subscription.plan.kind: c for c in BillingCycle.objects.select_related("subscription__plan")}

    ebook = by_kind[Plan.Kind.EBOOK]
    assert ebook.state == State.PAID and ebook.amount == Decimal("11.97")  # 3 titles at 3.99 (R-S7)
    lines = list(ebook.order.lines.order_by("pk"))
    assert [line.quantity for line in lines] == [3, 1, 1, 1]  # the plan x3, then the first 3 picks
    assert ebook.order.total_incl_tax == Decimal("11.97")
    assert ebook.order.sources.get().amount_debited == Decimal("11.97")
    [intent] = intents(localstripe)
    assert intent["amount"] == 1197 and intent["status"] == "succeeded"
    assert intent["metadata"]["billing_cycle"] == str(ebook.pk)

    prepaid = by_kind[Plan.Kind.PREPAID]
    assert prepaid.state == State.PAID and prepaid.amount == 0 and prepaid.order.total_incl_tax == 0
    assert prepaid.order.shipping_address.postcode == "BA1 1AA"  # the plan's own address

    monthly = by_kind[Plan.Kind.PAY_MONTHLY]
    assert monthly.state == State.INVOICED and monthly.amount == Decimal("15.99")
    invoice = Invoice.objects.get(cycle=monthly)
    assert invoice.due_on == invoice.delivery_expected_on + (date(2027, 1, 15) - date(2027, 1, 1))  # R-P3
    for person in club.values():
        person.refresh_from_db()
        assert person.next_order_on == date(2027, 6, 1)
        assert confirmations(person.customer.email) == 1  # R-S6: the month's own confirmation


def test_R_S10_running_twice_makes_one_order_one_charge_one_confirmation(club, localstripe):
    with at(2027, 5, 1, 0, 5):
        run()
    with at(2027, 5, 1, 3, 0):
        again = run()
        out = StringIO()
        call_command("run_monthly", "--period", "2027-05", stdout=out)
    assert out.getvalue().strip().endswith("May 2027: 0 cycles processed; now 1 invoiced, 2 paid.")
    assert again.opened == 0 and again.processed == 0
    assert BillingCycle.objects.count() == 3
    assert Order.objects.filter(billing_cycle__isnull=False).count() == 3
    assert len(intents(localstripe)) == 1
    for person in club.values():
        assert confirmations(person.customer.email) == 1


def test_R_S10_a_crash_after_asking_stripe_then_a_rerun_charges_once(club, localstripe):
    """The worker recorded "charge asked for", Stripe took the money, then the worker died
    before writing the answer; its lease runs out and the rerun asks again with the same key."""
    with at(2027, 5, 1, 0, 5):
        billing.open_period(MAY)
        cycle = BillingCycle.objects.get(plan__kind=Plan.Kind.EBOOK)
        assert cycle.pk in billing.claim_batch(MAY, worker="dead", size=10)
        with committed():
            billing.form_order(cycle.pk, worker="dead")
        cycle.refresh_from_db()
        billing.BillingCycle.objects.filter(pk=cycle.pk).update(state=State.CHARGING, attempts=1)
        cycle.refresh_from_db()
        from shop.payment import stripe_api

        stripe_api.charge_saved_card(  # what the dead worker's request did
            amount_pence=1197,
            customer_id=cycle.subscription.stripe_customer_id,
            off_session=True,
            payment_method=cycle.subscription.stripe_payment_method_id,
            metadata={},
            idempotency_key=cycle.idempotency_key,
        )
    with at(2027, 5, 1, 0, 20):  # the 5-minute lease has run out
        summary = run()
    cycle.refresh_from_db()
    assert cycle.state == State.PAID and cycle.attempts == 1
    assert len(intents(localstripe)) == 1
    assert summary.states[State.PAID] == 2 and summary.states[State.INVOICED] == 1
    assert confirmations(cycle.subscription.customer.email) == 1


def test_R_S10_a_leased_cycle_is_not_taken_by_another_worker(club):
    with at(2027, 5, 1, 0, 5):
        billing.open_period(MAY)
        first = billing.claim_batch(MAY, worker="one", size=2)
        second = billing.claim_batch(MAY, worker="two", size=10)
        assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
        assert billing.process_cycle(first[0], worker="two") == State.TODO  # not its lease


def test_R_S2_a_plan_without_a_live_selection_stops_whole_with_an_alert(localstripe):
    june = date(2027, 6, 1)
    plan = plan_with_selections(Plan.Kind.PAY_MONTHLY, [MAY])  # nothing for June
    with at(2027, 5, 10, 12, 0):
        people = [subscriber(plan, UserFactory(), localstripe) for _ in range(2)]
    with at(2027, 6, 1, 0, 5):
        summary = run(june)
    assert summary.opened == 0 and BillingCycle.objects.count() == 0
    alert = PlanRunAlert.objects.get(plan=plan, period=june)
    assert "no complete live selection for June 2027" in alert.message and alert.resolved_at is None
    assert all(Subscription.objects.get(pk=p.pk).next_order_on == june for p in people)


def test_R_S7_an_ebook_month_follows_the_titles_chosen_by_the_cut_off(localstripe):
    plan = plan_with_selections(Plan.Kind.EBOOK, [MAY])
    with at(2027, 3, 10, 12, 0):
        person = subscriber(plan, UserFactory(), localstripe)
    from bookclub import lifecycle

    with at(2027, 4, 30, 23, 59):  # the last minute to change May (London, BST)
        lifecycle.set_month_titles(person, MAY, titles=5, by=person.customer)
    with at(2027, 5, 1, 0, 1):
        run()
    cycle = BillingCycle.objects.get()
    assert cycle.titles == 5 and cycle.amount == Decimal("19.95")
    assert cycle.order.lines.count() == 6


def test_R_S3_a_term_ending_with_renewal_off_ends_and_makes_no_order(localstripe):
    july = date(2027, 7, 1)
    plan = plan_with_selections(Plan.Kind.PREPAID, [july])
    with at(2027, 4, 10, 12, 0):
        person = subscriber(plan, UserFactory(), localstripe)
        from bookclub import lifecycle

        lifecycle.set_auto_renewal(person, on=False, by=person.customer)
    Subscription.objects.filter(pk=person.pk).update(next_order_on=july)  # May and June ran
    with at(2027, 7, 1, 0, 5):
        run(july)
    cycle = BillingCycle.objects.get()
    assert cycle.state == State.SKIPPED and cycle.order is None
    person.refresh_from_db()
    assert person.state == Subscription.State.ENDED
    assert intents(localstripe) == []


def test_R_S3_a_term_renews_by_charging_the_saved_card(localstripe):
    july = date(2027, 7, 1)
    plan = plan_with_selections(Plan.Kind.PREPAID, [july])
    with at(2027, 4, 10, 12, 0):
        person = subscriber(plan, UserFactory(), localstripe)
    Subscription.objects.filter(pk=person.pk).update(next_order_on=july)
    with at(2027, 7, 1, 0, 5):
        run(july)
    cycle = BillingCycle.objects.get()
    assert cycle.state == State.PAID and cycle.amount == Decimal("29.97") and cycle.renews_term
    person.refresh_from_db()
    assert person.current_term_start == july and person.renews_on == date(2027, 10, 1)
    assert person.events.filter(action="renew_term", details__order_number=cycle.order.number).exists()
    [intent] = intents(localstripe)
    assert intent["amount"] == 2997


def test_R_S6_the_month_order_holds_the_plan_at_the_month_total(club):
    subscription = club["monthly"]
    with at(2027, 5, 1, 0, 5):
        contents = ordering.month_contents(subscription, MAY)
    assert contents.total == Decimal("15.99")
    assert [quantity for _, quantity, _ in contents.lines] == [1, 1, 1]


def queries_per_cycle(kind: str, subscribers: int, localstripe) -> list[int]:
    """The queries each subscriber's cycle costs, one after the other, in one worker."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = plan_with_selections(kind, [MAY])
    with at(2027, 3 if kind == Plan.Kind.EBOOK else 4, 10, 12, 0):
        for _ in range(subscribers):
            subscriber(plan, UserFactory(), localstripe)
    counts = []
    with at(2027, 5, 1, 0, 5):
        billing.open_period(MAY)
        picks = billing.plan_picks(MAY, [plan.pk])
        for cycle_id in billing.claim_batch(MAY, worker="w", size=subscribers):
            with CaptureQueriesContext(connection) as queries:
                billing.process_cycle(cycle_id, worker="w", picks=picks)
            counts.append(len(queries))
    assert BillingCycle.objects.filter(state=State.TODO).count() == 0
    return counts


# Queries per subscriber, the same for every subscriber of a run of any size (pinned: change
# them deliberately). The emails are sent by their own tasks, after the commit, not counted here.
PER_SUBSCRIBER = {Plan.Kind.EBOOK: 92, Plan.Kind.PREPAID: 54, Plan.Kind.PAY_MONTHLY: 64}


@pytest.mark.parametrize("kind", list(PER_SUBSCRIBER))
def test_R_S10_queries_per_subscriber_are_constant(kind, localstripe):
    counts = queries_per_cycle(kind, 6, localstripe)
    assert counts[1:] == [PER_SUBSCRIBER[kind]] * 5, counts


def test_R_S7_the_run_waits_for_midnight_in_london_on_the_1st(club):
    with at(2027, 4, 30, 23, 59), pytest.raises(NotAllowed, match="May 2027 has not begun in London"):
        billing.open_period(MAY)  # BST: 22:59 UTC
    with at(2027, 5, 1, 0, 0):  # 23:00 UTC on 30 April
        assert billing.open_period(MAY).created == 3


def test_R_S7_the_23_59_cut_off_across_the_october_clock_change(localstripe):
    """Clocks go back at 02:00 BST on 31 October 2027: the cut-off for November is 23:59 GMT
    that day (23:59 UTC), not an hour earlier, and the run opens at 00:00 GMT on 1 November."""
    from datetime import UTC, datetime

    import time_machine

    from bookclub import lifecycle
    from bookclub.exceptions import TooLate

    november = date(2027, 11, 1)
    plan = plan_with_selections(Plan.Kind.EBOOK, [november])
    with at(2027, 9, 10, 12, 0):
        person = subscriber(plan, UserFactory(), localstripe)  # first October, then November
    with time_machine.travel(datetime(2027, 10, 31, 23, 30, tzinfo=UTC), tick=False):
        lifecycle.set_month_titles(person, november, titles=4, by=person.customer)  # still October
        with pytest.raises(NotAllowed):
            billing.open_period(november)
    with time_machine.travel(datetime(2027, 11, 1, 0, 0, 30, tzinfo=UTC), tick=False):
        with pytest.raises(TooLate):
            lifecycle.set_month_titles(person, november, titles=1, by=person.customer)
        run(november)
    cycle = BillingCycle.objects.get()
    assert (cycle.titles, cycle.amount, cycle.state) == (4, Decimal("15.96"), State.PAID)
