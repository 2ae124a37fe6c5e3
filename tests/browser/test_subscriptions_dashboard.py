"""In a browser: an order admin finds a subscriber, reads the subscription's history and cancels
it with a pro-rata refund to the card that paid, after seeing the figure (R-U2, R-S9)."""

import re

from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from bookclub import lifecycle
from bookclub.models import Plan, Subscription
from tests.bookclub.paid import paid_subscription, stripe_refunds
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan, subscribe
from tests.factories.legal import publish_terms_and_privacy

Kind = Plan.Kind


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_R_S9_R_U2_an_order_admin_cancels_a_subscription_with_a_pro_rata_refund(
    page, live_server, transactional_db, localstripe, output_dir, axe
):
    publish_terms_and_privacy()
    quarterly = make_plan(Kind.PREPAID, price="47.97", term_months=3, title="The Quarterly Shelf")
    ada = UserFactory(email="ada.reader@example.com", first_name="Ada", last_name="Reader")
    subscription, order = paid_subscription(quarterly, ada, localstripe)
    admin = UserFactory(order_admin=True, email="orders@example.com", first_name="Oscar", last_name="Orders")
    # Other members, so the list looks like a day's work.
    post = make_plan(Kind.PAY_MONTHLY, price="15.99", title="Paperback Post")
    shelf = make_plan(Kind.EBOOK, price="3.99", title="The eBook Shelf")
    for number, (plan, first, last) in enumerate(
        [(post, "Ben", "Okafor"), (shelf, "Chloe", "Marsh"), (post, "Dev", "Patel"), (shelf, "Ada", "Reader")]
    ):
        member = ada if number == 3 else UserFactory(first_name=first, last_name=last)
        other = subscribe(plan, member)
        if number == 2:
            lifecycle.suspend(other, by=admin, reason="non_payment", note="Invoice unpaid after a reminder")
    mail.outbox.clear()
    sign_in(page, live_server, admin)

    # The dashboard's menu leads to the subscriptions; the admin finds Ada by name.
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("button", name="Subscriptions").click()
    page.locator(".dropdown-menu").get_by_role("link", name="Subscriptions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscriptions")
    page.get_by_label("Customer (email or name)").fill("ada reader")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#subscription-list tbody tr")).to_have_count(2)
    axe(page)
    page.screenshot(path=output_dir / "1-list-1280.png", full_page=True)

    page.get_by_role("link", name=f"#{subscription.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The Quarterly Shelf")
    expect(page.locator("#advance")).to_contain_text("£31.98")
    expect(page.locator("#subscription-history")).to_contain_text("Contract formed")
    axe(page)
    page.screenshot(path=output_dir / "2-detail-1280.png", full_page=True)

    page.get_by_role("link", name="Cancel the subscription").click()
    page.get_by_label("At the customer's request").check()
    page.get_by_label(re.compile("What happened")).fill(
        "Moving abroad; asked by phone to end the term early."
    )
    page.get_by_label(re.compile("Refund pro rata")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("please confirm")
    expect(page.locator("#effects")).to_contain_text("Paid in advance and not yet received: £31.98")
    expect(page.locator("#effects")).to_contain_text(
        f"Refund: £31.98 to the card that paid order {order.number}"
    )
    axe(page)
    page.screenshot(path=output_dir / "3-confirm-1280.png", full_page=True)
    assert stripe_refunds(order) == []  # nothing happens before the confirmation

    page.get_by_role("button", name="Confirm: cancel and refund £31.98").click()
    expect(page.locator(".alert-success")).to_contain_text("£31.98 refunded to their card")
    expect(page.locator("#subscription-summary")).to_contain_text("Cancelled")
    expect(page.locator("#subscription-refunds")).to_contain_text("Refunded")
    expect(page.locator("#subscription-history")).to_contain_text("Oscar Orders")
    axe(page)
    page.screenshot(path=output_dir / "4-cancelled-1280.png", full_page=True)
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.CANCELLED
    assert stripe_refunds(order) == [3198]

    # The same screens on a phone: nothing runs off the side of the page.
    page.set_viewport_size({"width": 390, "height": 844})
    suspended = Subscription.objects.get(state=Subscription.State.SUSPENDED)
    for name, path in [
        ("5-list-390", "/dashboard/subscriptions/"),
        ("6-detail-390", f"/dashboard/subscriptions/{suspended.pk}/"),
    ]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        axe(page)
        page.screenshot(path=output_dir / f"{name}.png", full_page=True)
    page.get_by_role("link", name="Cancel the subscription").click()
    page.get_by_label("Non-payment after a reminder").check()
    page.get_by_label(re.compile("What happened")).fill("Second reminder unanswered.")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#effects")).to_contain_text("Invoices for parcels already delivered remain payable")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=output_dir / "7-confirm-390.png", full_page=True)

    # Withdrawing a plan: the figures first, then the job's progress and summary.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/dashboard/subscriptions/plans/")
    page.get_by_role("link", name="Withdraw Paperback Post…").click()
    expect(page.locator("#effects")).to_contain_text("2 running subscriptions are cancelled")
    page.get_by_label(re.compile("Why the plan is withdrawn")).fill(
        "The paperback list moves to the Quarterly Shelf."
    )
    page.get_by_role("button", name="Continue").click()
    axe(page)
    page.screenshot(path=output_dir / "8-withdraw-confirm-1280.png", full_page=True)
    page.get_by_role("button", name=re.compile("Confirm: withdraw Paperback Post")).click()
    expect(page.locator("#withdrawal-progress")).to_contain_text("2 of 2 subscriptions ended")
    expect(page.locator("#withdrawal-progress h2")).to_have_text("Done")
    axe(page)
    page.screenshot(path=output_dir / "9-withdrawal-done-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=output_dir / "10-withdrawal-done-390.png", full_page=True)
    assert not Subscription.objects.filter(plan=post, state__in=Subscription.LIVE_STATES).exists()
