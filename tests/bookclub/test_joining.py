"""Joining a plan through its screens (R-S1, R-S3..S6, R-D3, R-L5, R-P5), Stripe in localstripe."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from bookclub import lifecycle
from bookclub.models import JoiningPayment, Plan, Subscription, SubscriptionEmail, SubscriptionOrder
from shop.order.acceptance import accepted_versions
from shop.payment import stripe_api
from tests.bookclub.conftest import london
from tests.bookclub.joining_steps import (
    ADDRESS,
    about_you,
    agree_and_join,
    countries,
    join_plan,
    pending,
    review,
    save_card,
)
from tests.commit import committed
from tests.factories import UserFactory
from tests.factories.bookclub import join, make_plan, uk_address
from tests.shop.checkout.helpers import authenticate_3ds

OrderDiscount = get_model("order", "OrderDiscount")

pytestmark = [pytest.mark.usefixtures("legal_documents_in_force")]

MARCH_10 = london(2027, 3, 10, 11, 0)


@pytest.fixture(autouse=True)
def _march(db):
    countries()
    with time_machine.travel(MARCH_10, tick=False):
        yield


@pytest.fixture
def reader(client):
    person = UserFactory(email="ada.reader@example.com", first_name="Ada")
    client.force_login(person)
    return person


def first_order(subscription):
    return SubscriptionOrder.objects.select_related("order").get(subscription=subscription).order


def confirmation_email(subscription):
    sent = SubscriptionEmail.objects.get(
        event__subscription=subscription, code="BOOKCLUB_SUBSCRIPTION_CONFIRMED"
    )
    assert sent.sent_at is not None
    return next(m for m in mail.outbox if "confirm" in m.subject.lower())


# ---------------------------------------------------------------------------------------------
# Each kind of plan
# ---------------------------------------------------------------------------------------------
def test_R_S3_R_L5_prepaid_pays_the_term_now_saves_the_card_and_confirms(client, localstripe, reader):
    plan = make_plan(Plan.Kind.PREPAID, title="Paperback Quarter", price="47.97", term_months=3)
    subscription, response = join_plan(client, localstripe, reader, plan)

    assert response.status_code == 302 and response.url == reverse(
        "bookclub:joined", kwargs={"pk": subscription.pk}
    )
    assert subscription.state == Subscription.State.ACTIVE
    assert (subscription.first_period, subscription.renews_on) == (date(2027, 3, 1), date(2027, 6, 1))
    assert subscription.term_price == Decimal("47.97") and subscription.auto_renew
    assert subscription.card_label == "Visa ending 4242" and subscription.card_fingerprint
    assert subscription.delivery_address.postcode == "OX1 2AB"
    order = first_order(subscription)
    assert order.total_incl_tax == Decimal("47.97")
    assert order.shipping_address.line1 == "1 Library Lane"
    source = order.sources.get()
    intent = stripe_api.retrieve_payment_intent(source.reference)
    assert intent.status == "succeeded" and intent.amount == 4797
    assert intent.customer == subscription.stripe_customer_id
    assert accepted_versions(order) is not None  # R-L3: the Terms accepted, as the checkout records it
    email = confirmation_email(subscription)
    assert "Paperback Quarter" in email.subject or "Paperback Quarter" in email.body
    assert "£47.97" in email.body and "renews automatically on 1 June 2027" in email.body
    assert email.alternatives and "<" in email.alternatives[0][0]  # HTML and text

    page = client.get(response.url)
    assert "Welcome to Paperback Quarter" in page.content.decode()


def test_R_S5_R_S6_pay_monthly_takes_no_payment_and_invoices_the_first_parcel_at_half_price(
    client, localstripe, reader
):
    plan = make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post", price="15.99")
    about_you(client, plan)
    subscription = pending(reader, plan)
    assert client.get(reverse("bookclub:join-card", kwargs={"pk": subscription.pk})).status_code == 200
    page = review(client, subscription).content.decode()
    assert "Total monthly cost: £15.99" in page
    assert "half price: <strong>£7.99</strong>" in page
    assert "Join Paperback Post" in page  # no payment now

    response = agree_and_join(client, subscription)
    subscription.refresh_from_db()
    assert response.status_code == 302
    assert subscription.state == Subscription.State.ACTIVE and subscription.first_order_discount
    order = first_order(subscription)
    assert order.total_incl_tax == Decimal("7.99")  # £15.99 less £8.00, the half-penny the customer's
    assert OrderDiscount.objects.get(order=order).amount == Decimal("8.00")
    assert not order.sources.exists()  # invoiced after delivery (R-P3), nothing taken now
    assert not JoiningPayment.objects.exists()
    email = confirmation_email(subscription)
    assert "Total monthly cost: £15.99" in email.body  # R-S6
    assert "half price: £7.99" in email.body


def test_R_P5_ebook_saves_the_card_with_a_setup_intent_and_first_titles_arrive_next_month(
    client, localstripe, reader
):
    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf", price="3.99")
    response = about_you(client, plan, ebook_titles="3")
    subscription = pending(reader, plan)
    assert response.url == reverse("bookclub:join-card", kwargs={"pk": subscription.pk})
    assert review(client, subscription).status_code == 302  # no review before the card is saved
    save_card(client, localstripe, subscription)
    subscription.refresh_from_db()
    method = stripe_api.retrieve_payment_method(subscription.stripe_payment_method_id)
    assert method.customer == subscription.stripe_customer_id  # ready for off-session charges
    agree_and_join(client, subscription)
    subscription.refresh_from_db()

    assert subscription.state == Subscription.State.ACTIVE
    assert subscription.first_period == date(2027, 4, 1) and subscription.ebook_titles == 3
    order = first_order(subscription)
    assert order.total_incl_tax == Decimal("11.97")
    assert SubscriptionOrder.objects.get(order=order).month == date(2027, 4, 1)
    assert "on your eBookshelf on 1 April 2027" in confirmation_email(subscription).body


def test_R_P5_3d_secure_at_setup_and_at_payment_then_joined(client, localstripe, reader):
    plan = make_plan(Plan.Kind.PREPAID, title="Paperback Quarter", price="47.97", term_months=3)
    about_you(client, plan)
    subscription = pending(reader, plan)
    save_card(client, localstripe, subscription, card="3ds")
    challenge = agree_and_join(client, subscription)
    assert challenge.status_code == 200 and "Confirm the payment with your bank" in challenge.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.PENDING  # nothing formed before the bank says yes

    authenticate_3ds(localstripe, challenge.context["client_secret"])
    with committed():
        response = client.get(challenge.context["return_url"])
    subscription.refresh_from_db()
    assert response.url == reverse("bookclub:joined", kwargs={"pk": subscription.pk})
    assert subscription.state == Subscription.State.ACTIVE
    assert first_order(subscription).total_incl_tax == Decimal("47.97")


def test_a_failed_bank_check_leaves_the_reader_joining_with_nothing_charged(client, localstripe, reader):
    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf", price="3.99")
    about_you(client, plan)
    subscription = pending(reader, plan)
    save_card(client, localstripe, subscription, card="3ds")
    challenge = agree_and_join(client, subscription)
    authenticate_3ds(localstripe, challenge.context["client_secret"], success=False)
    response = client.get(challenge.context["return_url"])
    subscription.refresh_from_db()
    assert response.url == reverse("bookclub:join-review", kwargs={"pk": subscription.pk})
    assert subscription.state == Subscription.State.PENDING
    assert JoiningPayment.objects.get().status == JoiningPayment.Status.FAILED
    assert not SubscriptionOrder.objects.exists()


# ---------------------------------------------------------------------------------------------
# Who may join (R-S1, R-D3) and signing in first
# ---------------------------------------------------------------------------------------------
def test_plans_need_an_account_so_a_visitor_is_sent_to_sign_in_or_register(client, db):
    plan = make_plan(Plan.Kind.EBOOK)
    response = client.get(reverse("bookclub:join", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 302 and response.url.startswith(reverse("customer:login"))
    assert "next=/club/plans/" in response.url


def test_R_S1_a_17_year_old_is_refused_and_told_when_they_may_join(client, localstripe, reader):
    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf")
    response = about_you(client, plan, born=date(2009, 3, 11))  # 18 tomorrow
    assert response.status_code == 400
    assert "for readers aged 18 or over" in response.context["error"]
    assert "11 March 2027" in response.context["error"]
    assert not Subscription.objects.exists()
    assert about_you(client, plan, born=date(2009, 3, 10)).status_code == 302  # 18 today


def test_R_S1_a_physical_plan_needs_the_uk_residence_declaration(client, localstripe, reader):
    plan = make_plan(Plan.Kind.PAY_MONTHLY)
    response = about_you(client, plan, uk_resident=False)
    assert response.status_code == 400 and "UK residents only" in response.context["error"]
    assert not Subscription.objects.exists()


def test_R_D3_an_address_in_france_is_refused_for_a_physical_plan(client, localstripe, reader):
    plan = make_plan(Plan.Kind.PAY_MONTHLY)
    france = {**ADDRESS, "address-line4": "Paris", "address-postcode": "75001", "address-country": "FR"}
    response = about_you(client, plan, address=france)
    assert response.status_code == 400
    assert "we cannot post a plan's books to France" in response.context["error"]
    assert not Subscription.objects.exists()


def test_R_D3_an_address_book_entry_abroad_is_refused_a_uk_one_is_copied(client, localstripe, reader):
    UserAddress = get_model("address", "UserAddress")
    Country = get_model("address", "Country")
    paris = UserAddress.objects.create(
        user=reader,
        first_name="Ada",
        last_name="R",
        line1="1 Rue X",
        line4="Paris",
        postcode="75001",
        country=Country.objects.get(pk="FR"),
    )
    bath = UserAddress.objects.create(
        user=reader,
        first_name="Ada",
        last_name="R",
        line1="2 High Street",
        line4="Bath",
        postcode="BA1 1AA",
        country=Country.objects.get(pk="GB"),
    )
    plan = make_plan(Plan.Kind.PREPAID)
    assert about_you(client, plan, address_choice=str(paris.pk)).status_code == 400
    assert about_you(client, plan, address_choice=str(bath.pk)).status_code == 302
    subscription = pending(reader, plan)
    assert subscription.delivery_address.line1 == "2 High Street"
    bath.delete()  # the plan keeps its own copy
    subscription.refresh_from_db()
    assert subscription.delivery_address.postcode == "BA1 1AA"


def test_a_closed_plan_takes_nobody(client, localstripe, reader):
    from bookclub import plans

    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf")
    plans.close_to_new_members(plan)
    response = about_you(client, plan)
    assert response.status_code == 200 and "not taking new members" in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_terms_box_and_the_declarations_must_be_ticked(client, localstripe, reader):
    plan = make_plan(Plan.Kind.PAY_MONTHLY)
    about_you(client, plan)
    subscription = pending(reader, plan)
    assert agree_and_join(client, subscription, agree=False).status_code == 400
    assert agree_and_join(client, subscription, declare=False).status_code == 400
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.PENDING


def test_another_readers_joining_is_not_found(client, localstripe, reader):
    plan = make_plan(Plan.Kind.PAY_MONTHLY)
    someone = UserFactory()
    other = join(plan, someone)
    assert review(client, other).status_code == 404
    assert agree_and_join(client, other).status_code == 404


# ---------------------------------------------------------------------------------------------
# Once only: two tabs, a double press, the discount (R-S5)
# ---------------------------------------------------------------------------------------------
def test_two_tabs_joining_the_same_plan_make_one_subscription_and_one_charge(client, localstripe, reader):
    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf", price="3.99")
    assert about_you(client, plan).status_code == 302
    assert about_you(client, plan, ebook_titles="4").status_code == 302  # the second tab
    subscription = pending(reader, plan)
    assert Subscription.objects.count() == 1 and subscription.ebook_titles == 4
    save_card(client, localstripe, subscription)
    first = agree_and_join(client, subscription)
    second = agree_and_join(client, subscription)  # the other tab presses Join too
    assert first.url == second.url == reverse("bookclub:joined", kwargs={"pk": subscription.pk})
    assert JoiningPayment.objects.count() == 1 and SubscriptionOrder.objects.count() == 1
    assert about_you(client, plan).status_code == 400  # already a member


def test_R_S5_the_discount_is_once_per_person_across_rejoining_a_second_account_and_an_address(
    client, localstripe, reader
):
    plan = make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post", price="15.99")
    subscription, _ = join_plan(client, localstripe, reader, plan)
    assert first_order(subscription).total_incl_tax == Decimal("7.99")

    # Cancelled, then joined again: full price.
    lifecycle.cancel(subscription, by=reader, reason=Subscription.CancellationReason.CUSTOMER_REQUEST)
    again, _ = join_plan(client, localstripe, reader, plan)
    assert again.pk != subscription.pk and not again.first_order_discount
    assert first_order(again).total_incl_tax == Decimal("15.99")

    # A second account with the same email written differently: full price.
    twin = UserFactory(email="Ada.Reader+club@example.com")
    client.force_login(twin)
    about_you(
        client, plan, address={**ADDRESS, "address-line1": "9 Other Road", "address-postcode": "OX2 6AA"}
    )
    page = review(client, pending(twin, plan)).content.decode()
    assert "half price" not in page

    # Someone else at the same address ("Lane" written "Ln"): full price.
    neighbour = UserFactory(email="sam@example.org")
    client.force_login(neighbour)
    about_you(client, plan, address={**ADDRESS, "address-line1": "1 Library Ln."})
    neighbour_subscription = pending(neighbour, plan)
    agree_and_join(client, neighbour_subscription)
    neighbour_subscription.refresh_from_db()
    assert neighbour_subscription.state == Subscription.State.ACTIVE
    assert first_order(neighbour_subscription).total_incl_tax == Decimal("15.99")


def test_R_S5_the_same_card_in_a_second_account_earns_no_second_discount(localstripe, db):
    """Pay-monthly paperbacks take no card at joining, so the card rule bites when a card was
    saved: the ledger is matched on Stripe's fingerprint of the card."""
    from bookclub import discounts

    plan = make_plan(Plan.Kind.PAY_MONTHLY)
    first = join(plan, UserFactory(email="one@example.com"))
    Subscription.objects.filter(pk=first.pk).update(card_fingerprint="fp_same_card")
    assert discounts.claim(first)
    second_person = UserFactory(email="two@example.net")
    assert not discounts.is_eligible_for_first_order_discount(
        second_person,
        plan=plan,
        delivery_address=uk_address(line1="5 Far Away", postcode="EH1 1AA"),
        card_fingerprint="fp_same_card",
    )


def test_R_S4_the_first_order_is_an_order_of_its_own_and_the_shop_basket_is_untouched(
    client, localstripe, reader
):
    from tests.factories.catalogue import make_book

    book, _ = make_book(ebook=False)
    client.post(reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 1})
    plan = make_plan(Plan.Kind.PAY_MONTHLY)
    subscription, _ = join_plan(client, localstripe, reader, plan)
    order = first_order(subscription)
    assert [line.product_id for line in order.lines.all()] == [plan.product_id]
    basket = client.get(reverse("basket:summary")).context["basket"]
    assert [line.product_id for line in basket.all_lines()] == [book.pk]


# ---------------------------------------------------------------------------------------------
# The webhook (R-P2): joining finishes even if the browser never comes back, and only once
# ---------------------------------------------------------------------------------------------
def test_R_P2_the_webhook_finishes_joining_when_the_browser_never_returns(
    client, localstripe, reader, settings
):
    from shop.payment import events
    from shop.payment.models import StripeEvent
    from tests.shop.payment.test_webhooks import event, post_event, signed

    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf", price="3.99")
    about_you(client, plan)
    subscription = pending(reader, plan)
    save_card(client, localstripe, subscription, card="3ds")
    challenge = agree_and_join(client, subscription)
    authenticate_3ds(localstripe, challenge.context["client_secret"])  # ...and the tab is closed
    intent_id = JoiningPayment.objects.get().payment_intent_id

    body = event("evt_join_1", "payment_intent.succeeded", intent_id)
    body["data"]["object"]["metadata"] = {"purpose": "bookclub-join"}
    assert post_event(client, signed(settings, body)).status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE
    assert (
        StripeEvent.objects.get(stripe_id="evt_join_1").outcome == f"joined: subscription {subscription.pk}"
    )
    assert (
        events.handler_for("payment_intent.succeeded", "bookclub-join").__module__
        == "bookclub.webhook_handlers"
    )

    with committed():  # the browser comes back after all: the same subscription, one order
        response = client.get(challenge.context["return_url"])
    assert response.url == reverse("bookclub:joined", kwargs={"pk": subscription.pk})
    assert SubscriptionOrder.objects.count() == 1
    assert SubscriptionEmail.objects.filter(code="BOOKCLUB_SUBSCRIPTION_CONFIRMED").count() == 1


def test_R_S4_a_plan_cannot_be_put_in_a_basket_beside_other_goods(client, localstripe, reader):
    from tests.factories.catalogue import make_book

    book, _ = make_book(ebook=False)
    plan = make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post")
    client.post(reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 1})
    client.post(reverse("basket:add", kwargs={"pk": plan.product_id}), {"quantity": 1})
    basket = client.get(reverse("basket:summary")).context["basket"]
    assert [line.product_id for line in basket.all_lines()] == [book.pk]
