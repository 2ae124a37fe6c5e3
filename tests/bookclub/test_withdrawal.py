"""Withdrawing a plan altogether (R-S9, T7.1): a background job cancels every subscription and
refunds each subscriber pro rata to the card that paid, once, however often it runs."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bookclub import lifecycle, withdrawals
from bookclub.models import Plan, PlanWithdrawal, Subscription, SubscriptionRefund
from bookclub.tasks import withdraw_plan_task
from shop.payment.models import Refund
from tests.bookclub.conftest import london
from tests.bookclub.paid import paid_subscription, stripe_refunds
from tests.commit import committed
from tests.factories import UserFactory
from tests.factories.bookclub import join, make_plan, subscribe

pytestmark = pytest.mark.django_db
Kind = Plan.Kind
State = Subscription.State


@pytest.fixture
def quarterly(localstripe, legal_documents_in_force):
    """A £47.97 three-month plan with two paying subscribers (joined 10 March), one joining and
    one who cancelled, seen on 20 March: £31.98 each is owed back."""
    plan = make_plan(Kind.PREPAID, price="47.97", term_months=3, title="The Quarterly Shelf")
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        paying = [paid_subscription(plan, UserFactory(), localstripe) for _ in range(2)]
        joining = join(plan, UserFactory())
        gone = subscribe(plan, UserFactory())
        lifecycle.cancel(gone, by=UserFactory(order_admin=True), reason="customer_request")
    return plan, paying, joining, gone


@pytest.fixture
def on_20_march():
    with time_machine.travel(london(2026, 3, 20, 9, 0), tick=False) as traveller:
        yield traveller


def test_R_S9_the_withdraw_page_states_the_subscribers_and_the_refunds_before_confirming(
    client, order_admin, quarterly, on_20_march
):
    plan, *_ = quarterly
    client.force_login(order_admin)
    url = reverse("dashboard:plan-withdraw", kwargs={"pk": plan.pk})
    page = client.get(url).content.decode()
    assert "3 running subscriptions are cancelled" in page  # two paying, one joining
    assert "Refunds: £63.96 in all today, to 2 subscribers" in page
    confirm = client.post(url, {"reason": "The publisher stopped the series"}).content.decode()
    assert "Confirm: withdraw The Quarterly Shelf and refund £63.96" in confirm
    plan.refresh_from_db()
    assert not plan.is_withdrawn  # nothing happens before the confirmation
    assert "This field is required" in client.post(url, {"reason": " "}).content.decode()


def test_R_S9_withdrawing_a_plan_cancels_every_subscription_and_refunds_each_pro_rata_once(
    client, order_admin, quarterly, on_20_march, mailoutbox
):
    plan, paying, joining, gone = quarterly
    client.force_login(order_admin)
    url = reverse("dashboard:plan-withdraw", kwargs={"pk": plan.pk})
    with committed():  # the job is enqueued on commit; the test settings run tasks at once
        response = client.post(url, {"reason": "The publisher stopped the series", "confirm": "1"})
    withdrawal = PlanWithdrawal.objects.get(plan=plan)
    assert response.status_code == 302 and response.url == reverse(
        "dashboard:plan-withdrawal-detail", kwargs={"pk": withdrawal.pk}
    )
    plan.refresh_from_db()
    assert plan.is_withdrawn and not plan.accepts_new_members
    for subscription, order in paying:
        subscription.refresh_from_db()
        assert subscription.state == State.CANCELLED
        assert subscription.cancellation_reason == Subscription.CancellationReason.PLAN_WITHDRAWN
        assert stripe_refunds(order) == [3198]
        event = subscription.events.get(action="cancel")
        assert event.by == order_admin and "The publisher stopped the series" in event.note
    joining.refresh_from_db()
    assert joining.state == State.ABANDONED
    gone.refresh_from_db()
    assert gone.cancellation_reason == "customer_request"  # already over: left alone
    assert not SubscriptionRefund.objects.filter(subscription=gone).exists()

    progress = withdrawals.progress(withdrawal)
    assert (progress.ended, progress.remaining, progress.refunded, progress.refunds_made) == (
        3,
        0,
        Decimal("63.96"),
        2,
    )
    assert progress.finished and progress.nothing_owed == 1
    summary = client.get(response.url).content.decode()
    assert "Done" in summary and "3 of 3 subscriptions ended" in summary
    assert "£63.96 refunded to 2 subscribers" in summary
    # Each paying subscriber: the cancellation and the refund.
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [s.customer.email for s, _ in paying] * 2
    )


def test_R_S9_the_withdrawal_job_run_twice_refunds_each_subscriber_once(order_admin, quarterly, on_20_march):
    plan, paying, *_ = quarterly
    with committed():
        withdrawal = withdrawals.start(plan, by=order_admin, reason="Series ended")
    withdraw_plan_task.call(withdrawal.pk)  # a second worker, a retry, "Run the job again"
    with committed():
        withdrawals.rerun(withdrawal)
    withdrawal.refresh_from_db()
    assert withdrawal.runs == 3
    for subscription, order in paying:
        assert stripe_refunds(order) == [3198]
        assert Refund.objects.filter(order=order).count() == 1
        assert SubscriptionRefund.objects.filter(subscription=subscription).count() == 1
        assert subscription.events.filter(action="cancel").count() == 1


def test_R_S9_a_refund_stripe_refused_is_sent_again_by_the_next_run_and_only_once(
    order_admin, quarterly, on_20_march, settings, localstripe
):
    plan, paying, *_ = quarterly
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe cannot be reached
    with committed():
        withdrawal = withdrawals.start(plan, by=order_admin, reason="Series ended")
    progress = withdrawals.progress(withdrawal)
    assert progress.remaining == 0 and progress.refunds_waiting == 2 and not progress.finished
    settings.STRIPE_API_BASE = localstripe
    assert all(stripe_refunds(order) == [] for _, order in paying)
    withdraw_plan_task.call(withdrawal.pk)
    withdraw_plan_task.call(withdrawal.pk)
    assert all(stripe_refunds(order) == [3198] for _, order in paying)
    assert withdrawals.progress(withdrawal).finished


def test_R_U2_the_withdrawal_pages_are_for_order_admins(client, customer, quarterly):
    plan, *_ = quarterly
    client.force_login(customer)
    response = client.post(
        reverse("dashboard:plan-withdraw", kwargs={"pk": plan.pk}), {"reason": "x", "confirm": "1"}
    )
    assert response.status_code in (302, 403)
    plan.refresh_from_db()
    assert not plan.is_withdrawn and not PlanWithdrawal.objects.exists()
