"""Pages a reader meets when something protects them: the sign-in pause and unsubscribing (R-A1, R-A6)."""

from playwright.sync_api import expect

from legal.privacy import marketing
from legal.privacy.models import MarketingPreferences
from tests.factories import UserFactory


def test_R_A1_R_A6_lockout_and_unsubscribe_pages(page, live_server, demo_site, output_dir, axe):
    reader = UserFactory(email="ada@example.com")
    MarketingPreferences.objects.create(user=reader, newsletter=True)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Essential cookies only").click()
    for _ in range(6):
        page.locator("#id_login-username").fill(reader.email)
        page.locator("#id_login-password").fill("not-the-password")
        page.locator("button[name=login_submit]").click()
        if page.get_by_role("heading", name="Too many attempts to sign in").is_visible():
            break
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    axe(page)
    page.screenshot(path=output_dir / "1-locked-out.png", full_page=True)

    email = marketing.build_marketing_email(reader, "newsletter", "News", "Hello")
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(live_server.url + link[link.index("/unsubscribe/") :])
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    axe(page)
    page.screenshot(path=output_dir / "2-unsubscribed.png", full_page=True)
    assert not MarketingPreferences.objects.get(user=reader).newsletter
