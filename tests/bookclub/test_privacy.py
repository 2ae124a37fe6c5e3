"""R-A3: a customer's data download shows their subscriptions sensibly, and closing an account
ends its subscriptions first, by the same rules, then erases their personal details."""

import json
from datetime import date

import pytest
import time_machine

from bookclub import lifecycle
from bookclub import privacy as bookclub_privacy
from bookclub.models import DiscountClaim, Plan, SubscriptionAddress, SubscriptionEvent
from legal.privacy import personal_data as privacy
from tests.bookclub.conftest import london
from tests.factories.bookclub import join, make_plan, subscribe

pytestmark = pytest.mark.django_db
Kind = Plan.Kind


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        yield


def test_R_A3_the_data_download_lists_the_customers_subscriptions_without_hashes(customer):
    subscription = subscribe(
        make_plan(Kind.PAY_MONTHLY, title="Paperback Post"), customer, fingerprint="fp_secret"
    )
    data = privacy.export_personal_data(customer)
    (row,) = data["subscriptions"]["subscriptions"]
    assert row["plan"] == "Paperback Post"
    assert row["state"] == "Active" and row["declared"]["date_of_birth"] == "1990-06-15"
    assert row["delivery_address"] == "Sam Reader, 1 High Street, Bath, BA1 1AA, United Kingdom"
    assert not any(label.startswith("bookclub.") for label in data["other_records"])
    assert "ada.reader@example.com" not in json.dumps(row)
    assert "bookclub.DiscountClaim" not in data["other_records"]
    claim = DiscountClaim.objects.get()
    assert claim.email_hash not in json.dumps(data)
    assert subscription.card_fingerprint == "fp_secret"


def test_R_A3_an_order_admins_download_does_not_reveal_the_customers_they_served(customer, order_admin):
    subscription = subscribe(make_plan(Kind.PAY_MONTHLY, title="Paperback Post"), customer)
    lifecycle.skip_month(subscription, date(2026, 5, 1), by=order_admin)
    lifecycle.cancel(subscription, by=order_admin, reason="breach", note="See the letter of 3 March")
    exported = json.dumps(privacy.export_personal_data(order_admin))
    for detail in ("ada.reader", "Sam Reader", "BA1 1AA", "High Street", "1990-06-15"):
        assert detail not in exported
    # Notes an admin wrote on a customer's subscription are about that customer: not in it.
    assert "Paperback Post" not in exported and "letter of 3 March" not in exported


def test_R_A3_the_book_clubs_own_export_reads_in_words(customer):
    subscription = subscribe(make_plan(Kind.EBOOK, title="eReader Monthly"), customer)
    lifecycle.set_month_titles(subscription, date(2026, 5, 1), titles=4, by=customer)
    (row,) = bookclub_privacy.export(customer)["subscriptions"]
    assert (
        row["plan"] == "eReader Monthly" and row["kind"] == "Pay-monthly eBooks" and row["state"] == "Active"
    )
    assert row["card"]["label"] == "Visa ending 4242" and "fingerprint" not in json.dumps(row)
    assert row["months"] == [{"month": "2026-05-01", "skipped": False, "ebook_titles": 4}]
    assert [step["what"] for step in row["history"]] == ["join", "record card", "confirm", "set month titles"]
    assert row["history"][0]["by"] == "you"
    json.dumps(row)


def test_R_A3_closing_an_account_ends_every_subscription_by_the_same_rules(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    paperbacks = subscribe(make_plan(Kind.PAY_MONTHLY), customer)
    ebooks = subscribe(make_plan(Kind.EBOOK), customer)
    prepaid = subscribe(make_plan(Kind.PREPAID, price="47.97", term_months=3), customer)
    joining = join(make_plan(Kind.PAY_MONTHLY), customer)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.close_account(customer)  # the club's eraser is registered in BookclubConfig.ready()
    for subscription in (paperbacks, ebooks, prepaid, joining):
        subscription.refresh_from_db()
    assert (paperbacks.state, ebooks.state, prepaid.state, joining.state) == (
        "cancelled",
        "purged",
        "cancelled",
        "abandoned",
    )
    assert paperbacks.cancellation_reason == "account_closed" and paperbacks.cancelled_by == "system"
    cancelled = SubscriptionEvent.objects.filter(action="cancel").order_by("pk")
    # Paid and not received: April's eBooks (due on the 1st) and two months of the pre-paid term.
    assert [event.details["unreceived_advance"]["refundable"] for event in cancelled] == [
        "0.00",
        "7.98",
        "31.98",
    ]
    for subscription in (paperbacks, ebooks, prepaid, joining):
        assert subscription.stripe_payment_method_id == "" and subscription.declared_date_of_birth is None
        assert subscription.delivery_address is None
    assert not SubscriptionAddress.objects.exists()
    assert mailoutbox == []  # the address is going: nothing is sent to it


def test_R_A3_closing_an_account_twice_changes_nothing_more(customer):
    subscribe(make_plan(Kind.EBOOK), customer)
    lifecycle.end_all_for_closed_account(customer)
    assert [o.event for o in lifecycle.end_all_for_closed_account(customer)] == [None]


def test_R_S1_what_was_declared_stays_with_the_subscription_until_closure(customer):
    subscription = subscribe(make_plan(Kind.PREPAID), customer)
    assert (subscription.declared_date_of_birth, subscription.declared_uk_resident) == (
        date(1990, 6, 15),
        True,
    )
    assert subscription.declared_at == london(2026, 3, 10, 12, 0)
