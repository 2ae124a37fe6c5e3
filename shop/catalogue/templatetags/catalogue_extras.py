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


@register.filter
def cover_hue(product) -> int:
    """A stable colour for a typeset cover, 0 to COVER_HUES - 1: books of one series share it."""
    work = product.work
    seed = f"series-{work.series_id}" if work and work.series_id else f"work-{product.work_id or product.id}"
    return zlib.crc32(seed.encode()) % COVER_HUES
