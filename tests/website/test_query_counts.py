"""Pages cost a fixed number of SQL queries, whatever the size of the catalogue.

The catalogue is grown from 20 to 500 titles between two measurements of each page; the
counts must be equal and must not exceed the pinned figure (docs/performance.md, "Targets").
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.search import indexing
from shop.shipping.defaults import install_default_rules
from website import page_cache
from website.demo import catalogue, content
from website.demo.books import isbn_for

Product = get_model("catalogue", "Product")

# Pages as they are built (a page-cache miss). Browse pages are built as a first-time visitor
# sees them, whoever asks (website/page_cache.py): no session, no basket count; the basket page is
# the reader's own, with two books in it.
# Delivery: the book page names the first UK method for its estimate (from the shared cache until
# the delivery rules change: shop.shipping.rules.first_uk_method); the basket prices delivery:
# the UK methods with their countries and bands (3) and the products' weights (1).
# Search, once the same search ran lately (its result ids are cached): the page of books and
# its card prefetches (5); a first search adds two (tests/shop/search).
# Lists keep their book count in the shared cache (listing.CachedCountPaginator): one query
# fewer than a first view of the list, which counts.
PINNED = {
    "home": 11,
    "catalogue": 5,
    "coming soon": 5,
    "new releases": 5,
    "series": 6,
    "author": 6,
    "book": 6,
    "basket": 11,
    "search": 5,
    "search by price": 5,
}
# The same reader (two books in the basket) a moment later: every browse page comes
# from the shared page cache; the basket page is never shared.
PINNED_RETURNING = {name: 0 for name in PINNED} | {"basket": 11}
# A first-time visitor (no cookies) is served from the shared page cache; the empty basket
# costs nothing either.
PINNED_FIRST_VISIT = {name: 0 for name in PINNED}
# The header's personal corner for that reader (/_header/): the basket count.
PINNED_PERSONAL_HEADER = 1


def grow_catalogue(titles: int) -> None:
    catalogue.seed_books(titles, covers=10, today=timezone.localdate())
    indexing.index_missing()  # as seed_demo does after its bulk inserts


def book_in_a_series() -> Product:
    return Product.objects.filter(upc=isbn_for(0, 0)).get()  # title 0 opens a series, has an eBook


def urls() -> dict[str, str]:
    book = book_in_a_series()
    return {
        "home": "/",
        "catalogue": reverse("catalogue:index"),
        "coming soon": reverse("catalogue:coming-soon"),
        "series": book.work.series.get_absolute_url(),
        "author": book.work.authors.first().get_absolute_url(),
        "book": book.get_absolute_url(),
        "basket": reverse("basket:summary"),
        "new releases": reverse("catalogue:new-releases"),
        # A surname matches more books as the catalogue grows; the count must not follow.
        "search": reverse("search:search") + "?q=" + book.work.authors.first().name.split()[-1],
        "search by price": reverse("search:search") + "?q=" + book.title.split()[-1] + "&sort=price-low",
    }


def data_queries(captured) -> list[str]:
    # ATOMIC_REQUESTS shows up as SAVEPOINT/RELEASE inside the test's transaction; in production
    # it is the connection's own BEGIN/COMMIT, which Django does not log as queries either.
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def queries_for(client, url: str, *, built: bool = False) -> int:
    assert client.get(url).status_code == 200  # warm: first-request caches (site, navigation)
    if built:
        page_cache.PAGES.bump()  # a content change: the next request builds the page
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(data_queries(captured))


@pytest.mark.django_db
def test_query_counts_are_pinned_and_do_not_grow_with_the_catalogue(client):
    grow_catalogue(20)
    install_default_rules()
    content.seed_pages(featured_product_ids=list(Product.objects.values_list("id", flat=True)[:6]))
    for product in Product.objects.filter(upc__in=[isbn_for(1, 0), isbn_for(2, 0)]):
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})

    client.get(reverse("basket:summary"))  # the "added" messages are shown
    small = {name: queries_for(client, url, built=True) for name, url in urls().items()}
    grow_catalogue(500)
    large = {name: queries_for(client, url, built=True) for name, url in urls().items()}

    assert Product.objects.count() > 800
    assert small == large, f"query counts grew with the catalogue: {small} -> {large}"
    assert large == PINNED, f"query counts changed: {large}; update PINNED only with a reason"

    from django.test import Client

    returning = {name: queries_for(client, url) for name, url in urls().items()}
    assert returning == PINNED_RETURNING, f"returning-reader counts changed: {returning}"
    first_visit = {name: queries_for(Client(), url) for name, url in urls().items()}
    assert first_visit == PINNED_FIRST_VISIT, f"first-visit counts changed: {first_visit}"
    header = queries_for(client, reverse("personal-header"))
    assert header == PINNED_PERSONAL_HEADER, f"the personal header's count changed: {header}"
