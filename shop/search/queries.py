"""Finding books and editorial pages: an exact ISBN first, then Wagtail's full-text index.

The index is Wagtail's search framework with its database backend (SQLite FTS5 in the
embedded profile, PostgreSQL full-text search in production; docs/search.md). Matching runs in
the index; the result cards come from ``listing.card_queryset`` so a page of results costs
the same handful of queries as any other list of books.
"""

import hashlib
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from oscar.core.loading import get_model
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from shop.catalogue import listing
from shop.catalogue.isbn import isbn13_check_digit, normalise_isbn

Product = get_model("catalogue", "Product")

MAX_QUERY_LENGTH = 200
# A search lists at most this many books (and pages): fifty pages of results is more than
# anyone reads, and it bounds the work a very common word can cause.
MAX_RESULTS = 1000
CACHE_SECONDS = 5 * 60
MAX_TERMS = 8
# External engines (Elasticsearch/OpenSearch) hand back ids, not a subquery: cap what we take.
EXTERNAL_ENGINE_LIMIT = 1000

BEST_MATCH = "relevance"
SORTS = {
    BEST_MATCH: "Best match",
    "newest": "Newest first",
    "title": "Title A to Z",
    "price-low": "Price, low to high",
    "price-high": "Price, high to low",
}


def search_terms(raw: str | None) -> list[str]:
    """The words of a reader's query; punctuation is dropped so no input can break the index's syntax."""
    return re.findall(r"\w+", (raw or "")[:MAX_QUERY_LENGTH])[:MAX_TERMS]


def isbn_from(raw: str | None) -> str | None:
    """The ISBN-13 a query spells, if it is one: hyphens and spaces ignored, ISBN-10 converted."""
    candidate = normalise_isbn((raw or "").strip()).upper()
    if len(candidate) == 13 and candidate.isdigit() and candidate.startswith(("978", "979")):
        return candidate
    if len(candidate) == 10 and candidate[:9].isdigit() and (candidate[9].isdigit() or candidate[9] == "X"):
        first_twelve = "978" + candidate[:9]
        return first_twelve + isbn13_check_digit(first_twelve)
    return None


def book_with_isbn(raw: str | None):
    """The browsable edition whose ISBN the query is, or None (one indexed lookup on ``upc``)."""
    isbn = isbn_from(raw)
    if isbn is None:
        return None
    return Product.objects.browsable().filter(upc=isbn).first()


def _matching(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """The rows of ``queryset`` whose index entry holds every term, still as a lazy queryset.

    Ranked order is not asked of the index: the database backends rank with a correlated
    subquery per match, which costs quadratic time on a common word at 100,000 books.
    Callers order the (already narrowed) matches themselves.
    """
    results = get_search_backend().search(" ".join(terms), queryset, operator="and", order_by_relevance=False)
    if hasattr(results, "get_queryset"):  # the database backends: the match stays a subquery
        return results.get_queryset()
    return queryset.filter(pk__in=[hit.pk for hit in results[:EXTERNAL_ENGINE_LIMIT]])


def _title_first(terms: list[str]) -> Case:
    """0 when the title holds every term (the reader typed a title), 1 otherwise (author, series)."""
    in_title = Q()
    for term in terms:
        in_title &= Q(title__icontains=term)
    return Case(When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField())


def books(terms: list[str], *, sort: str = BEST_MATCH) -> QuerySet:
    """Books readers can buy that match, one entry per title (its paperback when it has one)."""
    if not terms:
        return Product.objects.none()
    matches = _matching(Product.objects.all(), terms).values("pk")
    found = listing.listed().filter(pk__in=matches)  # each title once (the stored lead format)
    if sort == "newest":
        return found.order_by("-publication_date", "-id")
    if sort == "title":
        return found.order_by("title", "id")
    if sort in ("price-low", "price-high"):
        return listing.by_price(found, descending=sort == "price-high")
    return found.annotate(title_rank=_title_first(terms)).order_by("title_rank", "-publication_date", "-id")


def products_matching(queryset: QuerySet, raw: str | None) -> QuerySet:
    """The products of ``queryset`` that a query names, in every format: the edition with that
    ISBN when the query spells one, else those whose title, authors, series or ISBN hold every
    word. Unordered; an empty query narrows nothing. (The editors' book chooser uses it.)"""
    isbn = isbn_from(raw)
    if isbn is not None:
        return queryset.filter(upc=isbn)
    terms = search_terms(raw)
    if not terms:
        return queryset
    return queryset.filter(pk__in=_matching(Product.objects.all(), terms).values("pk"))


def pages(terms: list[str]) -> QuerySet:
    """Live, public editorial pages that match, those with the words in their title first."""
    if not terms:
        return Page.objects.none()
    found = _matching(Page.objects.live().public(), terms).filter(depth__gt=1)
    return found.annotate(title_rank=_title_first(terms)).order_by("title_rank", "title", "id")


@dataclass(frozen=True)
class Found:
    book_ids: list[int]
    page_ids: list[int]

    @property
    def capped(self) -> bool:
        return len(self.book_ids) >= MAX_RESULTS


def new_generation() -> None:
    """Forget every cached result (and list count) at once, on every process."""
    listing.LISTS.bump()


def find(terms: list[str], *, sort: str = BEST_MATCH) -> Found:
    """The ids of the matching books (in ``sort`` order) and pages, from the shared cache when
    the same search ran lately: one query for each on a miss, none on a hit."""
    if not terms:
        return Found([], [])
    words = " ".join(term.lower() for term in terms)
    digest = hashlib.sha1(f"{sort}|{words}".encode()).hexdigest()
    key = f"search:{listing.LISTS.current()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = Found(
            book_ids=list(books(terms, sort=sort).values_list("pk", flat=True)[:MAX_RESULTS]),
            page_ids=list(pages(terms).values_list("pk", flat=True)[:MAX_RESULTS]),
        )
        cache.set(key, found, CACHE_SECONDS)
    return found


def load_books(ids: list[int]) -> list:
    """The products of ``ids`` in that order, with everything a card shows (``card_queryset``)."""
    if not ids:
        return []
    by_id = {product.pk: product for product in listing.card_queryset().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]  # one withdrawn since is simply left out


def load_pages(ids: list[int]) -> list:
    if not ids:
        return []
    by_id = {page.pk: page for page in Page.objects.live().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]
