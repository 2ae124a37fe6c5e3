"""The one door to Stripe: nothing else in the project imports ``stripe``.

Keys and the API base come from settings: with no keys configured the site talks to
localstripe on loopback (the demo and the tests); with test or live keys, to Stripe.
The API version is pinned here so a library upgrade cannot change response shapes unseen.
"""

from functools import lru_cache

import stripe
from django.conf import settings

# The version stripe-python 16 was built against; change it deliberately, with the tests.
API_VERSION = "2026-10-28.endive"


def client() -> stripe.StripeClient:
    """A Stripe client for the configured account (and API base, when one is set)."""
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE or None)


@lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str | None) -> stripe.StripeClient:
    # One client per (key, base): it keeps an HTTP connection pool between requests.
    base_addresses = {"api": api_base} if api_base else {}
    return stripe.StripeClient(
        secret_key,
        stripe_version=API_VERSION,
        base_addresses=base_addresses,
        max_network_retries=2,  # retries reuse the idempotency key of the write
    )


def publishable_key() -> str:
    return settings.STRIPE_PUBLISHABLE_KEY


def js_url() -> str:
    """Stripe.js for the card form: Stripe's own, or localstripe's stand-in offline."""
    return settings.STRIPE_JS_URL


def is_offline() -> bool:
    """True when payments go to localstripe rather than Stripe."""
    return bool(settings.STRIPE_API_BASE) and settings.STRIPE_SECRET_KEY == "sk_test_localstripe"
