"""A reader finds a book by its author through the header search and buys the paperback."""

import re

from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.search import indexing

Product = get_model("catalogue", "Product")
BasketLine = get_model("basket", "Line")


def test_reader_finds_a_book_by_author_and_adds_the_paperback_to_the_basket(
    page, live_server, demo_site, output_dir, axe
):
    indexing.index_missing()  # as seed_demo does after its bulk inserts
    book = Product.objects.filter(product_class__slug="paperback", work__formats__product_class__slug="ebook")
    book = book.order_by("id").first()
    author = book.work.authors.first()
    surname = author.name.split()[-1]

    page.goto(live_server.url + "/")
    search = page.get_by_role("search").get_by_label("Search books and pages")
    search.fill(surname)
    search.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results for “{surname}”")
    books = page.get_by_role("region", name=re.compile(r"^Books"))
    expect(books).to_be_visible()
    card = books.locator(".book-card").filter(has_text=book.title).first
    expect(card.locator(".book-card__author")).to_contain_text(author.name)
    expect(card.locator(".format-badge")).to_have_text("Paperback")
    axe(page)
    page.screenshot(path=output_dir / "1-search-results.png", full_page=True)

    card.locator(".book-card__link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(book.title)
    paperback = page.locator(".format-option--current")
    expect(paperback).to_contain_text("Paperback")
    paperback.get_by_role("button", name=re.compile("Add to basket")).click()
    expect(page.locator(".alert-success").first).to_contain_text(book.title)
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^1"))

    page.locator(".basket-summary").click()
    expect(page.locator("#content_inner")).to_contain_text(book.title)
    assert list(BasketLine.objects.values_list("product_id", flat=True)) == [book.pk]  # the paperback


def test_reader_sorts_the_catalogue_by_price_and_gets_help_when_nothing_is_found(
    page, live_server, demo_site, output_dir, axe
):
    page.goto(live_server.url + "/books/")
    page.get_by_label("Sort by").select_option(label="Price, low to high")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"sort=price-low"))
    expect(page.get_by_label("Sort by")).to_have_value("price-low")
    prices = [float(p.replace("£", "")) for p in page.locator(".book-card .price").all_inner_texts()]
    assert prices == sorted(prices)
    axe(page)
    page.screenshot(path=output_dir / "1-catalogue-by-price.png", full_page=True)

    search = page.get_by_role("search").get_by_label("Search books and pages")
    search.fill("xylophone quasar")
    search.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Nothing found"))).to_be_visible()
    axe(page)
    page.screenshot(path=output_dir / "2-search-nothing-found.png", full_page=True)
