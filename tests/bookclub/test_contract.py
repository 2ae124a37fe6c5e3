"""R-L5, R-S3, R-P5: joining leaves no contract until the confirmation; pre-paid and eBook plans
need the saved card first; the confirmation states what the plan costs each month (R-S6)."""

import pytest
import time_machine

from bookclub import lifecycle
from bookclub.exceptions import NotAllowed
from bookclub.models import Plan, SubscriptionEmail
from tests.bookclub.conftest import london
from tests.factories import UserFactory
from tests.factories.bookclub import adult, join, make_plan, save_card, uk_address

pytestmark = pytest.mark.django_db
Kind = Plan.Kind


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.mark.parametrize("kind", [Kind.PREPAID, Kind.EBOOK])
def test_R_P5_R_S3_a_plan_charged_to_a_card_cannot_start_without_the_saved_card(customer, kind):
    subscription = join(make_plan(kind), customer)
    with pytest.raises(NotAllowed, match="save a card first"):
        lifecycle.confirm(subscription)
    save_card(subscription)
    assert lifecycle.confirm(subscription).subscription.state == "active"
    assert subscription.card_label == "Visa ending 4242" and subscription.stripe_customer_id


def test_R_L5_R_S3_the_contract_forms_with_the_confirmation_and_not_before(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    plan = make_plan(Kind.PREPAID, price="47.97", term_months=3)
    with django_capture_on_commit_callbacks(execute=True):
        subscription = save_card(join(plan, customer))
    assert subscription.state == "pending" and subscription.started_at is None and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        outcome = lifecycle.confirm(subscription, order_number="100123")
    assert subscription.started_at == london(2026, 3, 10, 12, 0)
    assert outcome.email == "BOOKCLUB_SUBSCRIPTION_CONFIRMED"
    (mail,) = mailoutbox
    assert "order 100123" in mail.body and "You have paid £47.97 for 3 months" in mail.body
    assert SubscriptionEmail.objects.get(event=outcome.event).sent_at is not None


def test_R_S6_the_pay_monthly_confirmation_states_the_total_monthly_cost(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.confirm(join(make_plan(Kind.PAY_MONTHLY, price="15.99", books_per_month=2), customer))
    (mail,) = mailoutbox
    assert "Total monthly cost: £15.99 for 2 paperbacks a month" in mail.body
    assert "Your first order is at half price: £7.99" in mail.body


def test_two_tabs_joining_the_same_plan_make_one_subscription(customer):
    plan = make_plan(Kind.PAY_MONTHLY)
    first = lifecycle.join(plan, by=customer, declaration=adult(), delivery_address=uk_address())
    second = lifecycle.join(
        plan, by=customer, declaration=adult(), delivery_address=uk_address(line1="3 Elm Row")
    )
    assert second.subscription.pk == first.subscription.pk and second.event is None
    assert second.subscription.delivery_address.line1 == "3 Elm Row"
    assert customer.subscriptions.count() == 1
    lifecycle.confirm(second.subscription)
    with pytest.raises(NotAllowed, match="already belong to"):
        lifecycle.join(plan, by=customer, declaration=adult(), delivery_address=uk_address())


def test_joining_needs_an_account_and_an_open_plan(customer):
    from django.contrib.auth.models import AnonymousUser

    from bookclub import plans

    plan = make_plan(Kind.EBOOK)
    with pytest.raises(NotAllowed, match="sign in"):
        lifecycle.join(plan, by=AnonymousUser(), declaration=adult())
    plans.close_to_new_members(plan)
    with pytest.raises(NotAllowed, match="not taking new members"):
        lifecycle.join(plan, by=customer, declaration=adult())
    plans.reopen_to_new_members(plan)
    assert (
        lifecycle.join(plan, by=customer, declaration=adult(), ebook_titles=4).subscription.ebook_titles == 4
    )


def test_a_plan_withdrawn_while_someone_was_joining_cannot_be_confirmed():
    from bookclub import plans

    plan = make_plan(Kind.PAY_MONTHLY)
    subscription = join(plan, UserFactory())
    plans.withdraw(plan)
    with pytest.raises(NotAllowed, match="withdrawn"):
        lifecycle.confirm(subscription)
    lifecycle.abandon(subscription)
    assert subscription.state == "abandoned"
