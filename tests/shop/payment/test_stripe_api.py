"""Our one door to Stripe: keys and API base from settings, the API version pinned."""

import responses

from shop.payment import stripe_api


def test_the_client_talks_to_localstripe_when_pointed_at_it(localstripe):
    client = stripe_api.client()
    customer = client.v1.customers.create(params={"email": "reader@example.com"})
    intent = client.v1.payment_intents.create(
        params={"amount": 899, "currency": "gbp", "payment_method": "pm_card_visa", "confirm": True}
    )
    assert customer.id.startswith("cus_") and intent.status == "succeeded"
    assert stripe_api.js_url() == f"{localstripe}/js.stripe.com/v3/"


@responses.activate
def test_every_request_carries_the_pinned_api_version_and_the_configured_key(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_realaccount"
    settings.STRIPE_API_BASE = None
    responses.post("https://api.stripe.com/v1/customers", json={"id": "cus_1", "object": "customer"})
    stripe_api.client().v1.customers.create(params={"email": "a@example.com"})
    sent = responses.calls[0].request
    assert sent.headers["Stripe-Version"] == stripe_api.API_VERSION
    assert sent.headers["Authorization"] == "Bearer sk_test_realaccount"


def test_stripe_is_imported_only_by_the_stripe_module():
    import re
    from pathlib import Path

    imports_stripe = re.compile(r"^\s*(import stripe\b|from stripe\b)", re.MULTILINE)

    root = Path(__file__).resolve().parents[3]
    importers = [
        path.relative_to(root).as_posix()
        for package in ("website", "shop", "bookclub", "legal")
        for path in (root / package).rglob("*.py")
        if imports_stripe.search(path.read_text())
    ]
    assert importers == ["shop/payment/stripe_api.py"]
