"""The site search: books by title, author, series and ISBN, and editorial pages (issue 4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.models import Page

from shop.search import indexing, queries
from tests.factories import AuthorFactory, BookFactory, SeriesFactory, WorkFactory, make_book

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
SEARCH = reverse("search:search")


def found_titles(client, query: str, **params) -> list[str]:
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return [card.product.title for card in response.context.get("cards") or []]


def test_R_C1_search_finds_a_book_by_title_author_series_and_isbn_words(client):
    author = AuthorFactory(name="Marguerite Halloway")
    series = SeriesFactory(name="The Saltmarsh Mysteries")
    make_book(title="The Lantern Keeper", authors=[author], series=series, series_position=1)
    make_book(title="Unrelated Tale")

    assert found_titles(client, "lantern keeper") == ["The Lantern Keeper"]
    assert found_titles(client, "Halloway") == ["The Lantern Keeper"]
    assert found_titles(client, "marguerite halloway") == ["The Lantern Keeper"]
    assert found_titles(client, "saltmarsh") == ["The Lantern Keeper"]
    assert found_titles(client, "halloway unrelated") == []  # every word must match


def test_R_C1_an_isbn_with_hyphens_or_spaces_goes_straight_to_that_edition(client):
    _, ebook = make_book(title="Exact Edition")
    isbn = ebook.upc
    for typed in (
        isbn,
        f"{isbn[:3]}-{isbn[3:4]}-{isbn[4:9]}-{isbn[9:12]}-{isbn[12]}",
        f" {isbn[:3]} {isbn[3:]} ",
    ):
        response = client.get(SEARCH, {"q": typed})
        assert response.status_code == 302
        assert response["Location"] == ebook.get_absolute_url()


def test_isbn_10_is_converted_to_its_isbn_13():
    assert queries.isbn_from("0-14-103614-X") == "9780141036144"
    assert queries.isbn_from("978 0 14 103614 4") == "9780141036144"
    assert queries.isbn_from("lantern") is None


def test_an_unknown_isbn_searches_the_text_and_says_nothing_was_found(client):
    make_book(title="Some Book")
    response = client.get(SEARCH, {"q": "978-0-00-000000-2"})
    assert response.status_code == 200
    assert "Nothing found" in response.content.decode()


def test_R_C1_results_show_each_title_once_and_only_books_readers_can_buy(client):
    make_book(title="Harbour Lights")  # paperback and eBook: one card, the paperback
    ebook_only = BookFactory(work=WorkFactory(title="Harbour Digital"), format="ebook")
    hidden = BookFactory(work=WorkFactory(title="Harbour Withdrawn"))
    Product.objects.filter(pk=hidden.pk).update(is_public=False)

    response = client.get(SEARCH, {"q": "harbour"})
    cards = {card.product.title: card.product.product_class.slug for card in response.context["cards"]}
    assert cards == {"Harbour Lights": "paperback", "Harbour Digital": "ebook"}
    assert ebook_only.title in cards


def test_R_C3_forthcoming_books_are_found_too(client):
    soon = BookFactory(
        work=WorkFactory(title="Tomorrow's Orchard"),
        publication_date=timezone.localdate() + datetime.timedelta(days=40),
    )
    assert found_titles(client, "orchard") == [soon.title]


def test_titles_that_hold_the_words_come_before_author_matches(client):
    fox = AuthorFactory(name="Ada Fox")
    make_book(title="Winter Garden", authors=[fox])
    make_book(title="The Fox at Lowick")
    assert found_titles(client, "fox") == ["The Fox at Lowick", "Winter Garden"]


def test_search_results_sort_by_price_and_title_and_a_bad_sort_falls_back(client):
    for title, price in (("Beta Tide", "9.99"), ("Alpha Tide", "12.00"), ("Gamma Tide", "6.50")):
        BookFactory(work=WorkFactory(title=title), stockrecord__price=price)
    assert found_titles(client, "tide", sort="price-low") == ["Gamma Tide", "Beta Tide", "Alpha Tide"]
    assert found_titles(client, "tide", sort="price-high") == ["Alpha Tide", "Beta Tide", "Gamma Tide"]
    assert found_titles(client, "tide", sort="title") == ["Alpha Tide", "Beta Tide", "Gamma Tide"]
    assert len(found_titles(client, "tide", sort="'; DROP TABLE")) == 3


def test_results_are_paginated_and_a_bad_page_number_never_fails(client):
    author = AuthorFactory(name="Prolific Writer")
    for n in range(23):
        BookFactory(work=WorkFactory(title=f"Volume {n}", authors=[author]))
    first = client.get(SEARCH, {"q": "prolific"})
    assert len(first.context["cards"]) == 20 and first.context["paginator"].count == 23
    assert 'rel="next" href="?q=prolific&amp;page=2"' in first.content.decode()
    assert len(client.get(SEARCH, {"q": "prolific", "page": 2}).context["cards"]) == 3
    for bad in ("0", "99", "abc"):
        assert client.get(SEARCH, {"q": "prolific", "page": bad}).status_code == 200


def test_editorial_pages_are_found_and_grouped_apart_from_books(client):
    home = Page.objects.get(depth=2)
    from website.models import StandardPage

    page = home.add_child(instance=StandardPage(title="How our book club works", slug="how-it-works"))
    page.save_revision().publish()
    make_book(title="A Club of Readers")

    response = client.get(SEARCH, {"q": "club"})
    body = response.content.decode()
    assert [card.product.title for card in response.context["cards"]] == ["A Club of Readers"]
    assert [hit.title for hit in response.context["page_hits"]] == ["How our book club works"]
    assert body.index('id="books-heading"') < body.index('id="pages-heading"')

    pages_only = client.get(SEARCH, {"q": "club", "kind": "pages"})
    assert [hit.title for hit in pages_only.context["page_hits"]] == ["How our book club works"]
    assert "cards" not in pages_only.context


def test_unpublished_pages_are_not_found(client):
    from website.models import StandardPage

    draft = Page.objects.get(depth=2).add_child(instance=StandardPage(title="Secret draft plans", live=False))
    draft.save_revision()
    response = client.get(SEARCH, {"q": "secret"})
    assert not response.context["page_hits"]


def test_an_empty_search_explains_what_to_type(client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert "What are you looking for?" in response.content.decode()


@pytest.mark.parametrize(
    "typed", ['"', "AND", "NEAR(a b", "*", "title:x", "a" * 500, "-", "ünïcödé", "'; --"]
)
def test_no_input_breaks_the_search(client, typed):
    make_book(title="Sturdy Book")
    assert client.get(SEARCH, {"q": typed}).status_code == 200


def test_renaming_an_author_updates_what_their_books_are_found_by(client, django_capture_on_commit_callbacks):
    author = AuthorFactory(name="Old Pen-name")
    make_book(title="Quiet Ferry", authors=[author])
    assert found_titles(client, "pen name") == ["Quiet Ferry"]

    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Rosa Brightwater"
        author.save()

    assert found_titles(client, "brightwater") == ["Quiet Ferry"]
    assert found_titles(client, "pen name") == []


def test_the_seeds_bulk_inserts_are_indexed_in_batches_and_only_once(client):
    from website.demo import catalogue

    catalogue.seed_books(30, covers=0, today=timezone.localdate())
    author = get_model("catalogue", "Author").objects.first()
    assert found_titles(client, author.name) == []  # bulk_create fires no signals

    assert indexing.index_missing() >= 30
    assert indexing.index_missing() == 0
    assert found_titles(client, author.name)


def test_a_search_costs_the_same_queries_for_few_or_many_results_cached_or_not(client):
    """Pinned: a new search finds book ids, page view restrictions and page ids (3), then
    shows a page of books (5: the products and their card prefetches); a repeat skips the 3."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from website.models import StandardPage

    # No English stop words in these names: PostgreSQL drops "few" and "many" from a query.
    few, many = AuthorFactory(name="Quill Sparrow"), AuthorFactory(name="Inkwell Marlow")
    make_book(title="Lonely Book", authors=[few])
    for n in range(30):
        make_book(title=f"Busy Book {n}", authors=[many])
    home = Page.objects.get(depth=2)
    home.add_child(
        instance=StandardPage(title="Writer events", slug="writer-events")
    ).save_revision().publish()
    from website import page_cache

    def count(query: str) -> int:
        page_cache.PAGES.bump()  # the page is built, not served from the shared page cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH, {"q": query}).status_code == 200
        return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])

    cache.clear()
    client.get(SEARCH, {"q": "events"})  # first-request caches (site, navigation, content types)
    cold = {query: count(query) for query in ("sparrow", "marlow")}
    warm = {query: count(query) for query in ("sparrow", "marlow")}
    assert cold == {"sparrow": 8, "marlow": 8}, cold
    assert warm == {"sparrow": 5, "marlow": 5}, warm
