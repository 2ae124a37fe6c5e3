"""The Order Confirmation email and the customer's view of their order (R-L5, R-P4)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import tasks
from shop.order.processing import EventHandler
from shop.order.utils import order_status_url
from shop.payment.models import Refund
from shop.shipping.defaults import install_default_rules
from tests.commit import committed
from tests.factories import BookFactory, UserFactory

from .helpers import UK_ADDRESS, card_payment_method, choose_delivery_method, place_order, uk_shipping_country

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Email = get_model("communication", "Email")


def signed_in_purchase(client, localstripe, user, book):
    client.force_login(user)
    client.post(reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 1})
    uk_shipping_country()
    client.post(reverse("checkout:shipping-address"), UK_ADDRESS)
    choose_delivery_method(client)
    client.post(
        reverse("checkout:preview"),
        {"payment_method_id": card_payment_method(localstripe, "4242424242424242")},
    )
    return place_order(client)


def test_R_L5_the_confirmation_names_number_lines_totals_terms_and_how_to_cancel(client, localstripe):
    user = UserFactory(email="bea@example.com")
    book = BookFactory(stockrecord__price="12.00")
    assert signed_in_purchase(client, localstripe, user, book).url == reverse("checkout:thank-you")
    order = Order.objects.get(user=user)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert order.number in text and book.get_title() in text and "£12.00" in text
        assert "Includes VAT" in text or "includes VAT" in text
        assert "/legal/terms/" in text and "14 days" in text and "To cancel" in text
    assert message.to == ["bea@example.com"] and "confirmation" in message.subject.lower()
    # Recorded in the order's communication history, and in the customer's emails.
    assert order.communication_events.filter(event_type__code="ORDER_PLACED").count() == 1
    assert Email.objects.filter(user=user, subject=message.subject).count() == 1


def test_R_L5_the_confirmation_is_never_sent_twice(client, localstripe):
    signed_in_purchase(client, localstripe, UserFactory(), BookFactory())
    order = Order.objects.get()
    assert tasks.send_order_confirmation_task.call(order.pk) is False
    assert len(mail.outbox) == 1 and order.communication_events.count() == 1


def test_R_L5_R_D6_the_confirmation_gives_the_estimated_delivery_date(client, localstripe):
    signed_in_purchase(client, localstripe, UserFactory(), BookFactory())
    order = Order.objects.get()
    assert order.estimated_delivery is not None
    day = f"{order.estimated_delivery.day} {order.estimated_delivery:%B %Y}"
    assert "Estimated delivery" in mail.outbox[0].body and day in mail.outbox[0].body
    thanks = client.get(reverse("checkout:thank-you"))
    assert "Estimated delivery" in thanks.content.decode() and day in thanks.content.decode()


def test_R_P4_the_customer_sees_refunds_on_their_order(client, localstripe):
    user = UserFactory()
    signed_in_purchase(client, localstripe, user, BookFactory(stockrecord__price="10.00"))
    order = Order.objects.get()
    EventHandler().refund(order, kind=Refund.Kind.AMOUNT, amount=Decimal("2.50"), reason="Price correction")

    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert "Refunds" in page and "Price correction" in page and "£2.50" in page


def test_R_P4_a_guest_sees_refunds_on_the_order_page_linked_from_the_email(client, localstripe):
    from .helpers import checkout_to_review, place_order

    checkout_to_review(client, localstripe, BookFactory(stockrecord__price="10.00"))
    place_order(client)
    order = Order.objects.get()
    with committed():
        EventHandler().refund(order, kind=Refund.Kind.ORDER, reason="Changed my mind")
    link = order_status_url(order).removeprefix("http://testserver")
    assert link in mail.outbox[0].body
    client.cookies.clear()  # another browser: the email link asks for the order's email first
    asked = client.get(link)
    page = client.post(asked.url, {"email": "ada@example.com"}, follow=True).content.decode()
    assert "Changed my mind" in page and "£10.00" in page


def test_R_D2_an_order_abroad_is_confirmed_with_the_import_duties_notice(client, localstripe):
    install_default_rules()  # Europe Tracked serves France
    client.force_login(UserFactory(email="amelie@example.com"))
    client.post(reverse("basket:add", kwargs={"pk": BookFactory().pk}), {"quantity": 1})
    paris = {**UK_ADDRESS, "line4": "Paris", "postcode": "75001", "country": "FR"}
    assert client.post(reverse("checkout:shipping-address"), paris).status_code == 302
    choose_delivery_method(client)
    client.post(
        reverse("checkout:preview"),
        {"payment_method_id": card_payment_method(localstripe, "4242424242424242")},
    )
    assert place_order(client).url == reverse("checkout:thank-you")
    assert "Import duties and taxes" in mail.outbox[0].body
    assert "Import duties and taxes" in mail.outbox[0].alternatives[0][0]
    assert "Import duties and taxes" in client.get(reverse("checkout:thank-you")).content.decode()


def test_R_D2_an_order_in_the_uk_carries_no_duties_notice(client, localstripe):
    signed_in_purchase(client, localstripe, UserFactory(), BookFactory())
    assert "Import duties" not in mail.outbox[0].body


def test_R_L3_the_thank_you_page_links_the_terms_just_accepted_and_names_each_format(client, localstripe):
    """Issue 15: the confirmation page, like the email and the order page, links the exact Terms
    version accepted, and its lines keep their format (Paperback, eBook)."""
    from legal import versions

    user = UserFactory(email="cy@example.com")
    book = BookFactory(stockrecord__price="9.00")
    signed_in_purchase(client, localstripe, user, book)
    html = client.get(reverse("checkout:thank-you")).content.decode()
    terms_url = versions.version_url(versions.version_in_force("terms"))
    assert f'href="{terms_url}"' in html and "The terms you agreed to" in html
    assert f'format-badge--{book.get_product_class().slug}">{book.get_product_class().name}</span>' in html
