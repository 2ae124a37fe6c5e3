"""The cancellation pages: the reader's (My Account) and the order admins' (dashboard)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.payment.models import Refund
from shop.returns.models import Cancellation
from tests.commit import committed
from tests.factories import BookFactory, UserFactory
from tests.shop.ebooks.helpers import buy
from tests.shop.returns.test_cancelling import dispatch

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def reader():
    return UserFactory(email="nell@example.com")


@pytest.fixture
def order(client, localstripe, reader):
    buy(client, localstripe, reader, BookFactory(stockrecord__price="8.00", title="Salt Marsh Year"))
    mail.outbox.clear()
    return Order.objects.get(user=reader)


@pytest.fixture
def order_admin(client):
    from website.roles import Role, assign_role

    admin = UserFactory(email="desk@example.com")
    assign_role(admin, role=Role.ORDER_ADMIN)
    return admin


def test_R_X1_the_order_page_offers_cancel_and_the_reader_reviews_before_confirming(client, order):
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert reverse("returns:cancel", kwargs={"order_number": order.number}) in page
    url = reverse("returns:cancel", kwargs={"order_number": order.number})
    form = client.get(url)
    assert form.status_code == 200 and "Salt Marsh Year" in form.content.decode()
    line = order.lines.get()
    review = client.post(url, {f"line_{line.pk}": 1, "reason": "Bought twice", "action": "review"})
    text = review.content.decode()
    assert review.status_code == 200 and "£8.00" in text and "Confirm the cancellation" in text
    assert not Cancellation.objects.exists()  # nothing done before confirming
    with committed():
        done = client.post(url, {f"line_{line.pk}": 1, "reason": "Bought twice", "action": "confirm"})
    assert done.status_code == 302
    cancellation = Cancellation.objects.get()
    assert cancellation.refund.status == Refund.Status.SUCCEEDED and cancellation.reason == "Bought twice"
    page = client.get(done.url).content.decode()
    assert "Cancellations and returns" in page and "Refunded" in page
    assert "Cancelled by the customer" in page  # each step, an event on the lines


def test_R_X2_a_dispatched_paperback_gets_a_returns_note(client, order):
    dispatch(order)
    line = order.lines.get()
    with committed():
        client.post(
            reverse("returns:cancel", kwargs={"order_number": order.number}),
            {f"line_{line.pk}": 1, "action": "confirm"},
        )
    cancellation = Cancellation.objects.get()
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    note_url = reverse("returns:returns-note", kwargs={"order_number": order.number, "pk": cancellation.pk})
    assert note_url in page
    note = client.get(note_url).content.decode()
    assert "Salt Marsh Year" in note and "Canal Wharf" in note and "despatch note" in note


def test_R_U3_nobody_else_cancels_or_reads_the_returns_note(client, order):
    client.force_login(UserFactory())
    assert client.get(reverse("returns:cancel", kwargs={"order_number": order.number})).status_code == 404
    line = order.lines.get()
    response = client.post(
        reverse("returns:cancel", kwargs={"order_number": order.number}),
        {f"line_{line.pk}": 1, "action": "confirm"},
    )
    assert response.status_code == 404 and not Cancellation.objects.exists()


def test_bad_input_is_a_form_error_never_a_500(client, order):
    url = reverse("returns:cancel", kwargs={"order_number": order.number})
    line = order.lines.get()
    for data in (
        {f"line_{line.pk}": "7", "action": "confirm"},
        {"action": "confirm"},
        {f"line_{line.pk}": "x"},
    ):
        assert client.post(url, data).status_code == 200
    assert not Cancellation.objects.exists()


def test_R_U2_order_admins_record_a_phoned_cancellation_and_a_return(client, order, order_admin):
    dispatch(order)
    client.force_login(order_admin)
    line = order.lines.get()
    with committed():
        response = client.post(
            reverse("dashboard:order-cancel", kwargs={"number": order.number}),
            {
                f"line_{line.pk}": 1,
                "channel": "phone",
                "sent_on": datetime.date.today().isoformat(),
                "reason": "",
            },
        )
    cancellation = Cancellation.objects.get()
    assert (
        response.status_code == 302
        and cancellation.channel == "phone"
        and cancellation.created_by == order_admin
    )
    listing = client.get(reverse("dashboard:return-list"))
    assert listing.status_code == 200 and order.number in listing.content.decode()
    detail_url = reverse("dashboard:return-detail", kwargs={"pk": cancellation.pk})
    assert client.get(detail_url).status_code == 200
    with committed():
        client.post(
            detail_url,
            {"action": "receive", "received_on": datetime.date.today().isoformat(), "condition": "as_new"},
        )
    cancellation.refresh_from_db()
    assert (
        cancellation.status == Cancellation.Status.REFUNDED
        and cancellation.return_refund.amount == Decimal("8.00")
    )
    note = client.get(reverse("dashboard:order-despatch-note", kwargs={"number": order.number}))
    assert note.status_code == 200 and "Salt Marsh Year" in note.content.decode()


def test_R_U2_readers_cannot_open_the_returns_dashboard(client, order):
    response = client.get(reverse("dashboard:return-list"))
    assert response.status_code in (302, 403)


def test_R_X3_the_refunds_due_list_takes_a_fixed_number_of_queries(client, order, order_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def awaiting(days):
        Cancellation.objects.create(
            order=order,
            channel="email",
            sent_on=datetime.date(2026, 12, 1),
            status=Cancellation.Status.AWAITING_RETURN,
            return_by=datetime.date(2026, 12, 15),
            posted_on=datetime.date(2026, 12, days),
        )

    client.force_login(order_admin)
    awaiting(3)
    client.get(reverse("dashboard:return-list"))
    with CaptureQueriesContext(connection) as one:
        first = client.get(reverse("dashboard:return-list"))
    for day in (2, 4, 5):
        awaiting(day)
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("dashboard:return-list")).content.decode()
    assert first.status_code == 200 and len(four) == len(one)
    # The oldest refund deadline first: proof of posting on the 2nd, due on the 16th.
    assert page.index("16 Dec 2026") < page.index("17 Dec 2026") < page.index("19 Dec 2026")
