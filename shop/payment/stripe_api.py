"""The one door to Stripe: nothing else in the project imports ``stripe``.

Keys and the API base come from settings: with no keys configured the site talks to
localstripe on loopback (the demo and the tests); with test or live keys, to Stripe.
The API version is pinned here so a library upgrade cannot change response shapes unseen.
"""

import json
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


# ---------------------------------------------------------------------------------------------
# The calls the shop makes. Callers get Stripe's objects back and catch the errors named here.
# ---------------------------------------------------------------------------------------------
StripeError = stripe.StripeError
CardError = stripe.CardError
RateLimitError = stripe.RateLimitError
InvalidRequestError = stripe.InvalidRequestError
SignatureVerificationError = stripe.SignatureVerificationError


def is_missing(error: Exception) -> bool:
    """Stripe has no object with that id (404, ``resource_missing``): asking again will not help."""
    return getattr(error, "http_status", None) == 404 or getattr(error, "code", None) == "resource_missing"


def create_payment_intent(
    *, amount_pence: int, payment_method: str, metadata: dict, idempotency_key: str
) -> stripe.PaymentIntent:
    """Create and confirm a card PaymentIntent for a PaymentMethod made by Stripe.js (R-P1).

    The status is ``succeeded``, ``requires_action`` (3-D Secure: the page finishes it with
    Stripe.js) or a CardError is raised for a declined card.
    """
    return client().v1.payment_intents.create(
        params={
            "amount": amount_pence,
            "currency": "gbp",
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def decline_of(error: Exception) -> tuple[str, str, str]:
    """(code, decline code, PaymentIntent id) of a CardError, whatever shape its body has."""
    body = getattr(error, "json_body", None) or {}
    details = body.get("error", {}) if isinstance(body, dict) else {}
    intent = details.get("payment_intent") or {}
    intent_id = intent.get("id", "") if isinstance(intent, dict) else str(intent or "")
    code = getattr(error, "code", None) or details.get("code") or ""
    decline = details.get("decline_code") or ""
    return str(code), str(decline), intent_id


def retrieve_payment_intent(payment_intent_id: str) -> stripe.PaymentIntent:
    """The PaymentIntent as Stripe knows it now, with its latest charge expanded."""
    return client().v1.payment_intents.retrieve(payment_intent_id, params={"expand": ["latest_charge"]})


def retrieve_payment_method(payment_method_id: str) -> stripe.PaymentMethod:
    return client().v1.payment_methods.retrieve(payment_method_id)


def create_refund(
    *, payment_intent_id: str, amount_pence: int, metadata: dict, idempotency_key: str
) -> stripe.Refund:
    """Refund to the PaymentIntent's own card, never anywhere else (R-P4)."""
    return client().v1.refunds.create(
        params={"payment_intent": payment_intent_id, "amount": amount_pence, "metadata": metadata},
        options={"idempotency_key": idempotency_key},
    )


class NotAnEvent(ValueError):
    """A webhook body signed with our secret that is not a Stripe event."""


def construct_event(payload: bytes, signature_header: str) -> dict:
    """The webhook event as JSON, once its signature matches our endpoint secret.

    Raises SignatureVerificationError for a missing or wrong signature, and NotAnEvent for a
    signed body that is not a JSON object with a text ``id`` and ``type``: Stripe's own
    ``construct_event`` fails with AttributeError on ``[1,2,3]`` or ``null`` (issue 10).
    """
    stripe.WebhookSignature.verify_header(
        payload, signature_header, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
    )
    try:
        event = json.loads(payload, parse_constant=_not_json)
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON, or nested too deep
        raise NotAnEvent(f"The body is not JSON: {error}") from error
    if not isinstance(event, dict) or not all(
        isinstance(event.get(key), str) and event[key] for key in ("id", "type")
    ):
        raise NotAnEvent("The body is not an event with an id and a type")
    return event


def _not_json(constant: str):
    # Python's json accepts NaN and Infinity; JSON (and PostgreSQL's jsonb) does not.
    raise ValueError(f"{constant} is not JSON")


def card_error_message(error: Exception) -> str:
    """What a customer reads when their card was not accepted."""
    message = getattr(error, "user_message", None) or "Your card was not accepted."
    return f"{message} Nothing has been charged: please check the details or try another card."


# ---------------------------------------------------------------------------------------------
# Saved cards (R-P5): a Stripe customer, a SetupIntent confirmed in the page (3-D Secure on
# session), then charges on the saved card. Used by the book club's plans.
# ---------------------------------------------------------------------------------------------
def create_customer(*, email: str, metadata: dict, idempotency_key: str) -> stripe.Customer:
    return client().v1.customers.create(
        params={"email": email, "metadata": metadata}, options={"idempotency_key": idempotency_key}
    )


def create_setup_intent(*, customer_id: str, metadata: dict, idempotency_key: str) -> stripe.SetupIntent:
    """A SetupIntent for a card the customer will be charged on later without being present.

    Stripe.js confirms it in the page (``confirmCardSetup``), with 3-D Secure if the bank asks.
    """
    return client().v1.setup_intents.create(
        params={
            "customer": customer_id,
            "payment_method_types": ["card"],
            "usage": "off_session",
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def retrieve_setup_intent(setup_intent_id: str) -> stripe.SetupIntent:
    return client().v1.setup_intents.retrieve(setup_intent_id)


def attach_payment_method(payment_method_id: str, *, customer_id: str) -> stripe.PaymentMethod:
    """Make sure the saved card belongs to the customer (Stripe attaches it when the SetupIntent
    succeeds; localstripe does not, so it is done here when it has not been)."""
    method = retrieve_payment_method(payment_method_id)
    owner = (
        method.customer if isinstance(method.customer, str) or method.customer is None else method.customer.id
    )
    if owner == customer_id:
        return method
    return client().v1.payment_methods.attach(payment_method_id, params={"customer": customer_id})


def charge_saved_card(
    *,
    amount_pence: int,
    customer_id: str,
    payment_method: str,
    metadata: dict,
    idempotency_key: str,
    off_session: bool = False,
) -> stripe.PaymentIntent:
    """Charge a saved card: with the customer present (``off_session=False``, 3-D Secure may be
    asked for: ``requires_action``) or in their absence (the monthly run). CardError if declined."""
    params = {
        "amount": amount_pence,
        "currency": "gbp",
        "customer": customer_id,
        "payment_method": payment_method,
        "payment_method_types": ["card"],
        "confirm": True,
        "metadata": metadata,
    }
    if off_session:
        params["off_session"] = True
    return client().v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
