"""R-S9: what was paid in advance and not yet received, the one figure behind an admin's
pro-rata refund, a plan's withdrawal and an ending before a significant change (R-L4)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from bookclub import lifecycle, plans, refunds
from bookclub.exceptions import NotAllowed
from bookclub.models import Plan
from tests.bookclub.conftest import london
from tests.factories.bookclub import make_plan, subscribe

pytestmark = pytest.mark.django_db
Kind = Plan.Kind


def joined(plan, customer, when=(2026, 3, 10, 12, 0), **kwargs):
    with time_machine.travel(london(*when), tick=False):
        return subscribe(plan, customer, **kwargs)


@pytest.mark.parametrize(
    ("on", "expected", "months_left"),
    [
        (date(2026, 3, 20), Decimal("31.98"), ["2026-04-01", "2026-05-01"]),  # March received
        (date(2026, 4, 1), Decimal("15.99"), ["2026-05-01"]),  # April's parcel formed this morning
        (date(2026, 5, 31), Decimal("0.00"), []),  # the whole term received
    ],
)
def test_R_S9_prepaid_three_months_for_47_97_refunds_the_months_not_yet_begun(
    customer, on, expected, months_left
):
    subscription = joined(make_plan(Kind.PREPAID, price="47.97", term_months=3), customer)
    figure = refunds.unreceived_advance(subscription, on=on)
    assert figure.amount == expected
    assert [m.month.isoformat() for m in figure.months] == months_left


def test_R_S9_a_year_paid_in_january_cancelled_in_april_refunds_eight_months(customer):
    subscription = joined(
        make_plan(Kind.PREPAID, price="167.88", term_months=12), customer, (2026, 1, 10, 9, 0)
    )
    figure = refunds.unreceived_advance(subscription, on=date(2026, 4, 15))
    assert figure.amount == Decimal("111.92")  # 8 x 13.99
    assert "8 of 12 months" in figure.explanation


def test_R_S9_shares_that_do_not_divide_evenly_never_refund_more_than_was_paid(customer):
    subscription = joined(make_plan(Kind.PREPAID, price="35.00", term_months=3), customer)
    figure = refunds.unreceived_advance(subscription, on=date(2026, 3, 10))
    assert figure.amount == Decimal("23.33")  # 35.00 less March's 11.67
    assert [m.amount for m in figure.months] == [Decimal("11.67"), Decimal("11.66")]


def test_R_S9_the_figure_follows_the_term_actually_paid_after_a_renewal(customer):
    subscription = joined(make_plan(Kind.PREPAID, price="47.97", term_months=3), customer)
    with time_machine.travel(london(2026, 6, 1, 1, 0), tick=False):
        lifecycle.renew_term(subscription, term_price="45.00")
    assert refunds.unreceived_advance(subscription, on=date(2026, 6, 15)).amount == Decimal("30.00")


def test_R_S9_an_ebook_plan_refunds_the_first_month_until_it_reaches_the_ebookshelf(customer):
    subscription = joined(make_plan(Kind.EBOOK, price="3.99", default_titles=2), customer)
    assert refunds.unreceived_advance(subscription, on=date(2026, 3, 20)).amount == Decimal("7.98")
    assert refunds.unreceived_advance(subscription, on=date(2026, 4, 1)).amount == Decimal("0.00")


def test_R_S9_pay_monthly_is_invoiced_after_delivery_so_nothing_is_owed_unless_paid_ahead(customer):
    subscription = joined(make_plan(Kind.PAY_MONTHLY, price="15.99"), customer)
    assert refunds.unreceived_advance(subscription, on=date(2026, 5, 20)).amount == Decimal("0.00")
    paid_ahead = {date(2026, 5, 1): Decimal("15.99"), date(2026, 6, 1): Decimal("15.99")}
    figure = refunds.unreceived_advance(subscription, on=date(2026, 5, 20), paid_ahead=paid_ahead)
    assert figure.amount == Decimal("15.99") and figure.months[0].month == date(2026, 6, 1)


def test_R_S9_an_admin_cancels_for_breach_with_or_without_the_pro_rata_refund(customer, order_admin):
    kept = joined(make_plan(Kind.PREPAID, price="47.97", term_months=3), customer)
    refunded = joined(make_plan(Kind.PREPAID, price="47.97", term_months=3), customer)
    with time_machine.travel(london(2026, 3, 20, 12, 0), tick=False):
        without = lifecycle.cancel(kept, by=order_admin, reason="customer_request")
        with_refund = lifecycle.cancel(
            refunded, by=order_admin, reason="customer_request", refund_pro_rata=True
        )
    assert without.event.details["refund_due"] == "0.00"
    assert without.event.details["unreceived_advance"]["refundable"] == "31.98"
    assert with_refund.event.details["refund_due"] == "31.98"


def test_R_S9_withdrawing_a_plan_refunds_every_subscriber_pro_rata(
    customer, order_admin, mailoutbox, django_capture_on_commit_callbacks
):
    plan = make_plan(Kind.PREPAID, price="47.97", term_months=3)
    first = joined(plan, customer)
    second = joined(plan, None)
    with time_machine.travel(london(2026, 4, 15, 12, 0), tick=False):
        with pytest.raises(NotAllowed, match="Withdraw the plan first"):
            lifecycle.cancel(first, by=order_admin, reason="plan_withdrawn")
        plans.withdraw(plan)
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = [
                lifecycle.cancel(subscription, by=order_admin, reason="plan_withdrawn")
                for subscription in lifecycle.subscriptions_of_withdrawn_plan(plan)
            ]
    assert [o.event.details["refund_due"] for o in outcomes] == ["15.99", "15.99"]  # May, paid, not received
    assert not lifecycle.subscriptions_of_withdrawn_plan(plan).exists()
    assert {o.subscription.pk for o in outcomes} == {first.pk, second.pk}
    plan.refresh_from_db()
    assert plan.withdrawn_at and not plan.product.is_public and not plan.accepts_new_members
    assert any("We are refunding £15.99" in mail.body for mail in mailoutbox)


def test_R_L4_ending_before_a_significant_change_always_refunds_what_was_not_received(customer, order_admin):
    subscription = joined(make_plan(Kind.PREPAID, price="47.97", term_months=3), customer)
    with time_machine.travel(london(2026, 3, 20, 12, 0), tick=False):
        outcome = lifecycle.cancel(subscription, by=order_admin, reason="significant_change")
    assert outcome.event.details["refund_due"] == "31.98"
