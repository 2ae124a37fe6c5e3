"""In a browser: an order admin finds an Order Confirmation the mail server kept refusing, and
sends it with Retry, once (issue 10, R-L5)."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from durable.models import DurableTask
from durable.sweep import sweep
from shop.order.tasks import send_order_confirmation_task
from shop.payment.models import CheckoutPayment
from tests.durable.smtp import FakeSMTP
from tests.factories import BookFactory, UserFactory
from tests.factories.legal import publish_terms_and_privacy
from tests.factories.orders import make_basket, place_order
from tests.shop.checkout.helpers import uk_shipping_country


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def a_confirmation_that_gave_up(settings):
    publish_terms_and_privacy()
    uk_shipping_country()
    reader = UserFactory(email="ada.reader@example.com")
    order = place_order(make_basket(BookFactory(stockrecord__price="9.99"), owner=reader))
    CheckoutPayment.objects.create(
        payment_intent_id="pi_browser_1",
        user=reader,
        order_number=order.number,
        amount=order.total_incl_tax,
        agreed_terms_at=timezone.now(),
        status=CheckoutPayment.Status.PLACED,
        order=order,
    )
    locmem = settings.EMAIL_BACKEND
    with FakeSMTP(refuse=100) as server, time_machine.travel(timezone.now() - timedelta(days=4)) as clock:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
        send_order_confirmation_task.enqueue(order.pk)
        for _ in range(6):
            clock.shift(timedelta(hours=13))
            sweep()
    settings.EMAIL_BACKEND = locmem  # the mail server is mended
    return order


def test_R_L5_an_order_admin_retries_a_confirmation_that_gave_up(
    page, live_server, transactional_db, settings, output_dir, axe
):
    order = a_confirmation_that_gave_up(settings)
    assert DurableTask.objects.get().status == "failed"
    sign_in(page, live_server, UserFactory(order_admin=True, email="orders@example.com"))

    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("button", name="Fulfilment").click()
    page.get_by_role("link", name="Background tasks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Background tasks")
    row = page.locator("#task-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("send_order_confirmation_task")
    expect(row).to_contain_text("Failed (gave up)")
    expect(row).to_contain_text("451")
    axe(page)
    page.screenshot(path=output_dir / "1-failed-1280.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=output_dir / "2-failed-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    row.get_by_role("button", name="Retry").click()
    expect(page.locator(".alert-success")).to_contain_text("queued again")
    expect(page.get_by_text("nothing owed is lost")).to_be_visible()
    page.screenshot(path=output_dir / "3-sent-1280.png", full_page=True)
    assert [m.to for m in mail.outbox] == [["ada.reader@example.com"]]
    assert str(order.number) in mail.outbox[0].body
