"""The test-only patches to localstripe 1.15.10 still do what the shop's tests rely on."""

import requests
import stripe

from shop.payment import stripe_api


def test_stripe_js_stand_in_gains_create_payment_method(localstripe):
    script = requests.get(f"{localstripe}/js.stripe.com/v3/", timeout=5).text
    assert "stripe.createPaymentMethod = async" in script


def test_a_page_can_make_a_payment_method_with_the_publishable_key_only(localstripe):
    card = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2031", "cvc": "123"}
    made = requests.post(
        f"{localstripe}/js.stripe.com/compat/payment_methods",
        json={"key": "pk_test_localstripe", "type": "card", "card": card},
        timeout=5,
    )
    assert made.ok and made.json()["card"]["last4"] == "4242"
    refused = requests.post(
        f"{localstripe}/js.stripe.com/compat/payment_methods", json={"type": "card", "card": card}, timeout=5
    )
    assert refused.status_code == 401


def test_a_repeated_idempotency_key_replays_the_first_answer(localstripe):
    params = {"amount": 700, "currency": "gbp", "payment_method": "pm_card_visa", "confirm": True}
    first = stripe_api.client().v1.payment_intents.create(params=params, options={"idempotency_key": "k-1"})
    again = stripe_api.client().v1.payment_intents.create(params=params, options={"idempotency_key": "k-1"})
    other = stripe_api.client().v1.payment_intents.create(params=params, options={"idempotency_key": "k-2"})
    assert first.id == again.id != other.id


def test_refunds_above_the_charge_are_refused_as_stripe_does(localstripe):
    client = stripe_api.client()
    intent = client.v1.payment_intents.create(
        params={"amount": 700, "currency": "gbp", "payment_method": "pm_card_visa", "confirm": True}
    )
    client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 500})
    try:
        client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 300})
    except stripe.InvalidRequestError as refused:
        assert "greater than unrefunded amount" in str(refused)
    else:
        raise AssertionError("an over-refund went through")
