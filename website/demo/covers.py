"""Generated cover images for demo books, drawn like a small publisher's list (issue 15).

Each cover is one of several designs (a framed classic, a three-band paperback, a sun over the
horizon, a bold modern type cover, a dotted grid with a label, stacked arches), in one of a set
of printed-looking palettes, with its own type choices and author placement. Everything is
chosen from the book's ``colour_seed`` (its series, else its own slug) and its title, through a
seeded ``random.Random``: the same book always gets the same cover, books in a series share a
design and palette (as a publisher's series does) and differ in their details.

Our own drawing code on Pillow, with the DejaVu and Liberation fonts Debian ships (Pillow's
built-in font when they are missing).
"""

import io
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 400, 600
FONTS = Path("/usr/share/fonts/truetype")
SERIF_BOLD = FONTS / "dejavu/DejaVuSerif-Bold.ttf"
SERIF_ITALIC = FONTS / "liberation/LiberationSerif-Italic.ttf"
SERIF = FONTS / "liberation/LiberationSerif-Regular.ttf"
SERIF_CONDENSED = FONTS / "dejavu/DejaVuSerifCondensed-Bold.ttf"
SANS = FONTS / "dejavu/DejaVuSans.ttf"
SANS_BOLD = FONTS / "dejavu/DejaVuSans-Bold.ttf"
SANS_CONDENSED = FONTS / "dejavu/DejaVuSansCondensed-Bold.ttf"
SANS_NARROW = FONTS / "liberation/LiberationSansNarrow-Bold.ttf"
SANS_LIGHT = FONTS / "dejavu/DejaVuSans-ExtraLight.ttf"

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    board: RGB  # the main ground
    accent: RGB  # shapes and bands
    ink: RGB  # type on the board
    paper: RGB  # a light ground for labels and bands
    paper_ink: RGB  # type on paper


def _hex(value: str) -> RGB:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


PALETTES = [
    Palette(*map(_hex, ("#1f3a5f", "#e0a340", "#f7f1e3", "#f7f1e3", "#1f3a5f"))),  # navy and ochre
    Palette(*map(_hex, ("#7a2e3a", "#f0c987", "#fbf3e6", "#fbf3e6", "#5c1f2a"))),  # burgundy
    Palette(*map(_hex, ("#2f5d50", "#e9b872", "#f4efe1", "#f4efe1", "#203f36"))),  # bottle green
    Palette(*map(_hex, ("#e7dcc6", "#c0392b", "#2b2b2b", "#2b2b2b", "#e7dcc6"))),  # cream and red
    Palette(*map(_hex, ("#f2e6d0", "#2a6f97", "#1d2a38", "#1d2a38", "#f2e6d0"))),  # sand and blue
    Palette(*map(_hex, ("#d96c3f", "#2c2a4a", "#fff8ec", "#fff8ec", "#2c2a4a"))),  # orange
    Palette(*map(_hex, ("#2c2a4a", "#f2a65a", "#f5efe6", "#f5efe6", "#2c2a4a"))),  # indigo
    Palette(*map(_hex, ("#ede3cf", "#3d6b45", "#23302a", "#23302a", "#ede3cf"))),  # linen and green
    Palette(*map(_hex, ("#4a4e69", "#c9ada7", "#f2e9e4", "#f2e9e4", "#22223b"))),  # slate and rose
    Palette(*map(_hex, ("#f6d55c", "#20639b", "#1b1b1b", "#1b1b1b", "#f6d55c"))),  # yellow
    Palette(*map(_hex, ("#17303b", "#5fa8a0", "#eef3ee", "#eef3ee", "#17303b"))),  # deep teal
    Palette(*map(_hex, ("#9c4f2e", "#f3d9b1", "#fff6e8", "#fff6e8", "#5a2a16"))),  # terracotta
]


@lru_cache(maxsize=64)
def _font(path: Path, size: int):
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Words on as few lines as fit ``width`` pixels (a long word gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(draw, text: str, path: Path, *, width: int, height: int, largest: int, smallest: int = 18):
    """The largest size from ``largest`` down whose wrapped lines fit the box; its font and lines."""
    size = largest
    while True:
        font = _font(path, size)
        lines = _wrap(draw, text, font, width)
        widest = max(draw.textlength(line, font=font) for line in lines)
        if (widest <= width and len(lines) * size * 1.18 <= height) or size <= smallest:
            return font, lines[:6]
        size -= 2


def _text_block(draw, lines, font, *, x: int, y: int, width: int, fill: RGB, align: str = "left") -> int:
    """Draws ``lines`` from ``y``; returns the y below them."""
    step = int(font.size * 1.18)
    for line in lines:
        length = draw.textlength(line, font=font)
        left = {"left": x, "center": x + (width - length) / 2, "right": x + width - length}[align]
        draw.text((left, y), line, font=font, fill=fill)
        y += step
    return y


def _block_height(lines, font) -> int:
    return int(len(lines) * font.size * 1.18)


def _mix(a: RGB, b: RGB, share: float) -> RGB:
    return tuple(int(x + (y - x) * share) for x, y in zip(a, b, strict=True))


# The designs: each draws the whole cover on ``image`` and takes its choices from ``rng``.


def _classic(image, draw, p: Palette, rng, title: str, author: str) -> None:
    """A framed board: double rule, a centred serif title, an ornament, the author below."""
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=p.board)
    inset = rng.choice([22, 26, 30])
    draw.rectangle([inset, inset, WIDTH - inset, HEIGHT - inset], outline=p.accent, width=3)
    draw.rectangle([inset + 8, inset + 8, WIDTH - inset - 8, HEIGHT - inset - 8], outline=p.accent, width=1)
    face = rng.choice([SERIF_BOLD, SERIF_ITALIC, SERIF])
    font, lines = _fit(draw, title, face, width=WIDTH - 2 * inset - 60, height=230, largest=50)
    top = 150 - _block_height(lines, font) // 4
    bottom = _text_block(
        draw, lines, font, x=inset, y=top, width=WIDTH - 2 * inset, fill=p.ink, align="center"
    )
    middle = WIDTH // 2
    y = bottom + 26
    draw.polygon([(middle, y - 9), (middle + 9, y), (middle, y + 9), (middle - 9, y)], fill=p.accent)
    draw.line([(middle - 70, y), (middle - 18, y)], fill=p.accent, width=2)
    draw.line([(middle + 18, y), (middle + 70, y)], fill=p.accent, width=2)
    by = _font(SANS, 19)
    _text_block(
        draw,
        [author.upper()],
        by,
        x=inset,
        y=HEIGHT - inset - 70,
        width=WIDTH - 2 * inset,
        fill=p.ink,
        align="center",
    )


def _three_bands(image, draw, p: Palette, rng, title: str, author: str) -> None:
    """The classic paperback: coloured bands above and below a paper band with the title."""
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=p.board)
    top, bottom = rng.choice([(190, 400), (170, 420), (210, 390)])
    draw.rectangle([0, top, WIDTH, bottom], fill=p.paper)
    draw.line([(0, top + 6), (WIDTH, top + 6)], fill=p.accent, width=2)
    draw.line([(0, bottom - 6), (WIDTH, bottom - 6)], fill=p.accent, width=2)
    face = rng.choice([SERIF_BOLD, SANS_BOLD, SERIF])
    font, lines = _fit(draw, title, face, width=WIDTH - 70, height=bottom - top - 50, largest=44)
    y = top + (bottom - top - _block_height(lines, font)) // 2
    _text_block(draw, lines, font, x=0, y=y, width=WIDTH, fill=p.paper_ink, align="center")
    by = _font(SANS, 21)
    _text_block(draw, [author], by, x=0, y=top - 60, width=WIDTH, fill=p.ink, align="center")
    # A little emblem in the lower band, as a series' mark.
    cx, cy = WIDTH // 2, bottom + (HEIGHT - bottom) // 2
    radius = 26
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=p.ink, width=3)
    draw.ellipse([cx - 9, cy - 9, cx + 9, cy + 9], fill=p.accent)


def _sun(image, draw, p: Palette, rng, title: str, author: str) -> None:
    """A sun (or moon) over a horizon of stripes; the author above, the title below."""
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=p.paper)
    cx = rng.choice([130, 200, 270])
    radius = rng.choice([80, 95, 110])
    horizon = 330
    draw.ellipse([cx - radius, horizon - radius - 40, cx + radius, horizon + radius - 40], fill=p.accent)
    draw.rectangle([0, horizon, WIDTH, HEIGHT], fill=p.board)
    for stripe in range(4):
        y = horizon + 10 + stripe * (8 + stripe * 3)
        draw.rectangle([0, y, WIDTH, y + 3 + stripe], fill=_mix(p.board, p.accent, 0.35))
    by = _font(SANS_CONDENSED, 20)
    _text_block(draw, [author.upper()], by, x=36, y=40, width=WIDTH - 72, fill=p.paper_ink, align="left")
    face = rng.choice([SERIF_ITALIC, SERIF_BOLD])
    font, lines = _fit(draw, title, face, width=WIDTH - 72, height=170, largest=46)
    _text_block(
        draw, lines, font, x=36, y=HEIGHT - 40 - _block_height(lines, font), width=WIDTH - 72, fill=p.ink
    )


def _modern(image, draw, p: Palette, rng, title: str, author: str) -> None:
    """Big condensed type on a plain board, a heavy rule, the author set small at the top."""
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=p.board)
    face = rng.choice([SANS_CONDENSED, SANS_NARROW, SANS_BOLD])
    font, lines = _fit(draw, title.upper(), face, width=WIDTH - 64, height=330, largest=72, smallest=24)
    y = HEIGHT - 60 - _block_height(lines, font)
    draw.rectangle([32, y - 34, 32 + rng.choice([90, 140, 200]), y - 22], fill=p.accent)
    _text_block(draw, lines, font, x=32, y=y, width=WIDTH - 64, fill=p.ink)
    by = _font(SANS_LIGHT if SANS_LIGHT.exists() else SANS, 22)
    author_align = rng.choice(["left", "right"])
    _text_block(draw, [author], by, x=32, y=40, width=WIDTH - 64, fill=p.ink, align=author_align)


def _dots(image, draw, p: Palette, rng, title: str, author: str) -> None:
    """A grid of dots on the board, and a paper label carrying title and author."""
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=p.board)
    gap = rng.choice([24, 28, 32])
    dot = _mix(p.board, p.accent, 0.55)
    for row in range(HEIGHT // gap + 1):
        for column in range(WIDTH // gap + 1):
            x = column * gap + (gap // 2 if row % 2 else 0)
            y = row * gap
            size = 3 + (row * column) % 3
            draw.ellipse([x - size, y - size, x + size, y + size], fill=dot)
    label_top = rng.choice([120, 170, 220])
    face = rng.choice([SERIF_BOLD, SERIF_ITALIC])
    font, lines = _fit(draw, title, face, width=WIDTH - 120, height=180, largest=40)
    height = _block_height(lines, font) + 110
    draw.rectangle([40, label_top, WIDTH - 40, label_top + height], fill=p.paper, outline=p.accent, width=4)
    y = _text_block(
        draw, lines, font, x=40, y=label_top + 30, width=WIDTH - 80, fill=p.paper_ink, align="center"
    )
    draw.line([(WIDTH // 2 - 40, y + 12), (WIDTH // 2 + 40, y + 12)], fill=p.accent, width=2)
    _text_block(
        draw, [author], _font(SANS, 18), x=40, y=y + 26, width=WIDTH - 80, fill=p.paper_ink, align="center"
    )


def _arches(image, draw, p: Palette, rng, title: str, author: str) -> None:
    """Nested arches rising from the foot; the title set large at the top, the author at the side."""
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=p.board)
    colours = [p.accent, p.paper, _mix(p.board, p.accent, 0.5), p.board]
    cx = rng.choice([WIDTH // 2, 120, 280])
    for ring, radius in enumerate(range(230, 30, -40)):
        colour = colours[ring % len(colours)]
        draw.pieslice([cx - radius, HEIGHT - radius, cx + radius, HEIGHT + radius], 180, 360, fill=colour)
    face = rng.choice([SERIF_CONDENSED, SANS_CONDENSED, SERIF_BOLD])
    font, lines = _fit(draw, title, face, width=WIDTH - 70, height=250, largest=54)
    y = _text_block(draw, lines, font, x=35, y=42, width=WIDTH - 70, fill=p.ink)
    _text_block(draw, [author], _font(SERIF_ITALIC, 24), x=35, y=y + 14, width=WIDTH - 70, fill=p.ink)


DESIGNS = [_classic, _three_bands, _sun, _modern, _dots, _arches]


def cover_png(*, title: str, author: str, colour_seed: str) -> bytes:
    """A 400x600 PNG cover. Books sharing ``colour_seed`` (a series) share a design and a
    palette; the title varies the details. The same arguments always give the same image."""
    series = random.Random(f"series:{colour_seed}")
    design = series.choice(DESIGNS)
    palette = series.choice(PALETTES)
    image = Image.new("RGB", (WIDTH, HEIGHT), palette.board)
    draw = ImageDraw.Draw(image)
    design(image, draw, palette, random.Random(f"book:{colour_seed}:{title}"), title, author)
    # The spine's shadow on the left edge, as on a photographed book.
    for x in range(12):
        shade = Image.new("L", (1, HEIGHT), int(80 - x * 6.5))
        image.paste((0, 0, 0), (x, 0, x + 1, HEIGHT), mask=shade)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
