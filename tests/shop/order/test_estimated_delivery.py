"""R-D6: every order gets an estimated delivery date; an admin revises it and the customer is emailed."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import delivery
from shop.shipping import estimates
from shop.shipping.defaults import install_default_rules
from tests.factories import BookFactory, UserFactory, make_book
from tests.factories.orders import make_basket, place_order, shipping_address

LONDON = ZoneInfo("Europe/London")
Order = get_model("order", "Order")
WeightBased = get_model("shipping", "WeightBased")


@pytest.fixture
def delivery_rules(db):
    install_default_rules()


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def test_R_D6_working_days_and_the_london_cut_off():
    # Wednesday 4 March 2026 at 13:59 is posted that day; at 14:00 the next day.
    assert estimates.dispatch_date(at(2026, 3, 4, 13, 59)) == datetime.date(2026, 3, 4)
    assert estimates.dispatch_date(at(2026, 3, 4, 14, 0)) == datetime.date(2026, 3, 5)
    # Friday after the cut-off and Saturday both go on Monday.
    assert estimates.dispatch_date(at(2026, 3, 6, 15, 0)) == datetime.date(2026, 3, 9)
    assert estimates.dispatch_date(at(2026, 3, 7, 9, 0)) == datetime.date(2026, 3, 9)
    # Four working days from Thursday is Wednesday.
    assert estimates.add_working_days(datetime.date(2026, 3, 5), 4) == datetime.date(2026, 3, 11)


@time_machine.travel(at(2026, 3, 4, 10, 0), tick=False)
def test_R_D6_an_order_gets_its_estimate_from_the_method_and_zone(delivery_rules):
    paperback, _ = make_book()
    uk = place_order(make_basket(paperback))  # UK Standard: up to 4 working days
    assert uk.shipping_method == "UK Standard"
    assert uk.estimated_delivery == datetime.date(2026, 3, 10)

    abroad = place_order(make_basket(paperback), address=shipping_address("JP"))  # 14 working days
    assert abroad.shipping_method == "Worldwide Tracked"
    assert abroad.estimated_delivery == datetime.date(2026, 3, 24)


@time_machine.travel(at(2026, 3, 4, 10, 0), tick=False)
def test_R_D6_a_pre_order_is_estimated_from_its_publication_day(delivery_rules):
    coming = BookFactory(publication_date=datetime.date(2026, 4, 1))  # a Wednesday
    order = place_order(make_basket(coming))
    assert order.estimated_delivery == datetime.date(2026, 4, 7)


@time_machine.travel(at(2026, 3, 7, 10, 0), tick=False)
def test_R_D6_an_ebook_order_is_delivered_the_day_it_is_placed(delivery_rules):
    _, ebook = make_book()
    assert place_order(make_basket(ebook)).estimated_delivery == datetime.date(2026, 3, 7)


@pytest.fixture
def order(delivery_rules):
    customer = UserFactory(email="reader@example.com")
    paperback, _ = make_book()
    return place_order(make_basket(paperback, owner=customer))


def test_R_D6_an_admin_revises_the_date_from_the_order_page_and_the_customer_is_emailed(
    client, order, mailoutbox, django_capture_on_commit_callbacks
):
    admin = UserFactory(order_admin=True)
    client.force_login(admin)
    new_date = order.estimated_delivery + datetime.timedelta(days=5)
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})

    page = client.get(url)
    assert page.status_code == 200 and b"Revise the estimated delivery date" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "order_action": "revise_estimated_delivery",
                "new_date": new_date.isoformat(),
                "reason": "A storm has closed the sorting office for three days.",
            },
        )
    assert response.status_code == 302

    order.refresh_from_db()
    assert order.estimated_delivery == new_date
    revision = order.delivery_revisions.get()
    assert revision.revised_by == admin and revision.customer_emailed_at is not None
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["reader@example.com"]
    assert order.number in email.subject
    assert f"{new_date:%-d %B %Y}" in email.body and "storm" in email.body
    html = email.alternatives[0][0]
    assert f"{new_date:%-d %B %Y}" in html and "storm" in html


def test_R_D6_a_revision_needs_a_reason_and_a_date_not_in_the_past(order):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        delivery.revise_estimated_delivery(order, new_date=order.estimated_delivery, reason="  ")
    with pytest.raises(ValidationError):
        delivery.revise_estimated_delivery(order, new_date=datetime.date(2000, 1, 1), reason="Late")


def test_R_D6_the_email_goes_once_per_revision(order, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        revision = delivery.revise_estimated_delivery(
            order, new_date=order.estimated_delivery + datetime.timedelta(days=2), reason="Carrier delay"
        )
    delivery.send_delivery_revised_email(revision.pk)  # a retried task
    assert len(mailoutbox) == 1
