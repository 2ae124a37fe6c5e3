"""Bad input is never a 500 (issue 10): generated requests over every public form and endpoint.

Hypothesis draws an endpoint and what to send it: form fields that are missing, empty, huge,
negative, not numbers, NUL characters, other scripts, markup; odd Referer and Origin headers;
signed and unsigned junk for the Stripe webhook. The seed is fixed (``derandomize``), so every
run sends the same requests. Any 500, or any exception a view lets out, fails the test with
the request that caused it, shrunk by Hypothesis to the smallest one that still fails.

A new form or endpoint is one more ``Endpoint`` in a table below. What was sent and answered is
written to test-results/fuzz-summary.json.
"""

import hashlib
import hmac
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legal.privacy import marketing
from legal.privacy.models import MarketingPreferences
from tests.conftest import RESULTS
from tests.factories import BookFactory, UserFactory
from tests.factories.legal import publish_legal_version
from tests.factories.orders import make_basket, place_order
from tests.shop.checkout.helpers import UK_ADDRESS, add_to_basket, uk_shipping_country

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------------
# What a field, a header or a piece of a path may hold
# ---------------------------------------------------------------------------------------------
AWKWARD = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e9",
    "99999999999999999999999",
    "NaN",
    "null",
    "[]",
    "{}",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "'; DROP TABLE order_order; --",
    "../../etc/passwd",
    "%00",
    "%%",
    "http://[",
    "//evil.example/",
    "javascript:alert(1)",
    "\u202etxt.exe",
    "\U0001d505\U0001d52c\U0001d52c\U0001d528",  # Fraktur "Book"
    "\ufb01",  # the fi ligature
    "x" * 3000,
    "reader@bookclub.test",
    " READER@bookclub.test ",
    "a@b",
    "pm_card_visa",
    "pm_123",
    "pi_123",
    "100001",
    "GB",
    "US",
    "on",
    "true",
]
VALUE = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(max_size=30),
    st.integers(-(10**12), 10**12).map(str),
)
# Header values as a WSGI server hands them over: latin-1 text without control characters.
HEADER = st.one_of(
    st.sampled_from(
        ["", "x", "books", "http://[", "http://testserver/books/", "https://evil.example", "null"]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=60),
)
PATH_PART = st.one_of(
    st.sampled_from(["0", "1", "-1", "100001", "x", "99999999999", "a" * 300]),
    st.text(min_size=1, max_size=20).map(lambda text: quote(text, safe="")),
)
NUMBER = st.one_of(st.integers(0, 10**6), st.sampled_from([2**31, 2**63 - 1, 2**64]))


@dataclass
class Endpoint:
    """One URL and what may be sent to it: ``fields`` are form (or query) fields, each drawn or
    left out; ``path`` may hold ``{}`` for a drawn path part; ``headers`` are drawn too."""

    method: str
    path: str
    fields: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    body: st.SearchStrategy | None = None  # a raw body (the webhook) instead of form fields
    path_parts: int = field(default=0)

    def __post_init__(self):
        self.path_parts = self.path.count("{}")


SENT: Counter = Counter()
STATUSES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    RESULTS.mkdir(exist_ok=True)
    database = django_settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    report = {
        "database": database,
        "requests": sum(SENT.values()),
        "statuses": dict(sorted(STATUSES.items())),
        "by_group": dict(SENT),
    }
    (RESULTS / f"fuzz-summary-{database}.json").write_text(json.dumps(report, indent=2))
    print(f"\nfuzz ({database}): {report['requests']} requests, statuses {report['statuses']}")


def send(client: Client, group: str, data, endpoint: Endpoint, **known_parts):
    """Draw what to send to ``endpoint``, send it, and fail on a 500 naming the request."""
    parts = [data.draw(PATH_PART) for _ in range(endpoint.path_parts)]
    path = endpoint.path.format(*parts, **known_parts)
    fields = {name: data.draw(VALUE) for name in endpoint.fields if data.draw(st.booleans())}
    if data.draw(st.integers(0, 9)) == 0:  # now and then a field nobody asked for
        fields[data.draw(st.text(min_size=1, max_size=10))] = data.draw(VALUE)
    headers = {name: data.draw(HEADER) for name in endpoint.headers if data.draw(st.booleans())}
    request = f"{endpoint.method} {path} fields={fields!r} headers={headers!r}"
    try:
        if endpoint.body is not None:
            body, extra = data.draw(endpoint.body)
            request = f"{endpoint.method} {path} body={body!r} headers={extra!r}"
            response = client.post(path, data=body, content_type="application/json", headers=extra)
        elif endpoint.method == "GET":
            response = client.get(path, fields, headers=headers)
        else:
            response = client.post(path, fields, headers=headers)
    except Exception as error:  # the test client re-raises what the view let out: a 500
        raise AssertionError(f"{request} raised {error!r}") from error
    SENT[group] += 1
    STATUSES[response.status_code] += 1
    assert response.status_code < 500, f"{request} answered {response.status_code}"


def fuzzing(examples: int):
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


ADDRESS = (
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "country",
    "phone_number",
)

# ---------------------------------------------------------------------------------------------
# A visitor: signing in and up, the basket, consent, search, the legal pages, unsubscribing
# ---------------------------------------------------------------------------------------------
VISITOR = [
    Endpoint("GET", "/", ("q", "page")),
    Endpoint("GET", "/books/", ("sort_by", "page", "q")),
    Endpoint("GET", "/books/new/", ("page",)),
    Endpoint("GET", "/books/coming-soon/", ("page",)),
    Endpoint("GET", "/books/authors/{}/", ("page",)),
    Endpoint("GET", "/books/series/{}/", ("page",)),
    Endpoint("GET", "/books/{}_{}/"),
    Endpoint("GET", "/search/", ("q", "sort_by", "page", "format")),
    Endpoint("GET", "/delivery/", ("country",)),
    Endpoint(
        "POST",
        "/accounts/login/",
        (
            "login-username",
            "login-password",
            "login-redirect_url",
            "login_submit",
            "registration-email",
            "registration-password1",
            "registration-password2",
            "registration-redirect_url",
            "registration_submit",
        ),
        ("Referer",),
    ),
    Endpoint("POST", "/accounts/register/", ("email", "password1", "password2", "redirect_url")),
    Endpoint("POST", "/password-reset/", ("email",)),
    Endpoint("GET", "/password-reset/confirm/{}/{}/"),
    Endpoint("POST", "/password-reset/confirm/{}/{}/", ("new_password1", "new_password2")),
    Endpoint("POST", "/basket/add/{book}/", ("quantity", "child_id", "next"), ("Referer",)),
    Endpoint("POST", "/basket/add/{}/", ("quantity",), ("Referer",)),
    Endpoint(
        "POST",
        "/basket/",
        (
            "form-TOTAL_FORMS",
            "form-INITIAL_FORMS",
            "form-0-id",
            "form-0-quantity",
            "form-0-DELETE",
            "form-0-save_for_later",
        ),
        ("Referer",),
    ),
    Endpoint("POST", "/basket/vouchers/add/", ("code",), ("Referer",)),
    Endpoint("POST", "/basket/vouchers/{}/remove/", (), ("Referer",)),
    Endpoint(
        "POST", "/cookies/consent/", ("choice", "next"), ("Origin", "Sec-Fetch-Site", "Sec-GPC", "Referer")
    ),
    Endpoint(
        "POST",
        "/cookies/preferences/",
        ("functional", "analytics", "next"),
        ("Origin", "Sec-Fetch-Site", "Sec-GPC"),
    ),
    Endpoint("GET", "/cookies/preferences/", ("next",), ("Sec-GPC",)),
    Endpoint("POST", "/cookies/beacon/", ("page",)),
    Endpoint("GET", "/legal/terms/", ()),
    Endpoint("GET", "/legal/terms/versions/", ()),
    Endpoint("GET", "/legal/terms/versions/{}/", ()),
    Endpoint("GET", "/legal/terms/versions/compare/", ("from", "to")),
    Endpoint("GET", "/unsubscribe/{}/"),
    Endpoint("POST", "/unsubscribe/{}/", ("List-Unsubscribe",)),
    Endpoint("POST", "/unsubscribe/{token}/", ("List-Unsubscribe",)),
    Endpoint("GET", "/accounts/order-status/{}/{}/"),
    Endpoint("GET", "/accounts/order-status-form/{}/{}/"),
    Endpoint("POST", "/accounts/alerts/create/{book}/", ("email",)),
    Endpoint("GET", "/accounts/alerts/confirm/{}/"),
    Endpoint("GET", "/accounts/alerts/cancel/key/{}/"),
    Endpoint("GET", "/wishlists/{}/"),
    Endpoint("GET", "/offers/{}/"),
]


@pytest.fixture
def visited_site(legal_documents_in_force):
    """Two versions of the terms to compare, a book, a reader and a marketing subscription."""
    publish_legal_version(
        "terms", title="Terms and Conditions of Sale", clause="Now from Bristol.", summary="v2"
    )
    book = BookFactory()
    reader = UserFactory(email="reader@bookclub.test")
    MarketingPreferences.objects.create(user=reader, newsletter=True)
    return {"book": book.pk, "token": marketing.unsubscribe_token(reader, "newsletter")}


@fuzzing(examples=850)
@given(data=st.data())
def test_a_visitor_never_gets_a_500(visited_site, data):
    endpoint = data.draw(st.sampled_from(VISITOR))
    send(Client(), "visitor", data, endpoint, **visited_site)


# ---------------------------------------------------------------------------------------------
# Checkout: a guest with a book in the basket, at every step
# ---------------------------------------------------------------------------------------------
CHECKOUT = [
    Endpoint("POST", "/checkout/", ("username", "options", "password"), ("Referer",)),
    Endpoint("POST", "/checkout/shipping-address/", (*ADDRESS, "address_id")),
    Endpoint("GET", "/checkout/shipping-method/"),
    Endpoint("POST", "/checkout/shipping-method/", ("method_code",)),
    Endpoint("GET", "/checkout/payment-details/"),
    Endpoint("GET", "/checkout/preview/"),
    Endpoint("POST", "/checkout/preview/", ("payment_method_id", "action")),
    Endpoint(
        "POST",
        "/checkout/preview/",
        ("action", "agree_terms", "confirm_age", "terms_version", "privacy_version", "payment_method_id"),
    ),
    Endpoint("GET", "/checkout/payment/return/", ("payment_intent",)),
    Endpoint("GET", "/checkout/thank-you/", ("order_number",)),
    Endpoint("GET", "/checkout/unavailable/"),
    Endpoint("POST", "/checkout/user-address/delete/{}/"),
]


@pytest.fixture
def guest_at_checkout(legal_documents_in_force, localstripe):
    """A guest who gave their email and address: every step is open to them."""
    client = Client()
    uk_shipping_country()
    add_to_basket(client, BookFactory())
    client.post("/checkout/", {"username": "guest@example.com", "options": "anonymous"})
    client.post("/checkout/shipping-address/", UK_ADDRESS)
    return client


@fuzzing(examples=350)
@given(data=st.data())
def test_the_checkout_never_answers_a_500(guest_at_checkout, data):
    send(guest_at_checkout, "checkout", data, data.draw(st.sampled_from(CHECKOUT)))


# ---------------------------------------------------------------------------------------------
# My Account: a signed-in reader with an order
# ---------------------------------------------------------------------------------------------
MY_ACCOUNT = [
    Endpoint("POST", "/accounts/profile/edit/", ("first_name", "last_name", "email")),
    Endpoint("POST", "/accounts/change-password/", ("old_password", "new_password1", "new_password2")),
    Endpoint("POST", "/accounts/addresses/add/", (*ADDRESS, "notes")),
    Endpoint("POST", "/accounts/addresses/{}/", ADDRESS),
    Endpoint("POST", "/accounts/addresses/{}/delete/"),
    Endpoint("POST", "/accounts/marketing/", ("newsletter", "special_offers", "club_news")),
    Endpoint("POST", "/accounts/privacy/sign-out-others/"),
    Endpoint("POST", "/accounts/profile/delete/", ("password",)),
    Endpoint("GET", "/accounts/orders/", ("date_from", "date_to", "order_number", "page")),
    Endpoint("GET", "/accounts/orders/{}/"),
    Endpoint("GET", "/accounts/orders/{order}/{}/"),
    Endpoint("POST", "/accounts/orders/{order}/{}/", ("action",)),
    Endpoint("POST", "/accounts/orders/{order}/", ("action", "order_id")),
    Endpoint("GET", "/accounts/emails/{}/"),
    Endpoint("POST", "/accounts/wishlists/create/", ("name", "visibility")),
    Endpoint("POST", "/accounts/notifications/update/", ("selected_notification", "action")),
    Endpoint("POST", "/books/x_{book}/reviews/add/", ("title", "score", "body")),
    Endpoint("POST", "/checkout/", ("username", "options", "password")),
    Endpoint("GET", "/accounts/privacy/my-data.json"),
]


@pytest.fixture
def reader_with_an_order(client, legal_documents_in_force):
    from shop.shipping.defaults import install_default_rules

    install_default_rules()
    reader = UserFactory()
    book = BookFactory()
    order = place_order(make_basket(book, owner=reader))
    return reader, {"order": order.number, "book": book.pk}


@fuzzing(examples=300)
@given(data=st.data())
def test_my_account_never_answers_a_500(reader_with_an_order, data):
    reader, known = reader_with_an_order
    client = Client()
    client.force_login(reader)  # each request signed in, whatever the one before changed
    send(client, "my account", data, data.draw(st.sampled_from(MY_ACCOUNT)), **known)


# ---------------------------------------------------------------------------------------------
# The Stripe webhook: junk signed with our secret (as only Stripe could sign it), and unsigned
# ---------------------------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
EVENT_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=30), st.integers(), st.just("evt_fuzz")),
        "object": st.just("event"),
        "type": st.one_of(
            st.sampled_from(["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"]),
            JSON,
        ),
        "data": st.one_of(
            JSON, st.fixed_dictionaries({"object": st.one_of(JSON, st.fixed_dictionaries({"id": JSON}))})
        ),
    },
)


@st.composite
def webhook_bodies(draw):
    body = draw(st.one_of(EVENT_LIKE.map(json.dumps), JSON.map(json.dumps), st.text(max_size=200)))
    if draw(st.booleans()):  # signed with our endpoint's secret
        timestamp = int(time.time())
        key = django_settings.STRIPE_WEBHOOK_SECRET.encode()
        signature = hmac.new(key, f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
        return body, {"Stripe-Signature": f"t={timestamp},v1={signature}"}
    return body, {"Stripe-Signature": draw(HEADER)}


WEBHOOK = [Endpoint("POST", "/stripe/webhook/", body=webhook_bodies())]


@fuzzing(examples=400)
@given(data=st.data())
def test_the_stripe_webhook_never_answers_a_500(data, localstripe):
    send(Client(), "webhook", data, WEBHOOK[0])
