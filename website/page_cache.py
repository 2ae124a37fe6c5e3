"""A shared cache of whole pages for first-time visitors (no cookies at all).

Such a visitor sees exactly what every other one sees: no basket, not signed in, no
messages. Their pages are stored in the shared cache and served without touching the
database. A response that sets a cookie (a CSRF token, a session, a basket) is never stored,
and any request that carries a cookie goes past the cache to the site.

Every stored page belongs to a content generation; saving a product, its stock, a page or
the site settings starts a new one (website.receivers), so no page outlives what it shows.
The timeout is the backstop for what changes with the clock alone (a book published today).
"""

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
)
# Cookies that never change what the server renders: the consent banner is shown or hidden and
# analytics loaded by static/js/consent.js, so a reader who has chosen still shares cached pages.
SHAREABLE_COOKIES = frozenset({"bookclub_consent", "bookclub_analytics"})


def _key(request) -> str:
    generation = PAGES.current()
    # Hashed: a long query string must not make a key some cache backends refuse (memcached: 250).
    address = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"website:page:{generation}:{address}"


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not (request.COOKIES.keys() - SHAREABLE_COOKIES)
        and not request.path.startswith(PRIVATE_PREFIXES)
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            response["Content-Length"] = len(content)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            request.method == "GET"
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
        ):
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
            response["X-Page-Cache"] = "miss"
        return response
