"""Browsing the catalogue: sorting, new releases, series and author lists, related books."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AuthorFactory, BookFactory, SeriesFactory, WorkFactory, make_book

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [card.product.title for card in response.context["cards"]]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def three_books():
    BookFactory(work=WorkFactory(title="Middle"), stockrecord__price="9.99", publication_date=days_ago(20))
    BookFactory(work=WorkFactory(title="Dearest"), stockrecord__price="14.50", publication_date=days_ago(10))
    BookFactory(work=WorkFactory(title="Cheapest"), stockrecord__price="5.00", publication_date=days_ago(300))


def test_R_C4_catalogue_sorts_by_the_price_readers_pay(client, three_books):
    url = reverse("catalogue:index")
    assert titles(client.get(url, {"sort": "price-low"})) == ["Cheapest", "Middle", "Dearest"]
    assert titles(client.get(url, {"sort": "price-high"})) == ["Dearest", "Middle", "Cheapest"]


def test_catalogue_sorts_by_newest_and_title(client, three_books):
    url = reverse("catalogue:index")
    assert titles(client.get(url)) == ["Dearest", "Middle", "Cheapest"]  # newest is the default
    assert titles(client.get(url, {"sort": "title"})) == ["Cheapest", "Dearest", "Middle"]


@pytest.mark.parametrize("bad", ["nonsense", "price", "-title", "<script>", ""])
def test_an_unknown_sort_or_format_shows_the_default_order_instead_of_failing(client, three_books, bad):
    response = client.get(reverse("catalogue:index"), {"sort": bad, "format": bad})
    assert titles(response) == ["Dearest", "Middle", "Cheapest"]
    assert response.context["current_sort"] == "newest"


def test_the_sort_control_is_labelled_and_keeps_the_choice_across_pages(client):
    for n in range(22):
        BookFactory(work=WorkFactory(title=f"Book {n:02d}"))
    response = client.get(reverse("catalogue:index"), {"sort": "title"})
    body = response.content.decode()
    assert "<label>Sort by" in body and '<option value="title" selected>' in body
    assert 'href="?sort=title&amp;page=2"' in body
    assert titles(client.get(reverse("catalogue:index"), {"sort": "title", "page": 2})) == [
        "Book 20",
        "Book 21",
    ]


def test_new_releases_lists_the_last_three_months_newest_first(client, three_books):
    BookFactory(
        work=WorkFactory(title="Not Out Yet"),
        publication_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert titles(client.get(reverse("catalogue:new-releases"))) == ["Dearest", "Middle"]


def test_R_C3_coming_soon_lists_forthcoming_books_soonest_first(client, three_books):
    for title, days in (("Later", 60), ("Sooner", 7)):
        BookFactory(
            work=WorkFactory(title=title),
            publication_date=timezone.localdate() + datetime.timedelta(days=days),
        )
    assert titles(client.get(reverse("catalogue:coming-soon"))) == ["Sooner", "Later"]


def test_series_and_author_pages_list_their_books(client):
    author = AuthorFactory(name="Iris Penhaligon")
    series = SeriesFactory(name="Tales of Greywater")
    make_book(title="Second Tale", authors=[author], series=series, series_position=2)
    make_book(title="First Tale", series=series, series_position=1)
    make_book(title="Elsewhere", authors=[author])

    assert titles(client.get(series.get_absolute_url())) == ["First Tale", "Second Tale"]  # reading order
    assert sorted(titles(client.get(author.get_absolute_url()))) == ["Elsewhere", "Second Tale"]


def test_the_book_page_shows_other_books_of_its_series_once_each_in_reading_order(client):
    series = SeriesFactory(name="The Heron Quartet")
    books = {n: make_book(title=f"Heron {n}", series=series, series_position=n)[0] for n in (3, 1, 2)}
    make_book(title="Not in the series")

    response = client.get(books[2].get_absolute_url())
    assert response.status_code == 200
    related = [card.product.title for card in response.context["series_cards"]]
    assert related == ["Heron 1", "Heron 3"]
    assert "More in The Heron Quartet" in response.content.decode()


def test_a_book_outside_any_series_shows_no_related_block(client):
    paperback, _ = make_book(title="Standalone")
    response = client.get(paperback.get_absolute_url())
    assert response.context["series_cards"] == []
    assert "More in" not in response.content.decode()


def test_a_new_book_shows_in_the_cached_count_at_once(client, three_books):
    client.cookies["returning"] = "1"  # past the shared page cache
    assert client.get(reverse("catalogue:index")).context["paginator"].count == 3
    BookFactory(work=WorkFactory(title="Fresh"), publication_date=days_ago(1))
    response = client.get(reverse("catalogue:index"))
    assert response.context["paginator"].count == 4
    assert titles(response)[0] == "Fresh"
