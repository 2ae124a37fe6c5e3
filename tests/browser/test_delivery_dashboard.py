"""In a browser: an order admin revises a delivery date and edits blocked destinations (R-D6, R-D2)."""

import datetime

from django.test import Client
from playwright.sync_api import expect

from shop.shipping.defaults import install_default_rules
from tests.factories import BookFactory, UserFactory
from tests.factories.orders import make_basket, place_order


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_R_D6_order_admin_revises_the_estimated_delivery(
    page, live_server, transactional_db, output_dir, mailoutbox, axe
):
    install_default_rules()
    order = place_order(make_basket((BookFactory(), 2), owner=UserFactory(email="reader@example.com")))
    sign_in(page, live_server, UserFactory(order_admin=True))

    page.goto(f"{live_server.url}/dashboard/orders/{order.number}/")
    expect(page.locator("#revise-estimated-delivery")).to_be_visible()
    new_date = order.estimated_delivery + datetime.timedelta(days=3)
    page.get_by_label("New estimated delivery date").fill(new_date.isoformat())
    page.get_by_label("Reason (sent to the customer)").fill("The carrier has a backlog after the storms.")
    page.get_by_role("button", name="Revise and email the customer").click()
    expect(page.locator("#estimated-delivery")).to_contain_text(f"{new_date:%-d %B %Y}")
    axe(page)
    page.screenshot(path=output_dir / "1-order-page-revised.png", full_page=True)

    page.goto(f"{live_server.url}/dashboard/shipping/blocked-destinations/")
    expect(page.get_by_label("Nigeria")).to_be_checked()
    page.get_by_label("Belarus").check()
    page.get_by_role("button", name="Save blocked destinations").click()
    expect(page.locator(".alert-success")).to_contain_text("Belarus")
    axe(page)
    page.screenshot(path=output_dir / "2-blocked-destinations.png")
