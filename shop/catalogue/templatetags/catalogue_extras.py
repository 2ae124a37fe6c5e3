import zlib

from django import template

register = template.Library()


@register.filter
def first_image(product):
    """The product's first image from the prefetched images, without a query of its own."""
    images = list(product.images.all())
    return images[0] if images else None


@register.filter
def cover_hue(product) -> int:
    """A stable colour for a typeset cover: books of one series share it."""
    work = product.work
    seed = f"series-{work.series_id}" if work and work.series_id else f"work-{product.work_id or product.id}"
    return zlib.crc32(seed.encode()) % 360
