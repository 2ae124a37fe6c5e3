"""Error shapes localstripe cannot produce, faked at the HTTP level with `responses` (R-P1)."""

import re

import pytest
import responses
from django.urls import reverse
from oscar.core.loading import get_model

from shop.payment.models import CheckoutPayment
from tests.factories import BookFactory

from .helpers import checkout_to_review, place_order

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")


@pytest.fixture
def at_review(client, localstripe):
    checkout_to_review(client, localstripe, BookFactory(stockrecord__price="7.00"))
    return client


def fake_payment_intents(localstripe, status, body):
    fake = responses.RequestsMock(assert_all_requests_are_fired=False)
    fake.add_passthru(re.compile(re.escape(localstripe) + r"/v1/(payment_methods|refunds).*"))
    fake.add(responses.POST, localstripe + "/v1/payment_intents", status=status, json=body)
    return fake


def test_R_P1_a_decline_with_a_decline_code_is_explained_on_the_card_step(at_review, localstripe):
    body = {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
        }
    }
    with fake_payment_intents(localstripe, 402, body):
        response = place_order(at_review)
    assert response.url == reverse("checkout:payment-details")
    page = at_review.get(response.url).content.decode()
    assert "Your card has insufficient funds." in page and "Nothing has been charged" in page
    assert not Order.objects.exists() and not CheckoutPayment.objects.exists()
    assert Basket.objects.get().num_items == 1


def test_R_P1_a_bank_asking_for_authentication_is_a_card_error_too(at_review, localstripe):
    body = {
        "error": {
            "type": "card_error",
            "code": "authentication_required",
            "message": "Your card was declined. This transaction requires authentication.",
        }
    }
    with fake_payment_intents(localstripe, 402, body):
        response = place_order(at_review)
    assert b"requires authentication" in at_review.get(response.url).content
    assert not Order.objects.exists()


@pytest.mark.parametrize("status", [500, 503, 429])
def test_R_P2_stripe_down_or_busy_takes_no_money_and_keeps_the_review_page(at_review, localstripe, status):
    body = {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}}
    with fake_payment_intents(localstripe, status, body):
        response = place_order(at_review)
    assert response.status_code == 200 and b"no payment has been taken" in response.content
    assert not Order.objects.exists() and not CheckoutPayment.objects.exists()
