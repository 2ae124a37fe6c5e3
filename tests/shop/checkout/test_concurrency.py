"""Two readers pay for the last copy at the same moment (PostgreSQL: real row locks)."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model

from shop.payment import stripe_api
from shop.payment.models import CheckoutPayment
from tests.factories import BookFactory

from .helpers import checkout_to_review, place_order

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_C2_R_P2_two_payments_for_the_last_copy_make_one_order_and_one_refund(localstripe):
    book = BookFactory(stockrecord__price="9.99", stockrecord__stock=1)
    readers = [Client(), Client()]
    for number, reader in enumerate(readers):
        checkout_to_review(reader, localstripe, book, email=f"reader{number}@example.com")

    start = threading.Barrier(len(readers))
    answers = {}

    def pay(number, reader):
        try:
            start.wait()
            answers[number] = place_order(reader)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=pair) for pair in enumerate(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(answer.url for answer in answers.values()) == [
        "/checkout/thank-you/",
        "/checkout/unavailable/",
    ]
    order = Order.objects.get()
    assert StockRecord.objects.get(product=book).num_allocated == 1
    placed = CheckoutPayment.objects.get(status=CheckoutPayment.Status.PLACED)
    refunded = CheckoutPayment.objects.get(status=CheckoutPayment.Status.UNAVAILABLE)
    assert placed.order == order and refunded.unavailable_titles == [book.get_title()]

    def refunds_of(payment):
        return [
            r.amount
            for r in stripe_api.client()
            .v1.refunds.list(params={"payment_intent": payment.payment_intent_id})
            .data
        ]

    assert refunds_of(placed) == [] and refunds_of(refunded) == [999]
    subjects = sorted(message.subject for message in mail.outbox)
    assert len(subjects) == 2 and any("could not be completed" in s for s in subjects)
    assert any(order.number in s and "confirmation" in s.lower() for s in subjects)
