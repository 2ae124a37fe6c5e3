"""Security headers (issue 10): a Content-Security-Policy the site, Stripe.js and the staff tools
work under, Cross-Origin-Resource-Policy, and the grade Mozilla's HTTP Observatory gives the
headers the production settings send (its scoring rules are in ``observatory_score``)."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from tests.factories import BookFactory
from tests.website.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "STAFF_TOOL_PREFIXES",
]


@pytest.fixture(scope="module")
def production_security():
    """The security settings as the production profile computes them (in its own process)."""
    code = (
        "import json; from django.conf import settings as s;"
        f"print(json.dumps({{name: getattr(s, name) for name in {SECURITY_SETTINGS!r}}}"
        " | {'CONTENT_SECURITY_POLICY': s.CONTENT_SECURITY_POLICY,"
        " 'STAFF': s.STAFF_CONTENT_SECURITY_POLICY}))"
    )
    result = manage("shell", "-v0", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def production_headers(settings, production_security):
    values = dict(production_security)
    settings.CONTENT_SECURITY_POLICY = values.pop("CONTENT_SECURITY_POLICY")
    settings.STAFF_CONTENT_SECURITY_POLICY = values.pop("STAFF")
    for name, value in values.items():
        setattr(settings, name, value)
    settings.SECURE_SSL_REDIRECT = False  # the requests below come over HTTPS already


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


# ---------------------------------------------------------------------------------------------
# Mozilla's HTTP Observatory, its tests and scores as published on MDN ("Tests and scoring"),
# for what a response's headers and HTML show. Redirection (HTTP to HTTPS: SECURE_SSL_REDIRECT)
# and CORS (we send no Access-Control-Allow-Origin) score 0 and are left out.
# ---------------------------------------------------------------------------------------------
GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"), (50, "C")]
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "data:", "*", "http:", "https:"}


def observatory_score(response) -> tuple[int, dict[str, int]]:
    scores = {}
    policy = directives(response) if "Content-Security-Policy" in response else None
    if policy is None:
        scores["csp"] = -25
    else:
        scripts = set(policy.get("script-src", policy.get("default-src", [])))
        if scripts & UNSAFE_SCRIPT_SOURCES or "'unsafe-inline'" in policy.get("default-src", []):
            scores["csp"] = -20
        elif "'unsafe-eval'" in scripts:
            scores["csp"] = -10
        else:
            scores["csp"] = 10 if policy.get("default-src") == ["'none'"] else 0
    scores["cookies"] = _cookies_score(response)
    referrer = response.get("Referrer-Policy", "")
    private = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    scores["referrer-policy"] = 5 if referrer and set(referrer.split(",")) <= private else 0
    hsts = re.search(r"max-age=(\d+)", response.get("Strict-Transport-Security", ""))
    scores["hsts"] = -20 if not hsts else (0 if int(hsts.group(1)) >= 15_552_000 else -10)
    scores["sri"] = _sri_score(response)
    scores["x-content-type-options"] = 0 if response.get("X-Content-Type-Options") == "nosniff" else -5
    if policy is not None and "frame-ancestors" in policy:
        scores["x-frame-options"] = 5
    else:
        scores["x-frame-options"] = 0 if response.get("X-Frame-Options") in ("DENY", "SAMEORIGIN") else -20
    corp = response.get("Cross-Origin-Resource-Policy")
    scores["cross-origin-resource-policy"] = (
        0 if corp in (None, "same-origin", "same-site", "cross-origin") else -5
    )
    penalties = 100 + sum(score for score in scores.values() if score < 0)
    # Bonus points count only for a site that already scores an A without them.
    total = penalties + (sum(score for score in scores.values() if score > 0) if penalties >= 90 else 0)
    return total, scores


def _cookies_score(response) -> int:
    if not response.cookies:
        return 0
    for name, cookie in response.cookies.items():
        if not cookie["secure"]:
            return -20
        if "session" in name and not cookie["httponly"]:
            return -30
    return 5 if all(cookie["samesite"] for cookie in response.cookies.values()) else 0


def _sri_score(response) -> int:
    scripts = BeautifulSoup(response.content, "html.parser").find_all("script", src=True)
    external = [s for s in scripts if re.match(r"(https?:)?//", s["src"])]
    if not external:
        return 0  # no script, or every script from this site
    return 5 if all(s.get("integrity") for s in external) else -5


def grade(score: int) -> str:
    return next((letter for floor, letter in GRADES if score >= floor), "F")


# ---------------------------------------------------------------------------------------------
def test_the_production_headers_grade_a_plus(production_headers):
    """Issue 10: B (75) without a Content-Security-Policy; the production headers now make A+."""
    home = Client().get("/", secure=True)
    assert home.status_code == 200
    score, scores = observatory_score(home)
    assert (score, grade(score)) == (120, "A+"), scores
    assert scores == {
        "csp": 10,
        "cookies": 0,  # a first visit to the home page sets no cookie
        "referrer-policy": 5,
        "hsts": 0,
        "sri": 0,
        "x-content-type-options": 0,
        "x-frame-options": 5,
        "cross-origin-resource-policy": 0,
    }
    assert home["Cross-Origin-Resource-Policy"] == "same-origin"
    assert home["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_page_that_sets_cookies_keeps_the_grade(production_headers):
    client = Client()
    response = client.get(reverse("customer:login"), secure=True)
    assert response.cookies, "the sign-in page sets the CSRF cookie"
    score, scores = observatory_score(response)
    assert grade(score) == "A+" and scores["cookies"] == 5, scores


def test_without_the_policy_the_grade_was_b(production_headers, settings):
    settings.CONTENT_SECURITY_POLICY = None
    home = Client().get("/", secure=True)
    assert "Content-Security-Policy" not in home
    score, _scores = observatory_score(home)
    assert (score, grade(score)) == (75, "B")


def test_the_site_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    policy = directives(Client().get("/"))
    assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "frame-src" not in policy  # no frames outside the checkout


def test_cached_pages_and_static_files_carry_the_headers(settings):
    from tests.website.test_page_cache import site_settings

    site_settings.__wrapped__()  # Wagtail creates its settings rows on first use: a content change
    url = BookFactory().get_absolute_url()
    first, again = Client().get(url), Client().get(url)
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["Cross-Origin-Resource-Policy"] == "same-origin"
    settings.WHITENOISE_USE_FINDERS = True  # whitenoise serves static/ as it is, without collectstatic
    stylesheet = Client().get("/static/css/site.css")
    assert stylesheet.status_code == 200 and stylesheet["Cross-Origin-Resource-Policy"] == "same-origin"


def test_checkout_pages_may_load_stripe_js_from_its_configured_address(settings):
    settings.STRIPE_JS_URL = "http://127.0.0.1:8420/js.stripe.com/v3/"  # localstripe, as in the demo
    policy = directives(Client().get(reverse("checkout:index")))
    assert policy["script-src"] == ["'self'", "http://127.0.0.1:8420"]
    assert "http://127.0.0.1:8420" in policy["connect-src"] and policy["frame-src"] == [
        "http://127.0.0.1:8420"
    ]

    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    policy = directives(Client().get(reverse("checkout:index")))
    assert "https://js.stripe.com" in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"]
    assert (
        "https://hooks.stripe.com" in policy["frame-src"]
        and "https://api.stripe.com" in policy["connect-src"]
    )
    assert "https://js.stripe.com" not in directives(Client().get("/"))["script-src"]  # the checkout only


@pytest.mark.parametrize("path", ["/cms/login/", "/dashboard/login/", "/django-admin/login/"])
def test_the_staff_tools_have_their_own_policy(path):
    response = Client().get(path)
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["default-src"] == ["'none'"]


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.I,
)


def test_no_page_template_carries_inline_script_or_style():
    """What the site's policy refuses, found before a browser meets it. Emails are not pages, and
    the staff tools' templates have their own policy."""
    from tests.conftest import ROOT

    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        relative = template.relative_to(ROOT / "templates").as_posix()
        if "emails/" in relative or relative.startswith("oscar/dashboard/"):
            continue
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"templates/{relative}:{number}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)
