"""Generated cover images for demo books: the title and author set on a coloured board."""

import colorsys
import io
import textwrap
import zlib
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 400, 600
SERIF_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@lru_cache(maxsize=8)
def _font(path: Path, size: int):
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size=size)


def _rgb(hue: float, saturation: float, lightness: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return int(r * 255), int(g * 255), int(b * 255)


def cover_png(*, title: str, author: str, colour_seed: str) -> bytes:
    """A 400x600 PNG cover; books sharing ``colour_seed`` (a series) share a colour."""
    hue = zlib.crc32(colour_seed.encode()) % 360
    image = Image.new("RGB", (WIDTH, HEIGHT), _rgb(hue, 0.45, 0.28))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 14, HEIGHT], fill=_rgb(hue, 0.4, 0.16))  # the spine edge
    draw.rectangle([40, 60, WIDTH - 40, 64], fill=_rgb(hue, 0.5, 0.75))
    y = 100
    for line in textwrap.wrap(title, width=13)[:6]:
        draw.text((40, y), line, font=_font(SERIF_BOLD, 38), fill=(250, 246, 238))
        y += 52
    draw.rectangle([40, HEIGHT - 120, WIDTH - 40, HEIGHT - 117], fill=_rgb(hue, 0.5, 0.75))
    draw.text((40, HEIGHT - 100), author.upper(), font=_font(SANS, 20), fill=(240, 232, 220))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
