"""The terms' time rules, in London time: renewal can be switched until the renewal date (R-S3),
a month can be skipped until its order forms (R-S6), a month's eBook titles changed until 23:59
London on the last day of the month before, across both clock changes (R-S7), and a cancelled
eBook plan resumed within 90 days (R-S8)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from bookclub import lifecycle, pricing
from bookclub.exceptions import InvalidChoice, NotAllowed, TooLate
from bookclub.models import Plan, SubscriptionMonth
from tests.bookclub.conftest import london
from tests.factories.bookclub import make_plan, subscribe

pytestmark = pytest.mark.django_db
Kind = Plan.Kind


def at(*args):
    return time_machine.travel(london(*args), tick=False)


# ---------------------------------------------------------------------------------------------
# R-S7: the number of eBook titles for a month
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def ebook_plan(db):
    return make_plan(Kind.EBOOK, price="3.99", min_titles=1, max_titles=6, default_titles=2)


def test_R_S7_november_titles_change_at_23_59_59_on_31_october_gmt_and_not_at_midnight(ebook_plan, customer):
    """November is a GMT month: the clocks went back on 25 October 2026."""
    with at(2026, 9, 20, 10, 0):
        subscription = subscribe(ebook_plan, customer)  # first titles 1 October; next order November
    november = date(2026, 11, 1)
    with at(2026, 10, 31, 23, 59, 59):
        lifecycle.set_month_titles(subscription, november, titles=5, by=customer)
    assert (
        pricing.charge_for_month(subscription, november).amount
        == 5 * ebook_plan.product.stockrecords.get().price
    )
    with (
        at(2026, 11, 1, 0, 0),
        pytest.raises(TooLate, match=r"until 23:59 on 31 October 2026 \(London time\)"),
    ):
        lifecycle.set_month_titles(subscription, november, titles=6, by=customer)
    assert pricing.titles_for_month(subscription, november) == 5


def test_R_S7_april_titles_change_at_23_59_59_bst_on_31_march_and_not_at_midnight(ebook_plan, customer):
    """April is a BST month: the clocks went forward on 29 March 2026, so the cut-off is 22:59:59 UTC."""
    with at(2026, 2, 10, 10, 0):
        subscription = subscribe(ebook_plan, customer)  # first titles 1 March; next order April
    april = date(2026, 4, 1)
    with at(2026, 3, 31, 23, 59, 59):
        lifecycle.set_month_titles(subscription, april, titles=4, by=customer)
    # 23:30 UTC on 31 March is already 00:30 on 1 April in London: too late.
    utc = time_machine.travel(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), tick=False)
    with utc, pytest.raises(TooLate):
        lifecycle.set_month_titles(subscription, april, titles=1, by=customer)
    with at(2026, 4, 1, 0, 0), pytest.raises(TooLate):
        lifecycle.set_month_titles(subscription, april, titles=1, by=customer)
    assert pricing.titles_for_month(subscription, april) == 4


def test_R_S7_the_first_month_formed_at_joining_cannot_change(ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
        assert subscription.first_period == date(2026, 4, 1)  # available on the 1st of next month
        with pytest.raises(TooLate, match="already been made"):
            lifecycle.set_month_titles(subscription, date(2026, 4, 1), titles=3, by=customer)
        lifecycle.set_month_titles(subscription, date(2026, 5, 1), titles=3, by=customer)


@pytest.mark.parametrize("titles", [0, 7, "3", True])
def test_R_S7_titles_outside_the_plans_range_are_refused(ebook_plan, customer, titles):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
        with pytest.raises(InvalidChoice):
            lifecycle.set_month_titles(subscription, date(2026, 5, 1), titles=titles, by=customer)


def test_R_S7_a_month_is_named_by_its_first_day_and_at_most_a_year_ahead(ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
        with pytest.raises(InvalidChoice, match="first day"):
            lifecycle.set_month_titles(subscription, date(2026, 5, 14), titles=3, by=customer)
        with pytest.raises(InvalidChoice, match="12 months ahead"):
            lifecycle.set_month_titles(subscription, date(2027, 4, 1), titles=3, by=customer)


def test_R_S7_the_usual_count_changes_later_months_but_not_one_whose_order_is_forming(ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)  # next order May
    # 00:10 on 1 May: May's cut-off has passed but the run has not formed it yet.
    with at(2026, 5, 1, 0, 10):
        outcome = lifecycle.set_usual_titles(subscription, titles=5, by=customer)
    assert outcome.event.details["applies_from"] == "2026-06-01"
    assert pricing.titles_for_month(subscription, date(2026, 5, 1)) == 2  # pinned to what it was
    assert pricing.titles_for_month(subscription, date(2026, 6, 1)) == 5
    assert SubscriptionMonth.objects.get(subscription=subscription, month=date(2026, 5, 1)).ebook_titles == 2


def test_R_S7_the_run_moves_on_and_the_formed_month_closes(ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
    with at(2026, 5, 1, 0, 5):
        lifecycle.advance_period(subscription, period=date(2026, 5, 1))
        assert subscription.next_order_on == date(2026, 6, 1)
        with pytest.raises(NotAllowed, match="next order of this subscription is for 2026-06-01"):
            lifecycle.advance_period(subscription, period=date(2026, 5, 1))  # twice is refused


# ---------------------------------------------------------------------------------------------
# R-S6: skipping (cancelling) a future month
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def paperbacks(db):
    return make_plan(Kind.PAY_MONTHLY, price="15.99", books_per_month=2)


def test_R_S6_a_future_month_can_be_skipped_until_its_order_forms(paperbacks, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(paperbacks, customer)  # March formed at joining
        with pytest.raises(TooLate, match="March 2026 has already been made"):
            lifecycle.skip_month(subscription, date(2026, 3, 1), by=customer)
    may = date(2026, 5, 1)
    with at(2026, 4, 30, 23, 59, 59):
        outcome = lifecycle.skip_month(subscription, may, by=customer)
    assert outcome.changes == {"skipped": (False, True)}
    charge = pricing.charge_for_month(subscription, may)
    assert (charge.amount, charge.supplied, charge.note) == (0, False, "Skipped.")
    with at(2026, 5, 1, 0, 0), pytest.raises(TooLate):
        lifecycle.restore_month(subscription, may, by=customer)


def test_R_S6_an_admin_can_skip_and_restore_a_month_for_the_customer(paperbacks, customer, order_admin):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(paperbacks, customer)
        june = date(2026, 6, 1)
        lifecycle.skip_month(subscription, june, by=order_admin, reason="Asked by phone")
        outcome = lifecycle.restore_month(subscription, june, by=order_admin)
    assert pricing.charge_for_month(subscription, june).amount == paperbacks.product.stockrecords.get().price
    assert outcome.event.actor == "admin" and outcome.event.details["month"] == "2026-06-01"
    assert SubscriptionMonth.objects.get(subscription=subscription, month=june).changed_by == order_admin


# ---------------------------------------------------------------------------------------------
# R-S3: automatic renewal of a pre-paid plan
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def prepaid(db):
    return make_plan(Kind.PREPAID, price="47.97", term_months=3, books_per_month=2)


def test_R_S3_renewal_can_be_switched_off_until_the_day_before_the_renewal_date(prepaid, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(prepaid, customer)
    assert (subscription.current_term_start, subscription.current_term_end) == (
        date(2026, 3, 1),
        date(2026, 5, 31),
    )
    assert subscription.renews_on == date(2026, 6, 1) and subscription.auto_renew
    with at(2026, 5, 31, 23, 59, 59):
        lifecycle.set_auto_renewal(subscription, on=False, by=customer)
    with at(2026, 6, 1, 0, 0), pytest.raises(TooLate, match="renewal date has come"):
        lifecycle.set_auto_renewal(subscription, on=True, by=customer)
    assert not subscription.auto_renew
    assert pricing.charge_for_month(subscription, date(2026, 6, 1)).supplied is False


def test_R_S3_the_term_renews_or_ends_only_when_it_is_over(prepaid, customer):
    with at(2026, 3, 10, 12, 0):
        renewing = subscribe(prepaid, customer)
        ending = subscribe(make_plan(Kind.PREPAID, term_months=6), customer, auto_renew=False)
        with pytest.raises(TooLate, match="runs until 1 June 2026"):
            lifecycle.renew_term(renewing)
    with at(2026, 6, 1, 0, 30):
        outcome = lifecycle.renew_term(renewing, term_price="47.97", order_number="100042")
        with pytest.raises(NotAllowed, match="Automatic renewal is off"):
            lifecycle.renew_term(ending)
    assert outcome.changes["renews_on"] == (date(2026, 6, 1), date(2026, 9, 1))
    assert (renewing.current_term_start, renewing.current_term_end) == (date(2026, 6, 1), date(2026, 8, 31))
    with at(2026, 9, 1, 8, 0):
        lifecycle.end_term(ending)
    assert ending.state == "ended" and ending.next_order_on is None


def test_R_S3_a_customer_cannot_cancel_a_prepaid_term_but_is_told_what_to_do(prepaid, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(prepaid, customer)
        with pytest.raises(NotAllowed, match="switch automatic renewal off"):
            lifecycle.cancel(subscription, by=customer, reason="customer_request")


# ---------------------------------------------------------------------------------------------
# R-S8: "Cancel my eSubscription", 90 days to resume, then the details go
# ---------------------------------------------------------------------------------------------
def test_R_S8_cancelling_stops_further_charges_and_keeps_details_90_days(ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
    with at(2026, 4, 20, 15, 0):
        lifecycle.cancel(subscription, by=customer, reason="customer_request")
    assert subscription.keep_details_until == date(2026, 7, 19)
    assert subscription.stripe_payment_method_id  # kept for a resume
    assert pricing.charge_for_month(subscription, date(2026, 5, 1)).amount == 0


def test_R_S8_resume_within_90_days_and_refused_after(ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        early, late = subscribe(ebook_plan, customer), subscribe(make_plan(Kind.EBOOK), customer)
    with at(2026, 4, 20, 15, 0):
        lifecycle.cancel(early, by=customer, reason="customer_request")
        lifecycle.cancel(late, by=customer, reason="customer_request")
    with at(2026, 7, 19, 23, 59):  # day 90
        outcome = lifecycle.resume(early, by=customer)
    assert early.state == "active" and early.next_order_on == date(2026, 8, 1)
    assert outcome.changes["next_order_on"] == (date(2026, 5, 1), date(2026, 8, 1))
    assert early.keep_details_until is None and early.cancellation_reason == ""
    with at(2026, 7, 20, 0, 0), pytest.raises(TooLate, match="More than 90 days"):
        lifecycle.resume(late, by=customer)


def test_R_S8_after_90_days_the_details_are_purged_and_the_customer_subscribes_anew(ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
    with at(2026, 4, 20, 15, 0):
        lifecycle.cancel(subscription, by=customer, reason="customer_request")
        with pytest.raises(NotAllowed, match="resume it from My Account"):
            subscribe(ebook_plan, customer)  # within 90 days the way back is resume
    with at(2026, 7, 19, 12, 0), pytest.raises(TooLate, match="may still resume"):
        lifecycle.purge(subscription)
    with at(2026, 7, 20, 3, 0):
        assert list(lifecycle.subscriptions_needing_purge()) == [subscription]
        lifecycle.purge(subscription)
        assert subscription.state == "purged"
        assert (subscription.stripe_payment_method_id, subscription.card_last4) == ("", "")
        assert subscription.declared_date_of_birth is None
        again = subscribe(ebook_plan, customer)
    assert again.pk != subscription.pk and again.state == "active"


def test_R_S8_a_plan_the_club_cancelled_cannot_be_resumed_by_the_customer(ebook_plan, customer, order_admin):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
        lifecycle.cancel(subscription, by=order_admin, reason="non_payment", note="Two reminders unanswered")
        with pytest.raises(NotAllowed, match="ended by the club"):
            lifecycle.resume(subscription, by=customer)


def test_R_S6_cancelling_a_pay_monthly_plan_cancels_every_future_month(paperbacks, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(paperbacks, customer)
    with at(2026, 4, 2, 9, 0):
        outcome = lifecycle.cancel(subscription, by=customer, reason="customer_request")
    assert subscription.cancellation_effective_on == date(2026, 4, 2)
    assert outcome.event.details["refund_due"] == "0.00"
    for month in (date(2026, 5, 1), date(2026, 6, 1)):
        assert not pricing.charge_for_month(subscription, month).supplied
    assert subscription.keep_details_until is None  # only eBook plans keep details to resume


def test_a_cancellation_cannot_be_dated_in_the_future(paperbacks, customer, order_admin):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(paperbacks, customer)
        with pytest.raises(InvalidChoice, match="not later"):
            lifecycle.cancel(
                subscription, by=order_admin, reason="customer_request", effective_on=date(2026, 3, 11)
            )
        outcome = lifecycle.cancel(
            subscription, by=order_admin, reason="customer_request", effective_on=date(2026, 3, 8)
        )
    assert outcome.subscription.cancellation_effective_on == date(2026, 3, 8)  # the day the letter was sent


def test_suspension_stops_orders_and_reinstating_picks_up_at_the_next_month_not_begun(
    paperbacks, customer, order_admin
):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(paperbacks, customer)
        lifecycle.suspend(subscription, by=order_admin, reason="wrong_details", note="Postcode bounces")
    assert not pricing.charge_for_month(subscription, date(2026, 4, 1)).supplied
    with at(2026, 4, 10, 12, 0):
        lifecycle.reinstate(subscription, by=order_admin)
    assert subscription.next_order_on == date(2026, 5, 1) and subscription.suspension_reason == ""


def test_R_S5_only_a_pay_monthly_paperback_plan_is_suspended_for_misuse_of_the_discount(
    ebook_plan, customer, order_admin
):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(ebook_plan, customer)
        with pytest.raises(NotAllowed, match="first-order discount"):
            lifecycle.suspend(subscription, by=order_admin, reason="misuse_of_discount")
        with pytest.raises(NotAllowed, match="cannot be cancelled for this reason"):
            lifecycle.cancel(subscription, by=order_admin, reason="misuse_of_discount")


def test_the_deadlines_screens_show(prepaid, ebook_plan, customer):
    with at(2026, 3, 10, 12, 0):
        subscription = subscribe(prepaid, customer)
    assert lifecycle.renewal_deadline(subscription) == london(2026, 5, 31, 23, 59, 59)
    assert lifecycle.change_deadline(date(2026, 11, 1)) == london(2026, 10, 31, 23, 59, 59)
    assert lifecycle.change_deadline(date(2026, 11, 1)).utcoffset() == timedelta(0)
    assert lifecycle.change_deadline(date(2026, 4, 1)).utcoffset() == timedelta(hours=1)
