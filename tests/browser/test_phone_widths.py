"""Issue 15: no page scrolls sideways on a phone. At 320 and 390 px the document is no wider than
the window on the home page, a book page, search results, the basket and a 404."""

import re

import pytest
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.search import indexing

Product = get_model("catalogue", "Product")

WIDTHS = [320, 390]


def overflowing(page) -> list[str]:
    """Elements whose right edge passes the window's, widest first (to say what to fix)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                          && getComputedStyle(el).position !== 'fixed' && el.getClientRects().length)
            .slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className}`)"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, demo_site, output_dir, width):
    indexing.index_missing()
    book = Product.objects.filter(product_class__slug="paperback").order_by("id").first()
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + book.get_absolute_url())
    page.locator(".format-option--current").get_by_role("button", name=re.compile("Add to basket")).click()
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^1"))
    pages = {
        "home": "/",
        "book": book.get_absolute_url(),
        "search": "/search/?q=" + book.title.split()[0],
        "basket": "/basket/",
        "not-found": "/no-such-page/",
    }
    widths = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=output_dir / f"{name}-{width}.png", full_page=True)
        assert widths[name] <= width, f"{name} is {widths[name]} px wide at {width} px: {overflowing(page)}"
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_designed_404_and_the_staff_sign_in_page(browser, live_server, demo_site, output_dir, width, axe):
    """Issue 15: a mistyped address shows the shop's own 404 page; /cms/ asks staff to sign in on
    Wagtail's own page, not the shop's "Login or register"."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    response = page.goto(live_server.url + "/books/no-such-book/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    if width == 1280:
        axe(page)
    page.screenshot(path=output_dir / f"404-{width}.png", full_page=True)
    page.goto(live_server.url + "/cms/")
    expect(page).to_have_url(re.compile(r"/cms/login/"))
    expect(page.get_by_role("button", name=re.compile("Sign in"))).to_be_visible()
    if width == 1280:
        axe(page)
    page.screenshot(path=output_dir / f"cms-sign-in-{width}.png", full_page=True)
    context.close()
