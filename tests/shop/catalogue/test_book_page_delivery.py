"""The book page: availability, "includes VAT" and the delivery estimate (R-C3, R-C4, R-D6)."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from bs4 import BeautifulSoup

from shop.shipping.defaults import install_default_rules
from tests.factories import BookFactory, make_book

LONDON = ZoneInfo("Europe/London")


def book_text(client, product) -> str:
    return BeautifulSoup(client.get(product.get_absolute_url()).content, "html.parser").get_text(
        " ", strip=True
    )


@time_machine.travel(datetime.datetime(2026, 3, 4, 10, 0, tzinfo=LONDON), tick=False)
def test_R_D6_a_paperback_page_gives_a_delivery_date_and_vat(client, db):
    install_default_rules()
    paperback, ebook = make_book()
    text = book_text(client, paperback)
    assert "In stock" in text
    assert "includes VAT (zero-rated)" in text
    # UK Standard, posted today before 14:00, 4 working days.
    assert "Order before 14:00 today and with UK Standard it should arrive by Tuesday 10 March" in text
    assert "UK delivery is free on orders of £25.00 or more" in text
    assert "download as soon as your order is confirmed" in book_text(client, ebook)


@time_machine.travel(datetime.datetime(2026, 3, 4, 16, 0, tzinfo=LONDON), tick=False)
def test_R_C3_a_pre_order_page_says_when_it_is_published_and_arrives(client, db):
    install_default_rules()
    coming = BookFactory(publication_date=datetime.date(2026, 3, 12))  # a Thursday
    text = book_text(client, coming)
    assert "Pre-order: published 12 March 2026" in text
    assert "Posted on publication day. With UK Standard it should arrive by Wednesday 18 March" in text


def test_R_C2_an_out_of_stock_paperback_says_so(client, db):
    install_default_rules()
    paperback, _ = make_book(stock=0)
    assert "Out of stock" in book_text(client, paperback)


def test_R_C4_book_cards_say_prices_include_vat(client, db):
    paperback, _ = make_book()
    html = client.get("/books/").content.decode()
    assert paperback.title in html and "incl. VAT" in html


@time_machine.travel(datetime.datetime(2026, 3, 4, 10, 0, tzinfo=LONDON), tick=False)
def test_R_D6_a_change_to_the_uk_methods_shows_on_the_book_page_at_once(client, db):
    """The first UK method is kept in the shared cache (one query fewer per book page) and
    forgotten when an order admin edits the methods."""
    from oscar.core.loading import get_model

    WeightBased = get_model("shipping", "WeightBased")
    install_default_rules()
    paperback, _ = make_book()
    assert "with UK Standard it should arrive" in book_text(client, paperback)

    standard = WeightBased.objects.get(name="UK Standard")
    standard.name = "UK Second Class"
    standard.save()
    assert "with UK Second Class it should arrive" in book_text(client, paperback)

    for method in WeightBased.objects.filter(countries__iso_3166_1_a2="GB"):
        method.countries.clear()
    assert "should arrive" not in book_text(client, paperback)
