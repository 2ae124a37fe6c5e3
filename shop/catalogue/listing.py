"""Loading products for lists: a fixed number of queries however many books are shown.

Every list of books (home page, catalogue, series, author, search) goes through
``card_queryset`` so one product never costs a query of its own.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from oscar.core.loading import get_class, get_model

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


def card_queryset() -> QuerySet:
    """Browsable products with everything a card shows joined or prefetched (5 queries)."""
    return (
        Product.objects.browsable()
        .select_related("product_class", "work__series")
        .prefetch_related(
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
    )


def lead_formats(queryset: QuerySet) -> QuerySet:
    """One product per book: its paperback, or its only format when there is no paperback.

    Lists show a book once and name its other formats; the book page offers them all.
    """
    has_paperback = Product.objects.browsable().filter(work=OuterRef("work"), product_class__slug=LEAD_FORMAT)
    books = queryset.filter(work__isnull=False)  # gifts and plans have no formats to choose
    return books.filter(Q(product_class__slug=LEAD_FORMAT) | ~Exists(has_paperback))


def published(queryset: QuerySet) -> QuerySet:
    return queryset.filter(publication_date__lte=timezone.localdate())


def coming_soon(queryset: QuerySet) -> QuerySet:
    return queryset.filter(publication_date__gt=timezone.localdate())


def newest_product_ids(*, limit: int, exclude: list[int] | None = None) -> list[int]:
    """Ids of the most recently published books (one per title, not future ones), newest first."""
    books = lead_formats(published(Product.objects.browsable()))
    return list(
        books.exclude(id__in=exclude or [])
        .order_by("-publication_date", "-id")
        .values_list("id", flat=True)[:limit]
    )


def cards_for(products, *, request=None) -> list[ProductCard]:
    """Wrap already-loaded products with their price and availability."""
    strategy = getattr(request, "strategy", None) or Selector().strategy(request=request)
    return [ProductCard(product, strategy.fetch_for_product(product)) for product in products]


def product_cards(ids: list[int], *, request=None) -> list[ProductCard]:
    """Cards for the given product ids, in that order (ids no longer browsable are skipped)."""
    if not ids:
        return []
    by_id = {product.id: product for product in card_queryset().filter(id__in=ids)}
    return cards_for([by_id[i] for i in ids if i in by_id], request=request)
