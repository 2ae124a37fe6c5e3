"""The monthly run in a real browser: a reader whose bank wants 3-D Secure for the month's
off-session charge finishes it from the emailed link (R-P5, R-S7); the order admins' monthly-run
screen (R-S10). Screenshots under test-results/."""

import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from bookclub import billing
from bookclub.models import BillingCycle, Plan
from tests.bookclub.run_helpers import OFF_SESSION_3DS, at, plan_with_selections, subscriber
from tests.factories import UserFactory

MAY = date(2027, 5, 1)


@pytest.fixture
def may(live_server, localstripe):
    ebook = plan_with_selections(Plan.Kind.EBOOK, [MAY])
    monthly = plan_with_selections(Plan.Kind.PAY_MONTHLY, [MAY])
    with at(2027, 3, 10, 12, 0):
        reader = subscriber(
            ebook, UserFactory(email="ada@example.com", first_name="Ada"), localstripe, card=OFF_SESSION_3DS
        )
        subscriber(ebook, UserFactory(email="bo@example.com"), localstripe)
        subscriber(ebook, UserFactory(email="cy@example.com"), localstripe, card="declined")
    with at(2027, 4, 10, 12, 0):
        for _ in range(3):
            subscriber(monthly, UserFactory(), localstripe)
    mail.outbox.clear()
    with at(2027, 5, 1, 0, 5):
        billing.run_period(MAY)
    return reader


def sign_in(page, url, person):
    visitor = Client()
    visitor.force_login(person)
    page.context.add_cookies([{"name": "sessionid", "value": visitor.cookies["sessionid"].value, "url": url}])


def test_R_P5_R_S7_a_reader_confirms_a_monthly_charge_with_their_bank_from_the_email(
    page, may, live_server, output_dir, axe
):
    cycle = BillingCycle.objects.get(subscription=may)
    assert cycle.state == BillingCycle.State.NEEDS_AUTHENTICATION
    [email] = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    link = re.search(r"http\S+/club/payments/\d+/", email.body).group(0)
    path = link.split("/club/", 1)[1]
    with at(2027, 5, 1, 8, 0):
        sign_in(page, live_server.url, may.customer)
        page.goto(f"{live_server.url}/club/{path}")
        expect(page.get_by_role("button", name="Confirm the payment with my bank")).to_be_visible()
        axe(page)
        page.screenshot(path=output_dir / "1-authenticate.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=output_dir / "1-authenticate-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="Confirm the payment with my bank").click()
        page.get_by_role("button", name="Complete authentication").click()
        expect(page.get_by_text("Paid, thank you")).to_be_visible()
        axe(page)
        page.screenshot(path=output_dir / "2-paid.png", full_page=True)
    cycle.refresh_from_db()
    assert cycle.state == BillingCycle.State.PAID
    assert (
        sum(
            1
            for m in mail.outbox
            if m.subject.startswith("Order confirmation") and m.to == ["ada@example.com"]
        )
        == 1
    )


def test_R_S10_the_order_admins_monthly_run_screen(page, may, live_server, output_dir, axe):
    with at(2027, 5, 1, 9, 0):
        sign_in(page, live_server.url, UserFactory(order_admin=True))
        page.goto(f"{live_server.url}/dashboard/subscriptions/run/?period=2027-05")
        expect(page.locator("#monthly-run")).to_be_visible()
        expect(page.locator("#monthly-run-problems")).to_contain_text("cy@example.com")
        axe(page)
        page.screenshot(path=output_dir / "1-monthly-run.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=output_dir / "1-monthly-run-390.png", full_page=True)
