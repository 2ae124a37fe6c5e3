"""Buying in a real browser against localstripe: card 4242, 3-D Secure, a decline, an eBook.

Stripe.js is localstripe's stand-in (plain inputs in the page instead of Stripe's iframes, and an
in-page "bank" window for 3-D Secure); the page's own code is the production code.
"""

import re
import time

import pytest
import requests
from django.core import mail
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.payment.models import CheckoutPayment, StripeEvent
from shop.shipping.defaults import install_default_rules
from tests.shop.checkout.helpers import CARDS

Product = get_model("catalogue", "Product")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def shop(live_server, demo_site, localstripe):
    """The demo site with its delivery rules (UK Standard and Tracked, Europe, Worldwide)."""
    install_default_rules()
    mail.outbox.clear()
    return live_server.url


@pytest.fixture
def webhooks(shop, localstripe, settings):
    """localstripe posts signed payment_intent events to the live server, as Stripe would."""

    def register(events):
        requests.post(
            f"{localstripe}/_config/webhooks/browser-tests",
            json={
                "url": shop + "/stripe/webhook/",
                "secret": settings.STRIPE_WEBHOOK_SECRET,
                "events": events,
            },
            timeout=5,
        ).raise_for_status()

    register(["payment_intent.succeeded", "payment_intent.payment_failed"])
    yield
    # Registrations outlive the test; deliveries still on their way must not reach the next one.
    register(["bookclub.nothing"])


def a_book(format_slug: str):
    products = Product.objects.filter(product_class__slug=format_slug).order_by("pk")
    for product in products:
        record = product.stockrecords.first()
        if product.is_published() and record and (format_slug != "paperback" or record.net_stock_level > 2):
            return product
    raise AssertionError(f"no {format_slug} to buy in the demo catalogue")


def add_to_basket_and_start_checkout(page, url, product, email="ada@example.com"):
    page.goto(url + product.get_absolute_url())
    page.locator(".format-option--current").get_by_role("button", name=re.compile("Add to basket")).click()
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^1"))
    page.goto(url + "/basket/")
    page.get_by_role("link", name="Proceed to checkout").click()
    page.locator("#id_username").fill(email)
    page.locator("input[name=options][value=anonymous]").check()


def fill_uk_address(page):
    page.locator("#id_first_name").fill("Ada")
    page.locator("#id_last_name").fill("Reader")
    page.locator("#id_line1").fill("1 Library Lane")
    page.locator("#id_line4").fill("Oxford")
    page.locator("#id_postcode").fill("OX1 2AB")
    if page.locator("select#id_country").count():  # hidden when the UK is the only country
        page.locator("select#id_country").select_option("GB")


def fill_card(page, number: str):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("31")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("OX12AB")


def tick_agreements(page):
    page.get_by_label("I agree to the").check()
    page.get_by_label("I am 18 or over.").check()


def wait_for(condition, seconds=8.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_R_P1_R_P2_R_L5_a_reader_buys_a_paperback_to_a_uk_address_with_card_4242(
    page, shop, webhooks, output_dir, axe
):
    book = a_book("paperback")
    add_to_basket_and_start_checkout(page, shop, book)
    axe(page)
    page.screenshot(path=output_dir / "1-gateway.png", full_page=True)
    page.get_by_role("button", name=re.compile("Continue")).first.click()

    expect(page.locator("#id_postcode")).to_be_visible()
    fill_uk_address(page)
    axe(page)
    page.screenshot(path=output_dir / "2-address.png", full_page=True)
    page.get_by_role("button", name=re.compile("Continue")).first.click()
    if "shipping-method" in page.url:
        axe(page)
        page.screenshot(path=output_dir / "3-method.png", full_page=True)
        page.get_by_role("button", name=re.compile("Select|Continue")).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Card details")
    fill_card(page, CARDS["visa"])
    axe(page)
    page.screenshot(path=output_dir / "4-card.png", full_page=True)
    page.get_by_role("button", name="Continue to review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review and pay")
    expect(page.locator(".review-box")).to_contain_text(["Oxford"])
    expect(page.locator(".order-summary")).to_contain_text("Includes VAT")
    page.get_by_role("button", name=re.compile("^Pay ")).click()  # boxes unticked: refused
    expect(page.locator(".invalid-feedback").first).to_contain_text("Terms and Conditions of Sale")
    axe(page)
    page.screenshot(path=output_dir / "5-review-refused.png", full_page=True)
    tick_agreements(page)
    axe(page)
    page.screenshot(path=output_dir / "6-review.png", full_page=True)
    page.get_by_role("button", name=re.compile("^Pay ")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is confirmed")
    order = Order.objects.get()
    expect(page.locator(".order-number")).to_have_text(order.number)
    expect(page.locator(".legal-acceptance")).to_contain_text("version")  # the Terms just accepted
    expect(page.locator(".order-summary .format-badge")).to_have_text("Paperback")
    axe(page)
    page.screenshot(path=output_dir / "7-confirmation.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=output_dir / "7-confirmation-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert order.lines.get().product == book and order.shipping_address.postcode == "OX1 2AB"

    assert len(mail.outbox) == 1 and order.number in mail.outbox[0].subject
    html = mail.outbox[0].alternatives[0][0]
    (output_dir / "email.html").write_text(html)
    page.goto((output_dir / "email.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order")
    page.screenshot(path=output_dir / "8-confirmation-email.png", full_page=True)

    # localstripe's webhook arrives a second later: stored once, and it finds the order placed.
    intent_id = CheckoutPayment.objects.get().payment_intent_id
    assert wait_for(
        lambda: StripeEvent.objects.filter(object_id=intent_id, processed_at__isnull=False).exists()
    )
    assert StripeEvent.objects.get(object_id=intent_id).outcome == f"order {order.number}"
    assert Order.objects.count() == 1 and len(mail.outbox) == 1


def test_R_P1_a_three_d_secure_card_passes_the_banks_challenge(page, shop, output_dir, axe):
    add_to_basket_and_start_checkout(page, shop, a_book("ebook"))
    page.get_by_role("button", name=re.compile("Continue")).first.click()
    fill_card(page, CARDS["3ds"])
    page.get_by_role("button", name="Continue to review").click()
    tick_agreements(page)
    page.get_by_role("button", name=re.compile("^Pay ")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the payment with your bank")
    bank = page.get_by_role("button", name="Complete authentication")
    expect(bank).to_be_visible()
    axe(page)
    page.screenshot(path=output_dir / "1-bank-challenge.png", full_page=True)
    bank.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is confirmed")
    axe(page)
    page.screenshot(path=output_dir / "2-confirmation.png", full_page=True)
    assert Order.objects.count() == 1


def test_R_P1_a_declined_card_shows_the_error_and_keeps_the_basket(page, shop, output_dir, axe):
    add_to_basket_and_start_checkout(page, shop, a_book("ebook"))
    page.get_by_role("button", name=re.compile("Continue")).first.click()
    fill_card(page, CARDS["declined"])
    page.get_by_role("button", name="Continue to review").click()
    tick_agreements(page)
    page.get_by_role("button", name=re.compile("^Pay ")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Card details")
    expect(page.locator(".alert-danger")).to_contain_text("Your card was declined.")
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^1"))
    axe(page)
    page.screenshot(path=output_dir / "1-declined.png", full_page=True)
    assert not Order.objects.exists()


def test_R_D4_an_ebook_only_order_skips_delivery(page, shop, output_dir, axe):
    ebook = a_book("ebook")
    add_to_basket_and_start_checkout(page, shop, ebook)
    page.get_by_role("button", name=re.compile("Continue")).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Card details")  # no address, no method
    expect(page.locator(".checkout-steps")).not_to_contain_text("Delivery address")
    fill_card(page, CARDS["visa"])
    page.get_by_role("button", name="Continue to review").click()
    expect(page.locator(".review-grid")).to_contain_text("nothing to post")
    axe(page)
    page.screenshot(path=output_dir / "1-review-ebook.png", full_page=True)
    tick_agreements(page)
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is confirmed")
    order = Order.objects.get()
    assert order.shipping_address is None and order.shipping_incl_tax == 0


def test_R_C2_a_paperback_sold_out_during_3ds_is_refunded_and_the_reader_told(page, shop, output_dir, axe):
    book = a_book("paperback")
    add_to_basket_and_start_checkout(page, shop, book)
    page.get_by_role("button", name=re.compile("Continue")).first.click()
    fill_uk_address(page)
    page.get_by_role("button", name=re.compile("Continue")).first.click()
    if "shipping-method" in page.url:
        page.get_by_role("button", name=re.compile("Select|Continue")).first.click()
    fill_card(page, CARDS["3ds"])
    page.get_by_role("button", name="Continue to review").click()
    tick_agreements(page)
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    bank = page.get_by_role("button", name="Complete authentication")
    expect(bank).to_be_visible()
    StockRecord.objects.filter(product=book).update(num_in_stock=0)  # the last copies sold meanwhile
    bank.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, we could not place your order")
    expect(page.locator(".alert-warning")).to_contain_text(book.get_title())
    axe(page)
    page.screenshot(path=output_dir / "1-unavailable.png", full_page=True)
    assert not Order.objects.exists() and CheckoutPayment.objects.get().refunds.get().stripe_refund_id
    assert len(mail.outbox) == 1 and "refunded" in mail.outbox[0].subject


def test_R_P4_R_X6_an_order_admin_refunds_a_line_from_the_dashboard(page, shop, localstripe, output_dir, axe):
    from django.test import Client

    from tests.factories import UserFactory
    from tests.shop.checkout.helpers import checkout_to_review, place_order

    buyer = Client()
    checkout_to_review(buyer, localstripe, products=[a_book("paperback"), a_book("ebook")])
    place_order(buyer)
    order = Order.objects.get()
    admin = Client()
    admin.force_login(UserFactory(order_admin=True))
    page.context.add_cookies([{"name": "sessionid", "value": admin.cookies["sessionid"].value, "url": shop}])

    page.goto(f"{shop}/dashboard/orders/{order.number}/")
    page.get_by_role("link", name=re.compile("Refund, or cancel a line")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Refunds for order #{order.number}")
    page.get_by_label("Line cannot be supplied").check()
    line = order.lines.get(product__product_class__slug="paperback")
    page.locator(f"#id_line_{line.pk}").fill("1")
    page.get_by_label("Reason (the customer sees it)").fill("Out of print at the publisher")
    axe(page)
    page.screenshot(path=output_dir / "1-refund-form.png", full_page=True)
    page.get_by_role("button", name="Refund to the customer's card").click()

    expect(page.locator("#refund-history")).to_contain_text("Out of print at the publisher")
    axe(page)
    page.screenshot(path=output_dir / "2-refunded.png", full_page=True)
    line.refresh_from_db()
    assert line.status == "Cancelled" and order.refunds.get().status == "succeeded"
    assert any("cannot supply" in message.subject for message in mail.outbox)
