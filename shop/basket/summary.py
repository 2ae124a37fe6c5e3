"""The header's basket count: one cheap query, and never a basket created just to read it."""

from django.conf import settings
from django.core.signing import BadSignature, Signer
from django.db.models import Q, Sum
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")


def _cookie_basket_id(request) -> str | None:
    cookie = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
    if not cookie:
        return None
    try:
        return Signer().unsign(cookie)
    except BadSignature:
        return None


def item_count(request) -> int:
    """Items in the visitor's open basket (a cookie basket counts until it is merged at sign-in)."""
    loaded = getattr(request, "_basket_cache", None)
    if loaded is not None:  # the page has loaded the full basket already: reuse it
        return loaded.num_items
    cookie_basket_id = _cookie_basket_id(request)
    whose = Q(basket_id=cookie_basket_id, basket__owner=None) if cookie_basket_id else Q(pk__in=[])
    if request.user.is_authenticated:
        whose |= Q(basket__owner=request.user)
    elif cookie_basket_id is None:
        return 0
    lines = Line.objects.filter(whose, basket__status=Basket.OPEN)
    return lines.aggregate(items=Sum("quantity"))["items"] or 0
