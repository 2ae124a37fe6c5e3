"""Order numbers are handed out once, even for payments that never became orders (issue 10, R-P2)."""

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import numbers
from shop.order.models import OrderNumber
from shop.payment.models import CheckoutPayment
from tests.factories import BookFactory
from tests.shop.checkout.helpers import (
    CARDS,
    add_to_basket,
    authenticate_3ds,
    card_payment_method,
    checkout_to_review,
    place_order,
    return_from_bank,
)

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def pay_again_with(client, localstripe, card="visa"):
    response = client.post(
        reverse("checkout:preview"), {"payment_method_id": card_payment_method(localstripe, CARDS[card])}
    )
    assert response.status_code == 302, response
    return place_order(client)


def test_R_P2_a_checkout_refunded_after_3ds_keeps_its_number_the_next_checkout_gets_another(
    client, localstripe
):
    """The issue's scenario: a checkout refunded after 3-D Secure (the basket changed meanwhile)
    emailed "order 100015 could not be completed", then the next checkout of the thawed basket
    placed a real order 100015."""
    checkout_to_review(client, localstripe, BookFactory(stockrecord__price="6.00"), card="3ds")
    challenge = place_order(client)
    add_to_basket(client, BookFactory(stockrecord__price="4.00"))  # in another tab, during 3-D Secure
    authenticate_3ds(localstripe, challenge.context["client_secret"])
    assert return_from_bank(client, challenge).url == reverse("checkout:unavailable")
    refunded = CheckoutPayment.objects.get()
    assert refunded.status == CheckoutPayment.Status.UNAVAILABLE
    (told,) = mail.outbox
    assert refunded.order_number in told.subject and "could not be completed" in told.subject

    # The reader checks out the same basket, now holding both books.
    assert Basket.objects.get(pk=refunded.basket_id).status == Basket.OPEN
    placed = pay_again_with(client, localstripe)
    assert placed.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.basket_id == refunded.basket_id and order.total_incl_tax == 10
    assert order.number != refunded.order_number
    assert int(order.number) > int(refunded.order_number)
    assert OrderNumber.objects.get(number=int(refunded.order_number)).ended_at is not None


def test_R_P2_the_same_basket_paid_for_again_unchanged_after_a_refund_gets_a_new_payment(client, localstripe):
    """The same basket, card and total after a refund: a new number, so a new PaymentIntent,
    not Stripe's replay of the refunded one."""
    book = BookFactory(stockrecord__price="6.00")
    checkout_to_review(client, localstripe, book, card="3ds")
    challenge = place_order(client)
    extra = BookFactory(stockrecord__price="4.00")
    add_to_basket(client, extra)
    authenticate_3ds(localstripe, challenge.context["client_secret"])
    return_from_bank(client, challenge)
    refunded = CheckoutPayment.objects.get()
    # The reader removes the extra book: the basket is exactly what was paid for and refunded.
    basket = Basket.objects.get(pk=refunded.basket_id)
    basket.lines.filter(product=extra).delete()

    again = pay_again_with(client, localstripe, card="3ds")
    assert again.status_code == 200 and "client_secret" in again.context  # the bank asks again
    second = CheckoutPayment.objects.exclude(pk=refunded.pk).get()
    assert second.payment_intent_id != refunded.payment_intent_id
    assert second.order_number != refunded.order_number


def test_R_P2_a_second_press_of_pay_reserves_no_second_number(client, localstripe):
    checkout_to_review(client, localstripe, BookFactory(stockrecord__price="6.00"), card="3ds")
    first = place_order(client)
    second = place_order(client)  # a double click, before the bank's window
    assert first.context["client_secret"] == second.context["client_secret"]
    payment = CheckoutPayment.objects.get()
    assert OrderNumber.objects.filter(attempt__gt="").values_list("number", flat=True).get() == int(
        payment.order_number
    )


def test_numbers_never_repeat_and_follow_every_number_given_before():
    basket = Basket.objects.create()
    given = [
        numbers.new_number(basket),
        numbers.reserve(basket, attempt="a"),
        numbers.reserve(basket, attempt="b"),
    ]
    assert numbers.reserve(basket, attempt="a") == given[1]
    numbers.end(given[1])
    given.append(numbers.reserve(basket, attempt="a"))
    assert len(set(given)) == 4 and all(int(n) >= 100001 for n in given)


def test_R_P2_a_stale_payment_of_a_basket_already_ordered_is_refunded_not_a_second_order(
    client, settings, localstripe
):
    """3-D Secure left waiting on one card, the order paid with another; then the first card's
    payment goes through after all (the bank's window finished in another tab): its money goes
    back, and the basket is not ordered twice."""
    from tests.shop.payment.test_webhooks import event, post_event, signed

    checkout_to_review(client, localstripe, BookFactory(stockrecord__price="6.00"), card="3ds")
    waiting = place_order(client)
    assert pay_again_with(client, localstripe).url == reverse("checkout:thank-you")
    order = Order.objects.get()

    authenticate_3ds(localstripe, waiting.context["client_secret"])
    stale_intent = waiting.context["client_secret"].split("_secret_")[0]
    post_event(client, signed(settings, event("evt_stale", "payment_intent.succeeded", stale_intent)))

    assert Order.objects.get() == order
    stale = CheckoutPayment.objects.get(payment_intent_id=stale_intent)
    assert stale.status == CheckoutPayment.Status.UNAVAILABLE and stale.order_number != order.number
    assert stale.refunds.get().status == "succeeded"
