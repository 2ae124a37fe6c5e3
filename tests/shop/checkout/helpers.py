"""Drive the checkout as a reader would, with Django's test client and localstripe.

``card_payment_method`` plays Stripe.js: in the browser the card goes from the page to Stripe
(localstripe here) and only the pm_ id reaches our server; the test does the same."""

from decimal import Decimal

import requests
from django.urls import reverse
from oscar.core.loading import get_model

from legal import acceptance
from tests.commit import committed

Country = get_model("address", "Country")
WeightBased = get_model("shipping", "WeightBased")
WeightBand = get_model("shipping", "WeightBand")

UK_ADDRESS = {
    "first_name": "Ada",
    "last_name": "Reader",
    "line1": "1 Library Lane",
    "line4": "Oxford",
    "postcode": "OX1 2AB",
    "country": "GB",
    "phone_number": "",
}

CARDS = {
    "visa": "4242424242424242",
    "3ds": "4000002760003184",
    "3ds_other": "4000000000003220",
    "declined": "4000000000000341",
}


def uk_shipping_country():
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="GB",
        defaults={
            "iso_3166_1_a3": "GBR",
            "iso_3166_1_numeric": "826",
            "printable_name": "United Kingdom",
            "name": "United Kingdom of Great Britain and Northern Ireland",
            "is_shipping_country": True,
        },
    )
    if not country.is_shipping_country:
        country.is_shipping_country = True
        country.save()
    free_uk_delivery(country)
    return country


def free_uk_delivery(uk):
    """One free UK method, so payment tests keep round totals (delivery charges: tests/shop/shipping)."""
    method, created = WeightBased.objects.get_or_create(
        name="UK Free (tests)",
        defaults=dict(
            zone="United Kingdom",
            description="Free delivery for the payment tests.",
            default_weight=Decimal("0.350"),
            min_days=2,
            max_days=4,
        ),
    )
    if created:
        method.countries.set([uk])
        WeightBand.objects.create(method=method, upper_limit=Decimal("30"), charge=Decimal("0.00"))
    return method


def choose_delivery_method(client):
    """The delivery step: the first method offered, as a reader taking the default would."""
    response = client.get(reverse("checkout:shipping-method"))
    if response.status_code == 200:  # more than one method: the reader picks one
        method = response.context["methods"][0]
        response = client.post(reverse("checkout:shipping-method"), {"method_code": method.code})
    return response


def card_payment_method(localstripe_url: str, number: str) -> str:
    answer = requests.post(
        f"{localstripe_url}/js.stripe.com/compat/payment_methods",
        json={
            "key": "pk_test_localstripe",
            "type": "card",
            "card": {"number": number, "exp_month": "12", "exp_year": "2031", "cvc": "123"},
        },
        timeout=5,
    )
    answer.raise_for_status()
    return answer.json()["id"]


def add_to_basket(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302, response


def checkout_to_review(
    client, localstripe_url, product=None, card="visa", email="ada@example.com", products=()
):
    """Basket -> guest email -> address -> method -> card; returns the review page response."""
    for item in ([product] if product else []) + list(products):
        add_to_basket(client, item)
    response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    assert response.status_code == 302, response.content[:2000]
    if any(p.get_product_class().requires_shipping for p in ([product] if product else []) + list(products)):
        uk_shipping_country()
        response = client.post(reverse("checkout:shipping-address"), UK_ADDRESS)
        assert response.status_code == 302, response.context["form"].errors if response.context else response
    choose_delivery_method(client)
    response = client.get(reverse("checkout:payment-details"))
    assert response.status_code == 200, response
    method = card_payment_method(localstripe_url, CARDS.get(card, card))
    response = client.post(reverse("checkout:preview"), {"payment_method_id": method})
    assert response.status_code == 302 and response.url == reverse("checkout:preview"), response
    return client.get(reverse("checkout:preview"))


def place_order(client, agree=True, age=True, shown=None):
    """Press "Pay and place order"; ``shown`` = the (terms, privacy) revisions the review page showed.

    What the request queues on commit (the confirmation, a refund) runs, as after production's commit."""
    terms, privacy = shown or acceptance.versions_to_accept()
    data = {"action": "place_order", "terms_version": terms.pk, "privacy_version": privacy.pk}
    if agree:
        data["agree_terms"] = "on"
    if age:
        data["confirm_age"] = "on"
    with committed():
        return client.post(reverse("checkout:preview"), data)


def return_from_bank(client, challenge):
    """The browser comes back from 3-D Secure to the return URL (queued work runs on commit)."""
    with committed():
        return client.get(challenge.context["return_url"])


def authenticate_3ds(localstripe_url, client_secret: str, success=True):
    """Play the customer in the bank's 3-D Secure window (what Stripe.js does in the page)."""
    payment_intent_id = client_secret.split("_secret_")[0]
    answer = requests.post(
        f"{localstripe_url}/v1/payment_intents/{payment_intent_id}/_authenticate",
        params={"success": "true" if success else "false"},
        json={"key": "pk_test_localstripe", "client_secret": client_secret},
        timeout=5,
    )
    answer.raise_for_status()
