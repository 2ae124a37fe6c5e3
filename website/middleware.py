"""Request hygiene for the whole site, before any view reads the request."""

from urllib.parse import urlsplit


class RefererMiddleware:
    """Forget a Referer that is not an absolute http(s) address.

    Browsers only ever send absolute addresses. Oscar's views send the reader back to the
    Referer (``redirect_to_referrer``) and take a bare word such as ``books`` for a URL name to
    reverse: NoReverseMatch, a 500 (issue 10). Without the header they fall back to their own
    default page, as they do for a visitor whose browser sends none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        referer = request.META.get("HTTP_REFERER")
        if referer is not None and not is_absolute_web_address(referer):
            del request.META["HTTP_REFERER"]
        return self.get_response(request)


def is_absolute_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
