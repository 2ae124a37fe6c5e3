import zlib

from django import template

register = template.Library()


@register.filter
def first_image(product):
    """The product's first image from the prefetched images, without a query of its own."""
    images = list(product.images.all())
    return images[0] if images else None


# Typeset covers come in this many hues, one class each in static/css/site.css (a class, not a
# style attribute: the Content-Security-Policy allows no inline styles).
COVER_HUES = 24


# ... and in this many designs (classes cover--style-0..3 in site.css): plain board, paper band,
# stripes, a circle. A series shares its design as it shares its hue, like a publisher's series.
COVER_STYLES = 4


def _cover_seed(product) -> str:
    work = product.work
    return f"series-{work.series_id}" if work and work.series_id else f"work-{product.work_id or product.id}"


@register.filter
def cover_style(product) -> int:
    """A stable design for a typeset cover, 0 to COVER_STYLES - 1 (issue 15)."""
    return zlib.crc32(f"style-{_cover_seed(product)}".encode()) % COVER_STYLES


@register.filter
def cover_hue(product) -> int:
    """A stable colour for a typeset cover, 0 to COVER_HUES - 1: books of one series share it."""
    return zlib.crc32(_cover_seed(product).encode()) % COVER_HUES
