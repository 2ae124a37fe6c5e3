"""My Account → Subscriptions (R-S3, R-S6, R-S7, R-S8): each plan, its months and orders, and the
changes the terms allow, each explained before it is confirmed and emailed afterwards."""

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookclub import lifecycle
from bookclub.models import Plan, Subscription, SubscriptionEmail, SubscriptionMonth
from tests.bookclub.conftest import london
from tests.bookclub.joining_steps import confirm_card_setup, countries, join_plan
from tests.commit import committed
from tests.factories import UserFactory, make_book
from tests.factories.bookclub import make_plan, plan_page, selection, subscribe

pytestmark = [pytest.mark.usefixtures("legal_documents_in_force")]

MARCH, APRIL = date(2027, 3, 1), date(2027, 4, 1)
PASSWORD = "a long enough password 42"


@pytest.fixture(autouse=True)
def _march(db):
    countries()
    with time_machine.travel(london(2027, 3, 10, 11, 0), tick=False):
        yield


@pytest.fixture
def reader(client):
    person = UserFactory(email="ada.reader@example.com", first_name="Ada")
    person.set_password(PASSWORD)
    person.save()
    client.force_login(person)
    return person


def detail_url(subscription) -> str:
    return reverse("bookclub:subscription", kwargs={"pk": subscription.pk})


def action_url(subscription, action, **query) -> str:
    url = reverse("bookclub:subscription-action", kwargs={"pk": subscription.pk, "action": action})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def html(response) -> str:
    """The page's text, tags dropped and entities read, one space between words."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def sent_codes(subscription) -> list[str]:
    return list(
        SubscriptionEmail.objects.filter(event__subscription=subscription, sent_at__isnull=False)
        .order_by("pk")
        .values_list("code", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# What the section shows
# ---------------------------------------------------------------------------------------------
def test_R_S6_the_subscriptions_tab_lists_each_plan_with_its_state_and_what_comes_next(client, reader):
    prepaid = subscribe(make_plan(Plan.Kind.PREPAID, title="Paperback Quarter"), reader)
    monthly = subscribe(make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post"), reader)
    ebook = subscribe(make_plan(Plan.Kind.EBOOK, title="Pocket Shelf"), reader)
    lifecycle.cancel(ebook, by=reader, reason=Subscription.CancellationReason.CUSTOMER_REQUEST)

    page = html(client.get(reverse("bookclub:subscriptions")))
    assert 'href="/accounts/subscriptions/"' in client.get(reverse("customer:profile-view")).content.decode()
    assert "Paperback Quarter" in page and "Renews on 1 June 2027, charged to your saved card." in page
    assert "Paperback Post" in page and "Your next parcel's order: 1 April 2027." in page
    assert "Pocket Shelf" in page and "Cancelled. You can resume it until 8 June 2027." in page
    assert prepaid.card_label in page and monthly.plan.name in page


def test_R_S6_a_plan_shows_this_and_next_months_picks_charges_and_its_orders(client, localstripe, reader):
    plan = make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post", price="15.99", books_per_month=2)
    page = plan_page(plan)
    march = [make_book(title=t, ebook=False)[0] for t in ("The Saltmarsh Letters", "Orchard Weather")]
    april = [make_book(title=t, ebook=False)[0] for t in ("A Lantern in Fog", "North Road")]
    selection(page, MARCH, march)
    selection(page, APRIL, april)
    subscription, _ = join_plan(client, localstripe, reader, plan)

    response = client.get(detail_url(subscription))
    text = html(response)
    assert response.status_code == 200
    assert "Total monthly cost £15.99 a month" in text
    assert "March 2027" in text and "2 paperbacks, £7.99 (half price)" in text
    assert "The Saltmarsh Letters" in text and "A Lantern in Fog" in text
    assert "April 2027" in text and "2 paperbacks, £15.99" in text
    assert "until 23:59 on 31 March 2027 (London time)" in text
    order = subscription.orders.get().order
    assert f"Order {order.number}" in text and "Invoices to pay" in text
    assert "Skip April" in text and "Skip March" not in text  # March's order has formed


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_my_account_subscriptions_query_counts_are_pinned(client, reader):
    ebook_plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf")
    one = subscribe(ebook_plan, reader)
    client.get(reverse("bookclub:subscriptions"))  # the session and the site's settings, once
    list_one = queries(client, reverse("bookclub:subscriptions"))
    detail = queries(client, detail_url(one))
    for kind in (Plan.Kind.PREPAID, Plan.Kind.PAY_MONTHLY):
        subscribe(make_plan(kind), reader)
    list_three = queries(client, reverse("bookclub:subscriptions"))
    assert (list_one, list_three, detail) == (8, 8, 10)


def test_another_readers_subscription_is_not_found(client, reader):
    theirs = subscribe(make_plan(Plan.Kind.EBOOK), UserFactory())
    assert client.get(detail_url(theirs)).status_code == 404
    assert client.post(action_url(theirs, "cancel")).status_code == 404
    assert client.get(reverse("bookclub:subscription", kwargs={"pk": 999999})).status_code == 404


def test_a_change_that_does_not_exist_is_refused_without_an_error_page(client, reader):
    subscription = subscribe(make_plan(Plan.Kind.EBOOK), reader)
    response = client.get(action_url(subscription, "explode"))
    assert response.status_code == 302 and response.url == detail_url(subscription)
    response = client.post(action_url(subscription, "skip", month="not-a-month"))
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# Changes: explained, confirmed, emailed
# ---------------------------------------------------------------------------------------------
def test_R_S3_switching_renewal_off_is_explained_then_done_and_emailed(client, reader):
    subscription = subscribe(make_plan(Plan.Kind.PREPAID, title="Paperback Quarter"), reader)
    explained = html(client.get(action_url(subscription, "renewal-off")))
    assert "Switch off automatic renewal of Paperback Quarter" in explained
    assert "Nothing will be charged on 1 June 2027." in explained
    assert "until 23:59 on 31 May 2027 (London time)" in explained
    subscription.refresh_from_db()
    assert subscription.auto_renew  # nothing changes before the confirmation

    with committed():
        response = client.post(action_url(subscription, "renewal-off"))
    subscription.refresh_from_db()
    assert response.url == detail_url(subscription) and not subscription.auto_renew
    assert sent_codes(subscription)[-1] == "BOOKCLUB_AUTO_RENEWAL_CHANGED"
    page = html(client.get(detail_url(subscription)))
    assert "Switch automatic renewal on" in page and "Ends after May 2027" in page


def test_R_S6_skipping_next_month_and_keeping_it_after_all(client, reader):
    subscription = subscribe(make_plan(Plan.Kind.PAY_MONTHLY, price="15.99"), reader)
    explained = html(client.get(action_url(subscription, "skip", month="2027-04")))
    assert "No order and no charge for April 2027 (instead of £15.99)." in explained
    with committed():
        client.post(action_url(subscription, "skip"), {"month": "2027-04"})
    assert SubscriptionMonth.objects.get(subscription=subscription, month=APRIL).skipped
    assert "Keep April after all" in html(client.get(detail_url(subscription)))
    with committed():
        client.post(action_url(subscription, "restore"), {"month": "2027-04"})
    assert not SubscriptionMonth.objects.get(subscription=subscription, month=APRIL).skipped
    assert sent_codes(subscription)[-2:] == ["BOOKCLUB_MONTH_CHANGED", "BOOKCLUB_MONTH_CHANGED"]


def test_R_S6_a_prepaid_plan_offers_no_cancel_and_no_skip(client, reader):
    subscription = subscribe(make_plan(Plan.Kind.PREPAID), reader)
    page = html(client.get(detail_url(subscription)))
    assert "Cancel my plan" not in page and "Skip April" not in page
    response = client.post(action_url(subscription, "skip"), {"month": "2027-04"})
    assert response.status_code == 302
    assert not SubscriptionMonth.objects.exists()


@pytest.mark.parametrize(
    ("month", "last_second", "first_second", "new_charge"),
    [
        # Spring: the clocks go forward on 28 March 2027; April's cut-off is 23:59:59 BST.
        ("2027-04", london(2027, 3, 31, 23, 59, 59), london(2027, 4, 1, 0, 0, 0), "£15.96"),
        # Autumn: back on 31 October 2027; November's cut-off is 23:59:59 GMT.
        ("2027-11", london(2027, 10, 31, 23, 59, 59), london(2027, 11, 1, 0, 0, 0), "£15.96"),
    ],
)
def test_R_S7_ebook_count_change_accepted_at_235959_london_and_refused_at_midnight_across_a_clock_change(
    client, reader, month, last_second, first_second, new_charge
):
    subscription = subscribe(make_plan(Plan.Kind.EBOOK, title="Pocket Shelf", price="3.99"), reader)
    year, number = (int(part) for part in month.split("-"))
    the_month = date(year, number, 1)
    with time_machine.travel(last_second, tick=False):
        # The subscription's months up to this one have formed, as the monthly run would leave them.
        Subscription.objects.filter(pk=subscription.pk).update(next_order_on=the_month)
        client.force_login(reader)
        chooser = html(client.get(action_url(subscription, "titles", month=month)))
        assert "eBooks in" in chooser
        explained = html(client.get(action_url(subscription, "titles", month=month, titles=4)))
        assert f"becomes {new_charge} (it was £7.98)" in explained
        with committed():
            response = client.post(action_url(subscription, "titles"), {"month": month, "titles": "4"})
        assert response.url == detail_url(subscription)
        assert SubscriptionMonth.objects.get(subscription=subscription, month=the_month).ebook_titles == 4
        assert sent_codes(subscription)[-1] == "BOOKCLUB_MONTH_CHANGED"
    with time_machine.travel(first_second, tick=False):
        client.force_login(reader)
        response = client.post(
            action_url(subscription, "titles"), {"month": month, "titles": "2"}, follow=True
        )
        assert "could be changed until 23:59" in html(response)
        assert SubscriptionMonth.objects.get(subscription=subscription, month=the_month).ebook_titles == 4


def test_R_S8_cancel_my_esubscription_then_resume_within_90_days(client, reader):
    subscription = subscribe(make_plan(Plan.Kind.EBOOK, title="Pocket Shelf"), reader)
    explained = html(client.get(action_url(subscription, "cancel")))
    assert "Cancel my eSubscription" in explained and "90 days" in explained
    with committed():
        client.post(action_url(subscription, "cancel"))
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.CANCELLED
    assert subscription.keep_details_until == date(2027, 6, 8)

    with time_machine.travel(london(2027, 6, 8, 20, 0), tick=False):  # the 90th day
        client.force_login(reader)
        assert "Resume my eSubscription" in html(client.get(detail_url(subscription)))
        with committed():
            client.post(action_url(subscription, "resume"))
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE
    assert sent_codes(subscription)[-2:] == [
        "BOOKCLUB_SUBSCRIPTION_CANCELLED",
        "BOOKCLUB_SUBSCRIPTION_RESUMED",
    ]


def test_R_S8_resume_is_refused_after_90_days(client, reader):
    subscription = subscribe(make_plan(Plan.Kind.EBOOK, title="Pocket Shelf"), reader)
    client.post(action_url(subscription, "cancel"))
    with time_machine.travel(london(2027, 6, 9, 9, 0), tick=False):
        client.force_login(reader)
        assert "Resume my eSubscription" not in html(client.get(detail_url(subscription)))
        response = client.post(action_url(subscription, "resume"), follow=True)
        assert "More than 90 days have passed" in html(response)
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.CANCELLED


def test_R_P5_replacing_the_saved_card_with_a_new_setup_intent(client, localstripe, reader):
    plan = make_plan(Plan.Kind.EBOOK, title="Pocket Shelf")
    subscription, _ = join_plan(client, localstripe, reader, plan)
    old_method = subscription.stripe_payment_method_id
    url = reverse("bookclub:subscription-card", kwargs={"pk": subscription.pk})
    page = client.get(url)
    assert "Replace the card for Pocket Shelf" in html(page)
    setup_intent_id = confirm_card_setup(localstripe, page.context["client_secret"], "4000056655665556")
    with committed():
        response = client.post(url, {"setup_intent_id": setup_intent_id})
    subscription.refresh_from_db()
    assert response.url == detail_url(subscription)
    assert subscription.stripe_payment_method_id != old_method
    assert subscription.card_last4 == "5556"
    assert sent_codes(subscription)[-1] == "BOOKCLUB_CARD_CHANGED"
    assert any("card" in m.subject.lower() for m in mail.outbox)


def test_R_A3_closing_the_account_ends_its_subscriptions_first(client, reader):
    subscription = subscribe(make_plan(Plan.Kind.PAY_MONTHLY), reader)
    response = client.post(reverse("customer:profile-delete"), {"password": PASSWORD})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.CANCELLED
    assert subscription.cancellation_reason == Subscription.CancellationReason.ACCOUNT_CLOSED


def test_R_P3_paying_an_open_invoice_by_card(client, localstripe, reader):
    from tests.shop.checkout.helpers import CARDS, card_payment_method

    plan = make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post", price="15.99")
    subscription, _ = join_plan(client, localstripe, reader, plan)
    order = subscription.orders.get().order
    page = html(client.get(detail_url(subscription)))
    assert f"Order {order.number}: £7.99, payable within 14 days of delivery." in page
    url = reverse("bookclub:invoice-pay", kwargs={"pk": subscription.pk, "number": order.number})
    assert f"Pay order {order.number}: £7.99" in html(client.get(url))

    response = client.post(url, {"payment_method_id": card_payment_method(localstripe, CARDS["visa"])})
    assert response.url == detail_url(subscription)
    source = order.sources.get()
    assert source.amount_debited == order.total_incl_tax and source.label == "Visa ending 4242"
    assert order.payment_events.get().event_type.name == "Paid"
    assert "Invoices to pay" not in html(client.get(detail_url(subscription)))
    assert client.get(url).status_code == 404  # paid: nothing left to pay
    assert client.post(url, {"payment_method_id": "pm_x"}).status_code == 404
