"""The order admins' subscriptions dashboard (R-U2, R-S5, R-S6, R-S9): the list, a subscription's
history, and the actions, each explained before it is confirmed, done through bookclub.lifecycle,
refunds through the shop's one refund mechanism to the original payment."""

from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from bookclub import lifecycle
from bookclub.lifecycle import Action
from bookclub.models import Plan, Subscription, SubscriptionEvent, SubscriptionMonth, SubscriptionRefund
from shop.payment.models import Refund
from tests.bookclub.conftest import london
from tests.bookclub.paid import paid_subscription, stripe_refunds
from tests.bookclub.states import REACHABLE, START, reach
from tests.commit import committed
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan, subscribe

pytestmark = pytest.mark.django_db
Kind = Plan.Kind
State = Subscription.State


@pytest.fixture
def clock():
    traveller = time_machine.travel(START, tick=False)
    yield traveller.start()
    traveller.stop()


@pytest.fixture
def admin_client(client, order_admin, clock):
    client.force_login(order_admin)
    return client


def _url(name, subscription):
    return reverse(f"dashboard:subscription-{name}", kwargs={"pk": subscription.pk})


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _confirm(client, url, data):
    """Post the form, check the confirmation page, then confirm (queued work runs on commit)."""
    page = client.post(url, data)
    assert page.status_code == 200 and "please confirm" in page.content.decode(), page.content[:3000]
    with committed():
        done = client.post(url, {**data, "confirm": "1"})
    return page, done


# ---------------------------------------------------------------------------------------------
# Who may see it (R-U2)
# ---------------------------------------------------------------------------------------------
def test_R_U2_order_admins_find_subscriptions_in_the_dashboard_menu_and_others_cannot_reach_them(
    client, clock, customer, order_admin
):
    subscription = subscribe(make_plan(Kind.PAY_MONTHLY), customer)
    urls = [
        reverse("dashboard:subscription-list"),
        _url("detail", subscription),
        _url("cancel", subscription),
        reverse("dashboard:plan-withdrawal-list"),
    ]
    for person in (customer, UserFactory(editor=True)):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code in (302, 403), (person, url)
    client.force_login(order_admin)
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("dashboard:subscription-list") in dashboard and "Withdraw a plan" in dashboard
    for url in urls:
        assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------------------------------------
# The list (R-U2)
# ---------------------------------------------------------------------------------------------
def test_R_U2_the_list_filters_by_plan_kind_and_state_and_finds_customers_by_email_or_name(admin_client):
    monthly, ebook = make_plan(Kind.PAY_MONTHLY), make_plan(Kind.EBOOK)
    ada = subscribe(monthly, UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace"))
    bob = subscribe(ebook, UserFactory(email="bob@example.com", first_name="Bob", last_name="Stone"))
    cy = subscribe(monthly, UserFactory(email="cy@example.org", first_name="Cy", last_name="Twombly"))
    lifecycle.suspend(cy, by=UserFactory(order_admin=True), reason="breach")

    def shown(**query):
        response = admin_client.get(reverse("dashboard:subscription-list"), query)
        assert response.status_code == 200
        return {s.pk for s in response.context["subscriptions"]}

    assert shown() == {ada.pk, bob.pk, cy.pk}
    assert shown(plan=monthly.pk) == {ada.pk, cy.pk}
    assert shown(kind=Kind.EBOOK) == {bob.pk}
    assert shown(state=State.SUSPENDED) == {cy.pk}
    assert shown(q="BOB@example") == {bob.pk}
    assert shown(q="ada lovelace") == {ada.pk}
    assert shown(q="example.org", state=State.ACTIVE) == set()
    assert shown(state="nonsense") == {ada.pk, bob.pk, cy.pk}  # a bad filter is ignored, never a 500


def test_R_U2_the_list_is_paginated_and_costs_the_same_queries_for_3_or_25_subscriptions(
    admin_client, django_assert_num_queries
):
    plan = make_plan(Kind.PAY_MONTHLY)
    for _ in range(3):
        subscribe(plan)
    url = reverse("dashboard:subscription-list")
    admin_client.get(url)  # the session and the menu's permissions, once
    with django_assert_num_queries(9):
        assert admin_client.get(url).status_code == 200
    for _ in range(24):
        subscribe(plan)
    with django_assert_num_queries(9):
        response = admin_client.get(url)
    assert len(response.context["subscriptions"]) == 25 and response.context["paginator"].num_pages == 2
    assert len(admin_client.get(url, {"page": 2}).context["subscriptions"]) == 2


# ---------------------------------------------------------------------------------------------
# The detail and its history (R-U2)
# ---------------------------------------------------------------------------------------------
def test_R_U2_the_detail_shows_every_state_change_who_made_it_and_why(admin_client, customer, order_admin):
    subscription = subscribe(make_plan(Kind.PAY_MONTHLY, title="Paperback Post"), customer)
    lifecycle.suspend(
        subscription, by=order_admin, reason="non_payment", note="Invoice 12 unpaid after reminder"
    )
    lifecycle.reinstate(subscription, by=order_admin, reason="Paid by bank transfer")
    page = admin_client.get(_url("detail", subscription)).content.decode()
    history = page[page.index('id="subscription-history"') :]
    for text in [
        "Joining began",
        "Contract formed (confirmation sent)",
        "Suspended",
        "Active → Suspended",
        "Non-payment after a reminder: Invoice 12 unpaid after reminder",
        "Suspension lifted",
        "Suspended → Active",
        "Paid by bank transfer",
        "An order admin",
        "orders@example.com",
        "The customer",
    ]:
        assert text in history, text
    assert "Cancel the subscription" in page and "Lift the suspension" not in page


# ---------------------------------------------------------------------------------------------
# Cancelling, with or without the pro-rata refund (R-S9, R-S5)
# ---------------------------------------------------------------------------------------------
def test_R_S9_an_admin_cancels_a_prepaid_plan_and_refunds_pro_rata_to_the_original_payment(
    client, order_admin, customer, localstripe, legal_documents_in_force, mailoutbox
):
    plan = make_plan(Kind.PREPAID, price="47.97", term_months=3, title="The Quarterly Shelf")
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription, order = paid_subscription(plan, customer, localstripe)
    with time_machine.travel(london(2026, 3, 20, 9, 0), tick=False):
        client.force_login(order_admin)
        data = {
            "reason": "customer_request",
            "note": "Moving abroad, asked by phone",
            "refund_pro_rata": "on",
        }
        page, done = _confirm(client, _url("cancel", subscription), data)
    effects = page.content.decode()
    assert "Paid in advance and not yet received: £31.98" in effects
    assert "2 of 3 months" in effects
    assert f"Refund: £31.98 to the card that paid order {order.number}" in effects
    assert "Confirm: cancel and refund £31.98" in effects
    assert done.status_code == 302 and "£31.98 refunded to their card" in " ".join(_messages(done))

    subscription.refresh_from_db()
    assert subscription.state == State.CANCELLED and subscription.cancellation_reason == "customer_request"
    assert stripe_refunds(order) == [3198]
    payback = SubscriptionRefund.objects.get(subscription=subscription)
    assert (payback.amount_due, payback.amount, payback.order_number) == (
        Decimal("31.98"),
        Decimal("31.98"),
        str(order.number),
    )
    assert payback.refund.status == Refund.Status.SUCCEEDED and payback.event.by == order_admin
    subjects = [message.subject for message in mailoutbox]
    assert len(subjects) == 2, subjects  # the cancellation (with the figure) and the refund
    cancellation = next(m for m in mailoutbox if "31.98" in m.body and "cancelled" in m.subject)
    assert cancellation.to == [customer.email]


def test_R_S9_without_the_refund_box_the_figure_is_shown_and_nothing_is_refunded(
    client, order_admin, customer, localstripe, legal_documents_in_force
):
    plan = make_plan(Kind.PREPAID, price="47.97", term_months=3)
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription, order = paid_subscription(plan, customer, localstripe)
    with time_machine.travel(london(2026, 4, 2, 9, 0), tick=False):
        client.force_login(order_admin)
        page, done = _confirm(
            client, _url("cancel", subscription), {"reason": "customer_request", "note": "Asked by letter"}
        )
    effects = page.content.decode()
    assert done.status_code == 302
    assert "Paid in advance and not yet received: £15.99" in effects and "No refund" in effects
    assert "Confirm: cancel the subscription" in effects
    assert stripe_refunds(order) == [] and not SubscriptionRefund.objects.exists()
    subscription.refresh_from_db()
    assert subscription.state == State.CANCELLED


def test_R_S9_an_ebook_plans_first_month_is_refunded_until_it_reaches_the_ebookshelf(
    client, order_admin, customer, localstripe, legal_documents_in_force
):
    plan = make_plan(Kind.EBOOK, price="3.99", default_titles=2)
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription, order = paid_subscription(plan, customer, localstripe)
        client.force_login(order_admin)
        data = {
            "reason": "non_payment",
            "note": "Card declined twice after reminder",
            "refund_pro_rata": "on",
        }
        page, _ = _confirm(client, _url("cancel", subscription), data)
    assert "Confirm: cancel and refund £7.98" in page.content.decode()
    assert stripe_refunds(order) == [798]


def test_R_S5_an_admin_cancels_a_pay_monthly_plan_for_misuse_of_the_discount_giving_a_reason(
    admin_client, customer, mailoutbox
):
    subscription = subscribe(make_plan(Kind.PAY_MONTHLY, price="15.99"), customer)
    url = _url("cancel", subscription)
    form = admin_client.get(url).content.decode()
    assert "Misuse of the first-order discount" in form
    missing = admin_client.post(url, {"note": "Third account at the same address"})
    assert missing.status_code == 200 and "This field is required" in missing.content.decode()
    page, done = _confirm(
        admin_client, url, {"reason": "misuse_of_discount", "note": "Third account at the same address"}
    )
    assert "Invoices for parcels already delivered remain payable" in page.content.decode()
    assert "Subscription cancelled" in " ".join(_messages(done))
    subscription.refresh_from_db()
    assert subscription.state == State.CANCELLED
    assert subscription.cancellation_reason == "misuse_of_discount"
    event = subscription.events.get(action="cancel")
    assert event.note == "Third account at the same address" and event.details["refund_due"] == "0.00"
    assert "Misuse of the first-order discount" in mailoutbox[-1].body


def test_R_S5_misuse_of_the_discount_is_no_ground_on_a_plan_without_the_discount(admin_client, customer):
    subscription = subscribe(make_plan(Kind.EBOOK), customer)
    url = _url("cancel", subscription)
    assert "Misuse of the first-order discount" not in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"reason": "misuse_of_discount", "note": "x", "confirm": "1"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == State.ACTIVE


def test_R_S5_an_admin_suspends_for_misuse_then_lifts_the_suspension(admin_client, customer, mailoutbox):
    subscription = subscribe(make_plan(Kind.PAY_MONTHLY), customer)
    page, _ = _confirm(
        admin_client, _url("suspend", subscription), {"reason": "misuse_of_discount", "note": "Two accounts"}
    )
    assert "Nothing is refunded" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == State.SUSPENDED and subscription.suspension_reason == "misuse_of_discount"
    page, _ = _confirm(admin_client, _url("reinstate", subscription), {"note": "Explained: one household"})
    assert "Orders form and are charged again from April 2026" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == State.ACTIVE
    assert [m.subject for m in mailoutbox] == [
        f"Your {subscription.plan.name} subscription is suspended",
        f"Your {subscription.plan.name} subscription is running again",
    ]


# ---------------------------------------------------------------------------------------------
# Months ahead for the customer (R-S6, R-S7)
# ---------------------------------------------------------------------------------------------
def test_R_S6_an_admin_skips_a_future_month_for_the_customer_after_seeing_its_charge(
    admin_client, customer, mailoutbox
):
    subscription = subscribe(make_plan(Kind.PAY_MONTHLY, price="15.99"), customer)
    detail = admin_client.get(_url("detail", subscription)).content.decode()
    assert "April 2026" in detail and 'value="skip"' in detail
    page, done = _confirm(
        admin_client,
        _url("month", subscription),
        {"month": "2026-04-01", "change": "skip", "note": "On holiday"},
    )
    assert "No order and no charge for April 2026 (now £15.99)" in page.content.decode()
    assert "until 23:59 on 31 March 2026" in page.content.decode()
    assert "April 2026 changed" in " ".join(_messages(done))
    assert SubscriptionMonth.objects.get(subscription=subscription, month="2026-04-01").skipped
    assert "April 2026" in mailoutbox[-1].body


def test_R_S7_an_admin_changes_an_ebook_months_titles_with_the_new_charge_shown(admin_client, customer):
    subscription = subscribe(make_plan(Kind.EBOOK, price="3.99", default_titles=2), customer)
    page, _ = _confirm(
        admin_client, _url("month", subscription), {"month": "2026-05-01", "change": "titles", "titles": "4"}
    )
    assert "May 2026 brings 4 titles for £15.96 (now £7.98)" in page.content.decode()
    assert SubscriptionMonth.objects.get(subscription=subscription, month="2026-05-01").ebook_titles == 4


# ---------------------------------------------------------------------------------------------
# Every transition not allowed is refused with a clear message (the transition table)
# ---------------------------------------------------------------------------------------------
ADMIN_VIEWS = {
    Action.CANCEL: ("cancel", {"reason": "breach", "note": "x"}),
    Action.SUSPEND: ("suspend", {"reason": "breach", "note": "x"}),
    Action.REINSTATE: ("reinstate", {"note": "x"}),
    Action.SKIP_MONTH: ("month", {"month": "2026-04-01", "change": "skip"}),
}


def test_every_admin_action_not_allowed_is_refused_with_a_clear_message_and_changes_nothing(
    admin_client, clock, customer, order_admin
):
    refused = 0
    for kind, states in REACHABLE.items():
        for state in states:
            clock.move_to(START)
            subscription = reach(kind, state, clock=clock, customer=customer, admin=order_admin)
            admin_client.force_login(order_admin)  # time may have moved on with the state
            for action, (name, data) in ADMIN_VIEWS.items():
                why_not = lifecycle.refusal(subscription, action, lifecycle.Actor.ADMIN)
                if not why_not:
                    continue
                history = SubscriptionEvent.objects.filter(subscription=subscription).count()
                shown = admin_client.get(_url("detail", subscription)).content.decode()
                assert f'href="{_url(name, subscription)}"' not in shown, (kind, state, action)
                for response in (
                    admin_client.get(_url(name, subscription)),
                    admin_client.post(_url(name, subscription), {**data, "confirm": "1"}),
                ):
                    assert response.status_code == 302, (kind, state, action)
                    assert why_not in _messages(response), (kind, state, action)
                subscription.refresh_from_db()
                assert subscription.state == state
                assert SubscriptionEvent.objects.filter(subscription=subscription).count() == history
                refused += 1
            customer = UserFactory()
    assert refused >= 30  # every kind, every state, every admin action the table forbids
    assert "You cannot suspend a subscription to a pre-paid plan." in {
        lifecycle.refusal(
            reach(Kind.PREPAID, State.ACTIVE, clock=clock, customer=customer, admin=order_admin),
            Action.SUSPEND,
            lifecycle.Actor.ADMIN,
        )
    }


def test_a_second_confirmation_of_the_same_cancellation_is_refused_not_done_twice(admin_client, customer):
    subscription = subscribe(make_plan(Kind.PAY_MONTHLY), customer)
    data = {"reason": "breach", "note": "x", "confirm": "1"}
    with committed():
        admin_client.post(_url("cancel", subscription), data)
        again = admin_client.post(_url("cancel", subscription), data)
    assert "You cannot cancel a subscription that is cancelled." in _messages(again)
    assert subscription.events.filter(action="cancel").count() == 1
