"""The delivery line on a book page (R-D6): when a copy ordered now should arrive."""

from django import template
from django.utils import timezone

from shop.shipping import estimates, rules

register = template.Library()


@register.simple_tag
def delivery_estimate(product) -> dict:
    """How this product, ordered now, reaches the reader: {"kind": "download", "post" or "none", ...}."""
    if product is None:
        return {"kind": "none"}
    if not product.is_shipping_required:
        return {"kind": "download"}
    method = rules.first_uk_method()
    if method is None:
        return {"kind": "none"}
    now = timezone.now()
    local = timezone.localtime(now)
    return {
        "kind": "post",
        "method": method,
        "date": estimates.typical_estimate(method, now, publication=product.publication_date),
        "pre_order": not product.is_published(),
        "cut_off": estimates.CUT_OFF,
        "before_cut_off": estimates.is_working_day(local.date()) and local.time() < estimates.CUT_OFF,
    }


@register.filter
def ships_abroad(order_or_address) -> bool:
    """True for an order (or address) going outside the UK: show the duties notice (R-D2).

    Usage: ``{% if order|ships_abroad %}{% include "shop/includes/duties_notice.html" %}{% endif %}``
    """
    address = getattr(order_or_address, "shipping_address", order_or_address)
    return address is not None and rules.is_international(address)
