"""In a browser: the delivery page, a book in both formats, the basket's VAT and delivery (R-D1, R-C4)."""

import re

from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.shipping.defaults import install_default_rules

Product = get_model("catalogue", "Product")


def test_R_D1_reader_reads_the_delivery_page_and_sees_delivery_on_a_book(
    page, live_server, demo_site, output_dir, axe
):
    install_default_rules()
    page.goto(live_server.url + "/delivery/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery and returns")
    expect(page.locator(".blocked-countries")).to_have_text("Nigeria, Somalia, Zimbabwe")
    expect(page.locator("[data-method]")).to_have_count(4)
    axe(page)
    page.screenshot(path=output_dir / "1-delivery-page.png", full_page=True)

    # A published paperback in stock that also comes as an eBook.
    paperback = next(
        p
        for p in Product.objects.filter(product_class__slug="paperback").order_by("id")
        if p.is_published()
        and p.work.formats.filter(product_class__slug="ebook").exists()
        and p.stockrecords.first().net_stock_level > 5
    )
    page.goto(live_server.url + paperback.get_absolute_url())
    expect(page.locator(".format-option")).to_have_count(2)
    expect(page.locator(".book__delivery")).to_contain_text("should arrive by")
    axe(page)
    page.screenshot(path=output_dir / "2-book-both-formats.png", full_page=True)

    page.locator(".format-option--current").get_by_role("button", name=re.compile("Add to basket")).click()
    page.goto(live_server.url + "/basket/")
    expect(page.locator(".vat-total")).to_contain_text("VAT included")
    expect(page.locator("#basket_totals")).to_contain_text("UK Standard")
    axe(page)
    page.screenshot(path=output_dir / "3-basket-vat-delivery.png", full_page=True)

    # A guest at checkout: the address form offers no blocked country and explains duties.
    page.goto(live_server.url + "/checkout/")
    page.locator("#id_username").fill("guest@example.com")
    page.locator("input[name=options][value=anonymous]").check()
    page.get_by_role("button", name=re.compile("Continue")).first.click()
    expect(page).to_have_url(re.compile(r"/checkout/shipping-address/"))
    countries = page.locator("select[name=country] option")
    expect(countries.first).to_have_text("United Kingdom")
    assert "Nigeria" not in countries.all_inner_texts()
    expect(page.locator(".notice--duties")).to_be_visible()
    axe(page)
    page.screenshot(path=output_dir / "4-checkout-address.png", full_page=True)
