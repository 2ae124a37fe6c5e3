"""The EPUB behind each eBook product, and the stamped copy each customer downloads (R-E1).

A product's master EPUB is an ``EbookFile`` in private storage. The demo and the tests have no
publisher's files, so ``ensure_file`` writes one from the catalogue (title, author, blurb) and
a few invented chapters. A customer's copy is the master stamped with their licence page
(``epub.stamp``), kept beside it so repeated downloads are served from disk by the web server.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from shop.ebooks import epub
from shop.ebooks.models import EbookFile, Entitlement

CHAPTERS = [
    (
        "One",
        [
            "The rain had been falling on the allotments since breakfast, and nobody had the heart "
            "to tell the committee that the marrow competition would have to wait another week.",
            "Margery kept the minutes in green ink, as she always had, and underlined the word "
            "postponed twice.",
        ],
    ),
    (
        "Two",
        [
            "By Thursday the river had crept over the towpath. The ducks looked pleased with "
            "themselves; the anglers less so.",
            "It was on the Thursday, too, that the letter arrived, addressed in a hand nobody in "
            "the village had seen for thirty years.",
        ],
    ),
    (
        "Three",
        [
            "The letter said very little, which was of course the point of it. It asked for a "
            "room, a pot of tea and an hour of Margery's time.",
            "She gave it all three, and a slice of the good fruitcake besides.",
        ],
    ),
]


def demo_book(product) -> epub.Book:
    work = getattr(product, "work", None)
    author = work.author_names if work is not None else ""
    blurb = (work.blurb if work is not None else "") or product.description or ""
    chapters = ([("About this book", [blurb])] if blurb else []) + CHAPTERS
    return epub.Book(
        identifier=product.upc or f"bookclub-{product.pk}",
        title=product.get_title(),
        author=author or "The Bookclub",
        chapters=chapters,
        modified=timezone.now(),
    )


def ensure_file(product) -> EbookFile:
    """The product's master EPUB, written from the catalogue if it has none yet."""
    existing = EbookFile.objects.filter(product=product).first()
    if existing is not None and existing.file and existing.file.storage.exists(existing.file.name):
        return existing
    content = ContentFile(epub.build(demo_book(product)), name=f"{product.upc or product.pk}.epub")
    if existing is None:
        existing = EbookFile(product=product)
    existing.file.save(content.name, content, save=False)
    existing.save()
    return existing


def stamped_copy(entitlement: Entitlement) -> Path:
    """The path of the buyer's stamped copy under ``PRIVATE_ROOT``, made if missing.

    Its name carries a hash of the master and the licence, so a replaced master or a renamed
    customer gets a fresh copy and nobody's copy is guessable from another's."""
    master = ensure_file(entitlement.product)
    data = master.file.open("rb").read()
    master.file.close()
    user = entitlement.user
    licensee = user.get_full_name() or user.email
    order = entitlement.line.order
    stamp_key = hashlib.sha256(
        data + f"|{entitlement.pk}|{licensee}|{order.number}|{settings.SECRET_KEY}".encode()
    ).hexdigest()[:24]
    path = Path(settings.PRIVATE_ROOT) / "stamped" / f"{entitlement.pk}-{stamp_key}.epub"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        stamped = epub.stamp(
            data,
            title=entitlement.product.get_title(),
            licensee=licensee,
            order_number=order.number,
            issued=timezone.localdate(order.date_placed).strftime("%-d %B %Y"),
        )
        temporary = path.with_suffix(".part")
        temporary.write_bytes(stamped)
        temporary.replace(path)  # atomic: a concurrent download never sends half a file
    return path
