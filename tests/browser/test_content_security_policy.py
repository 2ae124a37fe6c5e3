"""The journeys' guard against Content-Security-Policy violations catches them (issue 10)."""

import re

from django.urls import reverse


def test_the_guard_reports_an_inline_script_and_an_outside_stylesheet(
    page, live_server, demo_site, csp_violations
):
    """A page the site served with a stray inline script and a stylesheet from elsewhere: the
    policy blocks both, and the guard every journey runs under reports both."""
    url = live_server.url + reverse("basket:summary")

    def with_strays(route):
        response = route.fetch()
        body = response.text().replace(
            "</body>",
            '<script>document.title = "ran"</script><link rel="stylesheet" href="https://example.org/x.css"></body>',
        )
        route.fulfill(response=response, body=body)

    page.route(url, with_strays)
    page.goto(url)
    page.wait_for_timeout(200)
    assert page.title() != "ran"  # the inline script was blocked
    assert any(re.search(r"script-src", v) for v in csp_violations), csp_violations
    assert any("example.org" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # expected here; anywhere else they fail the test


def test_oscars_basket_behaviours_run_from_a_file_under_the_policy(
    page, live_server, demo_site, output_dir, axe
):
    """Oscar's basket links were started by an inline script; static/js/oscar-init.js starts them now."""
    from playwright.sync_api import expect

    page.goto(live_server.url + "/books/")
    card = page.locator(".book-card").filter(has=page.locator(".availability--instock")).first
    card.locator(".book-card__link").click()
    page.locator(".format-option--current").get_by_role("button", name=re.compile("Add to basket")).click()
    page.goto(live_server.url + reverse("basket:summary"))

    page.get_by_role("link", name="I have a voucher code...").click()
    expect(page.get_by_label("Code")).to_be_visible()
    axe(page)
    page.screenshot(path=output_dir / "1-basket-voucher-form.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=output_dir / "2-basket-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Remove").first.click()
    expect(page.locator("#content_inner")).to_contain_text("Your basket is empty")
