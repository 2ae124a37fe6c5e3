"""A shared cache of whole pages, for every reader: first visit, returning or signed in.

A browse page (home, catalogue, book, search, legal and club pages) is the same for everyone but
the header's personal corner: the basket count and the account links. So the page is always
built as a first-time visitor would see it, from a copy of the request without the reader's
cookies (no session, no basket, not signed in, no messages), and that copy is stored in the
shared cache and served to every reader without touching the database. The personal corner is
filled in by the page's script from ``/_header/`` (``website.views.personal_header``), which is
never cached. Nothing of a reader can enter a stored page: the view that builds it never sees
their cookies.

- Private paths (My Account, basket, checkout, dashboards, the cookie preferences and
  unsubscribe pages) are never shared: they get the reader's own request, as before.
- A reader with a message waiting (the ``messages`` cookie) gets the page built for them, so
  the message shows; that response deletes the cookie and is not stored.
- A shared build that cannot be stored (a redirect to sign in, a cookie set, ``private``) is
  not what this reader should get either: the page is built again from their own request.

Every stored page belongs to a content generation; saving a product, its stock, a page or
the site settings starts a new one (website.receivers), so no page outlives what it shows.
The timeout is the backstop for what changes with the clock alone (a book published today).
"""

import copy
import hashlib

from django.core.cache import cache
from django.http import HttpResponse

from shop.generations import Generation

PAGES = Generation("website:pages:generation")
TIMEOUT = 5 * 60
# Pages that differ per person or must never be shared.
PRIVATE_PREFIXES = (
    "/cms/",
    "/dashboard/",
    "/django-admin/",
    "/accounts/",
    "/basket/",
    "/checkout/",
    "/stripe/",
    "/cookies/",
    "/unsubscribe/",
    "/_header/",
)
# Cookies that never change what the server renders: the consent banner is shown or hidden and
# analytics loaded by static/js/consent.js, so they stay on the shared copy of the request.
SHAREABLE_COOKIES = frozenset({"bookclub_consent", "bookclub_analytics"})
# A flash message waiting for this reader (MESSAGE_STORAGE keeps them in this cookie only).
MESSAGES_COOKIE = "messages"


def _key(request) -> str:
    generation = PAGES.current()
    # Hashed: a long query string must not make a key some cache backends refuse (memcached: 250).
    address = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"website:page:{generation}:{address}"


def shared_path(request) -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(PRIVATE_PREFIXES)


def _anonymous_copy(request):
    """The request as a first-time visitor would send it: only the shareable cookies."""
    shared = copy.copy(request)
    shared.COOKIES = {name: value for name, value in request.COOKIES.items() if name in SHAREABLE_COOKIES}
    shared.META = dict(request.META)
    shared.META.pop("HTTP_COOKIE", None)
    if hasattr(request, "environ"):  # WSGI: the same dict as META
        shared.environ = shared.META
    shared.shared_page = True  # templates: the personal corner comes from /_header/
    return shared


def _storable(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in response.get("Cache-Control", "")
    )


class SharedPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not shared_path(request) or request.COOKIES.get(MESSAGES_COOKIE):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            response["Content-Length"] = len(content)
            response["X-Page-Cache"] = "hit"
            return response
        shared = _anonymous_copy(request)
        response = self.get_response(shared)
        if _storable(shared, response):
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
            response["X-Page-Cache"] = "miss"
            return response
        if request.COOKIES.keys() - SHAREABLE_COOKIES:
            return self.get_response(request)  # not a page for everyone: build this reader's own
        return response
