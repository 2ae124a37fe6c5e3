"""Loading products for lists: a fixed number of queries however many books are shown.

Every list of books (home page, catalogue, series, author, search) goes through
``card_queryset`` so one product never costs a query of its own.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from oscar.core.loading import get_class, get_model

from shop.generations import Generation

Product = get_model("catalogue", "Product")
Authorship = get_model("catalogue", "Authorship")
Selector = get_class("partner.strategy", "Selector")


@dataclass(frozen=True)
class ProductCard:
    product: Any
    info: Any  # Oscar's PurchaseInfo: price, availability, stockrecord

    @property
    def work(self):
        return self.product.work

    @property
    def other_formats(self) -> list:
        """The book's other public formats (prefetched by card_queryset)."""
        work = self.product.work
        if work is None:
            return []
        return [p for p in getattr(work, "public_formats", []) if p.pk != self.product.pk]


LEAD_FORMAT = "paperback"


def card_queryset(base: QuerySet | None = None) -> QuerySet:
    """Products with everything a card shows joined or prefetched (5 queries).

    ``base`` defaults to every browsable product; lists of one entry per title pass ``listed()``.
    """
    base = Product.objects.browsable() if base is None else base
    return base.select_related("product_class", "work__series").prefetch_related(
        Prefetch(
            "work__authorships",
            queryset=Authorship.objects.select_related("author").order_by("position", "id"),
        ),
        Prefetch(
            "work__formats",
            queryset=Product.objects.browsable().select_related("product_class").order_by("id"),
            to_attr="public_formats",
        ),
        "stockrecords",
        "images",
    )


def listed() -> QuerySet:
    """One product per book: its paperback, or its formats when it has no paperback.

    Lists show a book once and name its other formats; the book page offers them all. The choice
    is stored on the product (``is_listed``, kept by ``refresh_listing``) so a list page reads an
    index instead of comparing every format of every book.
    """
    return Product.objects.filter(is_listed=True)


def refresh_listing(work_ids) -> None:
    """Recompute ``is_listed`` for every format of these works (two reads, two updates)."""
    work_ids = {work_id for work_id in work_ids if work_id is not None}
    if not work_ids:
        return
    formats = list(
        Product.objects.browsable()
        .filter(work_id__in=work_ids)
        .values_list("id", "work_id", "product_class__slug")
    )
    with_paperback = {work_id for _, work_id, slug in formats if slug == LEAD_FORMAT}
    shown = [pk for pk, work_id, slug in formats if slug == LEAD_FORMAT or work_id not in with_paperback]
    Product.objects.filter(work_id__in=work_ids, is_listed=True).exclude(id__in=shown).update(is_listed=False)
    Product.objects.filter(id__in=shown, is_listed=False).update(is_listed=True)


def published(queryset: QuerySet) -> QuerySet:
    return queryset.filter(publication_date__lte=timezone.localdate())


def coming_soon(queryset: QuerySet) -> QuerySet:
    return queryset.filter(publication_date__gt=timezone.localdate())


def newest(*, limit: int, exclude: list[int]) -> QuerySet:
    """The most recently published books (one per title, not future ones), newest first."""
    books = published(listed())
    return books.exclude(id__in=exclude).order_by("-publication_date", "-id")[:limit]


def chosen_and_newest(chosen_ids: list[int], *, newest_limit: int, request=None):
    """(cards of the chosen books in their order, cards of the newest others): one query + prefetches."""
    newest_ids = newest(limit=newest_limit, exclude=chosen_ids).values("id")
    # Unordered: they are sorted here. Oscar's default order (newest created first) made
    # PostgreSQL walk that index backward through every product (71 ms at 100,000 books).
    products = list(card_queryset().filter(Q(id__in=chosen_ids) | Q(id__in=newest_ids)).order_by())
    by_id = {product.id: product for product in products}
    chosen = [by_id[i] for i in chosen_ids if i in by_id]
    others = sorted(
        (p for p in products if p.id not in set(chosen_ids)),
        key=lambda p: (p.publication_date, p.id),
        reverse=True,
    )
    return cards_for(chosen, request=request), cards_for(others, request=request)


def cards_for(products, *, request=None) -> list[ProductCard]:
    """Wrap already-loaded products with their price and availability."""
    strategy = getattr(request, "strategy", None) or Selector().strategy(request=request)
    return [ProductCard(product, strategy.fetch_for_product(product)) for product in products]


def by_price(queryset: QuerySet, *, descending: bool = False) -> QuerySet:
    """Order by the VAT-inclusive price readers see (the cheapest stock record), then title."""
    StockRecord = get_model("partner", "StockRecord")
    cheapest = StockRecord.objects.filter(product=OuterRef("pk")).order_by("price").values("price")[:1]
    price = Subquery(cheapest)
    ordered = price.desc(nulls_last=True) if descending else price.asc(nulls_last=True)
    return queryset.order_by(ordered, "title", "id")


# Cached list counts and search results belong to it; a change to a book retires them all.
LISTS = Generation("catalogue:lists:generation")
COUNT_SECONDS = 5 * 60


class CachedCountPaginator(Paginator):
    """Counting every book of a list is the costliest query on a large catalogue (1 s at
    100,000 books on SQLite, more than the page itself): keep the count in the shared cache,
    per list and filter, until the catalogue changes or five minutes pass (books published
    today join the list then)."""

    @cached_property
    def count(self) -> int:
        try:
            sql = str(self.object_list.query)
        except Exception:  # not a queryset, or one that can match nothing
            return super().count
        digest = hashlib.sha1(sql.encode()).hexdigest()
        key = f"catalogue:count:{LISTS.current()}:{digest}"
        count = cache.get(key)
        if count is None:
            count = super().count
            cache.set(key, count, COUNT_SECONDS)
        return count
