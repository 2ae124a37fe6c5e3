"""Security headers of every response: the Content-Security-Policy and Cross-Origin-Resource-Policy.

The policies are in settings (``CONTENT_SECURITY_POLICY`` for the site, ``STAFF_CONTENT_SECURITY_POLICY``
for the staff tools); this middleware, django-csp's with three additions, decides per request:

- the staff tools (``STAFF_TOOL_PREFIXES``: the Wagtail admin, Oscar's dashboard, Django's admin)
  run Wagtail's and Oscar's own templates, whose inline scripts and styles their policy allows;
- the checkout pages, joining a plan, My Account's subscriptions (a card to save or replace) and
  ``STRIPE_PAGE_PREFIXES`` (a monthly charge's 3-D Secure page) may load Stripe.js from its
  configured address (``STRIPE_JS_URL``:
  Stripe, or localstripe in the tests and the demo) and let it talk to Stripe;
- ``Cross-Origin-Resource-Policy: same-origin``: no other site may embed our responses.

It sits above the page cache, so pages served from the cache get the same headers.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse

from shop.payment import stripe_api

STRIPE_JS_ORIGIN = "https://js.stripe.com"
# What Stripe's own documentation asks of a Content-Security-Policy for Stripe.js and 3-D Secure.
STRIPE_SOURCES = {
    "script-src": [STRIPE_JS_ORIGIN, "https://*.js.stripe.com"],
    "frame-src": [STRIPE_JS_ORIGIN, "https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
    "img-src": ["https://*.stripe.com"],
}


def stripe_sources() -> dict[str, list[str]]:
    """The sources Stripe.js needs, for the Stripe.js the settings name."""
    address = urlsplit(stripe_api.js_url())
    origin = f"{address.scheme}://{address.netloc}"
    if origin == STRIPE_JS_ORIGIN:
        return STRIPE_SOURCES
    # localstripe (or another Stripe-compatible server) serves its script and answers its calls.
    return {"script-src": [origin], "frame-src": [origin], "connect-src": [origin]}


def uses_stripe_js(path: str) -> bool:
    """The pages where a card is typed or a bank's 3-D Secure check runs."""
    prefixes = (
        reverse("checkout:index"),
        "/club/join/",
        reverse("bookclub:subscriptions"),
        *settings.STRIPE_PAGE_PREFIXES,
    )
    return path.startswith(prefixes)


class SecurityHeadersMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        path = request.path_info
        if parts.config is None and path.startswith(tuple(settings.STAFF_TOOL_PREFIXES)):
            parts.config = settings.STAFF_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        if uses_stripe_js(path):
            update = dict(parts.update or {})
            for directive, sources in stripe_sources().items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
