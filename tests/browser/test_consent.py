"""Cookie consent and My Account privacy pages in a real browser (R-A4, R-A2, R-A3).

The network log proves the analytics script is not requested before the reader opts in."""

import re

from playwright.sync_api import expect

from legal.privacy.consent import ANALYTICS_COOKIE_NAME, COOKIE_NAME, ESSENTIAL_COOKIES
from legal.privacy.models import ConsentRecord
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

ANALYTICS = re.compile(r"/static/js/analytics[^/]*\.js")


def record_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def cookie_names(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def banner(page):
    return page.get_by_role("region", name="Your cookie choices")


def test_R_A4_banner_blocks_analytics_until_the_reader_accepts(page, live_server, demo_site, output_dir, axe):
    requests = record_requests(page)
    page.goto(live_server.url + "/")
    expect(banner(page)).to_be_visible()
    axe(page)
    page.screenshot(path=output_dir / "1-banner.png")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="All books").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All books")
    expect(banner(page)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not [url for url in requests if ANALYTICS.search(url)], "analytics requested before consent"
    assert cookie_names(page) <= ESSENTIAL_COOKIES
    assert ANALYTICS_COOKIE_NAME not in cookie_names(page)

    with page.expect_request(ANALYTICS):
        banner(page).get_by_role("button", name="Accept all cookies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All books")  # back where they were
    expect(banner(page)).to_be_hidden()
    page.wait_for_function(f"document.cookie.includes('{ANALYTICS_COOKIE_NAME}=')")
    assert {COOKIE_NAME, ANALYTICS_COOKIE_NAME} <= cookie_names(page)
    record = ConsentRecord.objects.get()
    assert record.analytics and record.functional and record.source == "banner"

    # Change of mind, from the footer of any page.
    page.get_by_role("contentinfo").get_by_role("link", name="Cookie settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cookie settings")
    analytics_box = page.get_by_label("Allow analytics cookies")
    expect(analytics_box).to_be_checked()
    axe(page)
    page.screenshot(path=output_dir / "2-preferences.png", full_page=True)
    analytics_box.uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".alert-success")).to_contain_text("essential, functional")
    assert ANALYTICS_COOKIE_NAME not in cookie_names(page)

    requests.clear()
    page.goto(live_server.url + "/books/")
    page.wait_for_load_state("networkidle")
    expect(banner(page)).to_be_hidden()
    assert not [url for url in requests if ANALYTICS.search(url)], "analytics loaded after withdrawal"
    assert ConsentRecord.objects.count() == 2
    assert (
        ConsentRecord.objects.first().source == "preferences" and not ConsentRecord.objects.first().analytics
    )


def test_R_A4_global_privacy_control_is_a_refusal_of_analytics(
    browser, live_server, demo_site, output_dir, axe
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", extra_http_headers={"Sec-GPC": "1"}
    )
    context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
    )
    page = context.new_page()
    try:
        requests = record_requests(page)
        page.goto(live_server.url + "/")
        expect(banner(page).get_by_text("Global Privacy Control")).to_be_visible()
        axe(page)
        page.screenshot(path=output_dir / "1-banner-with-gpc.png")
        banner(page).get_by_role("button", name="Accept all cookies").click()
        expect(banner(page)).to_be_hidden()
        record = ConsentRecord.objects.get()
        assert record.global_privacy_control and record.functional and not record.analytics

        # Even a stored "yes" to analytics is not acted on while the browser sends GPC.
        context.add_cookies(
            [{"name": COOKIE_NAME, "value": f"v1:{record.consent_id}:f1a1", "url": live_server.url}]
        )
        page.goto(live_server.url + "/books/")
        page.wait_for_load_state("networkidle")
        assert not [url for url in requests if ANALYTICS.search(url)]
        assert ANALYTICS_COOKIE_NAME not in cookie_names(page)

        page.get_by_role("contentinfo").get_by_role("link", name="Cookie settings").click()
        expect(page.get_by_label("Allow analytics cookies")).to_be_disabled()
        expect(page.get_by_label("Allow analytics cookies")).not_to_be_checked()
        expect(page.get_by_text("Global Privacy Control")).to_be_visible()
        axe(page)
        page.screenshot(path=output_dir / "2-preferences-with-gpc.png", full_page=True)
    finally:
        context.close()


def test_R_A4_basket_works_with_essential_cookies_only(page, live_server, demo_site):
    page.goto(live_server.url + "/books/")
    banner(page).get_by_role("button", name="Essential cookies only").click()
    expect(banner(page)).to_be_hidden()
    card = page.locator(".book-card").filter(has=page.locator(".availability--instock")).first
    card.locator(".book-card__link").click()
    page.locator(".format-option--current").get_by_role("button", name=re.compile("Add to basket")).click()
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^1"))
    page.goto(live_server.url + "/basket/")
    expect(page.locator("#content_inner")).to_contain_text("Proceed to checkout")
    assert cookie_names(page) <= ESSENTIAL_COOKIES


def test_R_A2_R_A3_my_account_privacy_pages(page, live_server, demo_site, output_dir, axe):
    reader = UserFactory(email="ada@example.com", first_name="Ada", last_name="Byron")
    page.goto(live_server.url + "/accounts/login/")
    banner(page).get_by_role("button", name="Essential cookies only").click()
    page.locator("#id_login-username").fill(reader.email)
    page.locator("#id_login-password").fill(PASSWORD)
    page.locator("button[name=login_submit]").click()
    expect(page.get_by_role("link", name="Privacy and security")).to_be_visible()

    page.get_by_role("link", name="Marketing emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marketing emails")
    for label in ("The monthly newsletter", "Catalogue mailings", "Special offers"):
        expect(page.get_by_label(label)).not_to_be_checked()
    axe(page)
    page.screenshot(path=output_dir / "1-marketing.png", full_page=True)
    page.get_by_label("The monthly newsletter").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".alert-success")).to_contain_text("saved")

    page.get_by_role("link", name="Privacy and security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy and security")
    axe(page)
    page.screenshot(path=output_dir / "2-privacy.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename.startswith("bookclub-my-data-")

    page.get_by_role("link", name="Close my account").last.click()
    expect(page.get_by_role("heading", level=2, name="What closing your account does")).to_be_visible()
    axe(page)
    page.screenshot(path=output_dir / "3-close-account.png", full_page=True)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Close my account for good").click()
    expect(page.locator(".alert-success").first).to_contain_text("Your account is closed")
    axe(page)
    page.screenshot(path=output_dir / "4-closed.png")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
