"""Every email about an order goes through Oscar's communication app and is recorded (R-P4, R-C2).

A refund is recorded in the order's communication history; the "could not be placed" email has
no order to be recorded on, so its Refund row keeps when it was sent, and a customer with an
account finds it among their emails.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import emails
from shop.order.processing import EventHandler
from shop.payment.models import CheckoutPayment, Refund
from tests.commit import committed
from tests.factories import BookFactory, UserFactory
from tests.shop.checkout.helpers import (
    UK_ADDRESS,
    authenticate_3ds,
    card_payment_method,
    checkout_to_review,
    choose_delivery_method,
    place_order,
    return_from_bank,
    uk_shipping_country,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("legal_documents_in_force")]

Order = get_model("order", "Order")
Email = get_model("communication", "Email")
StockRecord = get_model("partner", "StockRecord")


def test_R_P4_a_refund_email_is_recorded_in_the_orders_communication_history_once(client, localstripe):
    checkout_to_review(client, localstripe, BookFactory(stockrecord__price="9.00"))
    place_order(client)
    order = Order.objects.get()
    mail.outbox.clear()

    with committed():
        refund = EventHandler().refund(
            order, kind=Refund.Kind.AMOUNT, amount=Decimal("1.25"), reason="Dented"
        )

    refund.refresh_from_db()
    assert len(mail.outbox) == 1 and "£1.25" in mail.outbox[0].subject and "Dented" in mail.outbox[0].body
    assert mail.outbox[0].alternatives and "Dented" in mail.outbox[0].alternatives[0][0]
    history = order.communication_events.filter(event_type__code="ORDER_REFUNDED")
    assert history.count() == 1 and refund.customer_emailed_at is not None
    # A retried task finds the refund already told.
    assert emails.send_refund_email(refund.pk) is False
    assert len(mail.outbox) == 1 and history.count() == 1


def _signed_in_payment_for_a_book_that_sells_out(client, localstripe, user):
    book = BookFactory(stockrecord__price="7.50", stockrecord__stock=1)
    client.force_login(user)
    client.post(reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 1})
    uk_shipping_country()
    client.post(reverse("checkout:shipping-address"), UK_ADDRESS)
    choose_delivery_method(client)
    client.post(
        reverse("checkout:preview"),
        {"payment_method_id": card_payment_method(localstripe, "4000002760003184")},  # 3-D Secure
    )
    challenge = place_order(client)
    StockRecord.objects.filter(product=book).update(num_in_stock=0)  # the copy went elsewhere meanwhile
    authenticate_3ds(localstripe, challenge.context["client_secret"])
    return book, return_from_bank(client, challenge)


def test_R_C2_the_could_not_be_placed_email_is_recorded_on_the_refund_and_in_the_customers_emails(
    client, localstripe
):
    user = UserFactory(email="cleo@example.com")
    book, response = _signed_in_payment_for_a_book_that_sells_out(client, localstripe, user)

    assert response.url == reverse("checkout:unavailable") and not Order.objects.exists()
    refund = CheckoutPayment.objects.get().refunds.get()
    assert refund.status == Refund.Status.SUCCEEDED and refund.customer_emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cleo@example.com"] and "could not be completed" in message.subject
    assert book.get_title() in message.body and book.get_title() in message.alternatives[0][0]
    assert Email.objects.filter(user=user, subject=message.subject).count() == 1
    assert emails.send_refund_email(refund.pk) is False and len(mail.outbox) == 1
