"""Bulk-load the invented catalogue: a batch of titles costs a handful of INSERTs, not a save each."""

from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from oscar.core.loading import get_model

from shop.catalogue import listing

from . import books
from .covers import cover_png

Author = get_model("catalogue", "Author")
Authorship = get_model("catalogue", "Authorship")
Series = get_model("catalogue", "Series")
Work = get_model("catalogue", "Work")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

BATCH = 1000


def warehouse():
    partner, _ = Partner.objects.get_or_create(
        code="bookclub-warehouse", defaults={"name": "The Bookclub Warehouse"}
    )
    return partner


def _ensure(model, wanted: dict[str, dict]) -> dict[str, int]:
    """Create the rows of ``wanted`` (slug -> fields) that are missing; return slug -> id for all."""
    existing = dict(model.objects.values_list("slug", "id"))
    missing = [model(slug=slug, **fields) for slug, fields in wanted.items() if slug not in existing]
    for start in range(0, len(missing), BATCH):
        for row in model.objects.bulk_create(missing[start : start + BATCH]):
            existing[row.slug] = row.id
    return existing


def seed_books(
    total: int, *, covers: int, today: date, progress: Callable[[int, int], None] | None = None
) -> int:
    """Make titles 0..total-1 exist (with their formats, stock and authors); return how many were new."""
    partner = warehouse()
    classes = {pc.slug: pc for pc in ProductClass.objects.all()}
    authors = [books.make_author(n) for n in range(books.author_count(total))]
    author_ids = _ensure(Author, {a.slug: {"name": a.name, "biography": a.biography} for a in authors})
    author_id_by_number = {a.number: author_ids[a.slug] for a in authors}
    series = [books.make_series(n) for n in range(books.series_count(total))]
    series_ids = _ensure(Series, {s.slug: {"name": s.name, "description": s.description} for s in series})
    series_id_by_number = {s.number: series_ids[s.slug] for s in series}
    series_slug_by_number = {s.number: s.slug for s in series}

    existing_works = set(Work.objects.values_list("slug", flat=True))
    created = 0
    for start in range(0, total, BATCH):
        titles = [
            books.make_title(n, total=total, today=today) for n in range(start, min(start + BATCH, total))
        ]
        titles = [t for t in titles if t.slug not in existing_works]
        if titles:
            _create_titles(
                titles,
                partner=partner,
                classes=classes,
                author_id_by_number=author_id_by_number,
                series_id_by_number=series_id_by_number,
                series_slug_by_number=series_slug_by_number,
                covers=covers,
                author_name_by_number={a.number: a.name for a in authors},
            )
            created += len(titles)
        if progress:
            progress(min(start + BATCH, total), total)
    return created


@transaction.atomic
def _create_titles(
    titles,
    *,
    partner,
    classes,
    author_id_by_number,
    author_name_by_number,
    series_id_by_number,
    series_slug_by_number,
    covers,
):
    # One transaction per batch: an interrupted run leaves whole titles or none.
    works = Work.objects.bulk_create(
        [
            Work(
                title=t.title,
                slug=t.slug,
                blurb=t.blurb,
                series_id=series_id_by_number.get(t.series_number),
                series_position=t.series_position,
            )
            for t in titles
        ]
    )
    Authorship.objects.bulk_create(
        [
            Authorship(work=work, author_id=author_id_by_number[number], position=position)
            for work, t in zip(works, titles, strict=True)
            for position, number in enumerate(t.author_numbers)
        ]
    )
    products, prices, stock = [], [], []
    for work, t in zip(works, titles, strict=True):
        editions = [("paperback", t.paperback_isbn, t.paperback_price, t.paperback_stock)]
        if t.ebook_price is not None:
            editions.append(("ebook", t.ebook_isbn, t.ebook_price, None))
        for class_slug, isbn, price, in_stock in editions:
            products.append(
                Product(
                    structure=Product.STANDALONE,
                    title=t.title,
                    slug=t.slug[:255],
                    upc=isbn,
                    product_class=classes[class_slug],
                    work=work,
                    publication_date=t.publication_date,
                    page_count=t.page_count,
                    is_public=True,
                )
            )
            prices.append(price)
            stock.append(in_stock)
    products = Product.objects.bulk_create(products)
    listing.refresh_listing(work.id for work in works)  # bulk_create sends no save signals
    StockRecord.objects.bulk_create(
        [
            StockRecord(
                product=product,
                partner=partner,
                partner_sku=product.upc,
                price_currency="GBP",
                price=price,
                num_in_stock=in_stock,
                low_stock_threshold=3 if in_stock is not None else None,
            )
            for product, price, in_stock in zip(products, prices, stock, strict=True)
        ]
    )
    images = []
    for work, t in zip(works, titles, strict=True):
        if t.number >= covers:
            continue  # later titles get typeset covers drawn by CSS
        colour_seed = series_slug_by_number.get(t.series_number) or t.slug
        author = author_name_by_number[t.author_numbers[0]]
        name = default_storage.save(
            f"covers/{t.slug}.png",
            ContentFile(cover_png(title=t.title, author=author, colour_seed=colour_seed)),
        )
        images += [
            ProductImage(product=product, original=name, caption=f"Cover of {t.title}", display_order=0)
            for product in products
            if product.work_id == work.id
        ]
    ProductImage.objects.bulk_create(images)


def seed_gifts(*, today: date) -> int:
    """The few standard-rated goods (VAT at 20%), found again by their SKU."""
    partner = warehouse()
    gift_class = ProductClass.objects.get(slug="gift")
    created = 0
    for title, sku, price, in_stock in books.GIFTS:
        if StockRecord.objects.filter(partner=partner, partner_sku=sku).exists():
            continue
        product = Product.objects.create(
            title=title, product_class=gift_class, publication_date=today, is_public=True
        )
        StockRecord.objects.create(
            product=product, partner=partner, partner_sku=sku, price=price, num_in_stock=in_stock
        )
        created += 1
    return created
