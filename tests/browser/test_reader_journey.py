"""A reader's first visit, in a real browser: home page, catalogue, a book, the basket."""

import re

from playwright.sync_api import expect


def test_reader_browses_to_a_book_and_adds_it_to_the_basket(page, live_server, demo_site, output_dir, axe):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good books")
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^0"))
    axe(page)
    page.screenshot(path=output_dir / "1-home.png", full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="All books").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All books")
    axe(page)
    page.screenshot(path=output_dir / "2-catalogue.png", full_page=True)

    # Open the first in-stock paperback on the list.
    card = page.locator(".book-card").filter(has=page.locator(".availability--instock")).first
    title = card.locator(".book-card__title").inner_text()
    card.locator(".book-card__link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".format-option--current")).to_contain_text("includes VAT")
    axe(page)
    page.screenshot(path=output_dir / "3-book.png", full_page=True)

    page.locator(".format-option--current").get_by_role("button", name=re.compile("Add to basket")).click()
    expect(page.locator(".alert-success").first).to_contain_text(title)
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^1"))

    page.locator(".basket-summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Basket")
    expect(page.locator("#content_inner")).to_contain_text(title)
    axe(page)
    page.screenshot(path=output_dir / "4-basket.png", full_page=True)
