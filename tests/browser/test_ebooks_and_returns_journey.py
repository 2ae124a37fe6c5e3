"""In a browser: a reader downloads an eBook from the eBookshelf (R-E1, R-X5); a reader cancels a
paperback within 14 days and prints the returns note (R-X1, R-X2); an order admin finds the
return among the refunds due and sends a replacement for faulty books (R-X4, R-U2)."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.ebooks.models import Download
from shop.returns import cancelling
from shop.returns.models import Cancellation
from tests.commit import committed
from tests.factories import BookFactory, UserFactory
from tests.factories.legal import publish_terms_and_privacy
from tests.shop.ebooks.helpers import buy
from tests.shop.returns.test_cancelling import dispatch

Order = get_model("order", "Order")


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.SENDFILE_ROOT = str(settings.PRIVATE_ROOT)


# Site-wide parts these journeys do not change and the My Account restyle (issue 15) owns: the
# account menu's Bootstrap pill colour, the cookie banner's and the footer's inline links.
NOT_OURS = ["#consent-banner", ".site-footer", ".nav-pills"]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def both_widths(page, output_dir, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=output_dir / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=output_dir / f"{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def reader(transactional_db):
    publish_terms_and_privacy()
    return UserFactory(email="wren@example.com", first_name="Wren", last_name="Hollis")


def test_R_E1_R_X5_a_reader_downloads_an_ebook_with_their_licence(
    page, live_server, localstripe, reader, output_dir, axe
):
    ebook = BookFactory(
        format="ebook", stockrecord__price="4.99", stockrecord__stock=None, title="Lanterns on the Broads"
    )
    buy(Client(), localstripe, reader, ebook)
    order = Order.objects.get(user=reader)
    sign_in(page, live_server, reader)

    page.goto(live_server.url + "/accounts/")
    page.get_by_role("link", name="eBookshelf").click()
    expect(page.locator(".ebookshelf__book")).to_contain_text("Lanterns on the Broads")
    expect(page.locator(".ebookshelf__book")).to_contain_text(order.number)
    both_widths(page, output_dir, "1-ebookshelf")
    axe(page, exclude=NOT_OURS)

    # Without the express consent, the download does not start (R-X5): the box is required.
    page.get_by_label(re.compile("I understand that once it starts")).check()
    with page.expect_download() as arriving:
        page.get_by_role("button", name="Download EPUB").click()
    download = arriving.value
    assert download.suggested_filename == "Lanterns on the Broads.epub"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    assert archive.read("mimetype") == b"application/epub+zip"
    licence = archive.read("OEBPS/bookclub-licence.xhtml").decode()
    assert "Wren Hollis" in licence and order.number in licence
    assert Download.objects.count() == 1

    page.reload()
    expect(page.locator(".ebookshelf__book")).to_contain_text("downloaded 1 time")
    expect(page.get_by_label(re.compile("I understand"))).to_have_count(0)
    both_widths(page, output_dir, "2-ebookshelf-downloaded")
    # The order page no longer offers to cancel the eBook (R-X5).
    page.goto(live_server.url + f"/accounts/orders/{order.number}/")
    expect(page.locator("#cancel-books")).to_have_count(0)


def test_R_X1_R_X2_a_reader_cancels_a_paperback_and_prints_the_returns_note(
    page, live_server, localstripe, reader, output_dir, axe
):
    paperback = BookFactory(stockrecord__price="9.99", title="The Ferryman's Almanac")
    buy(Client(), localstripe, reader, paperback)
    order = Order.objects.get(user=reader)
    dispatch(order)
    sign_in(page, live_server, reader)

    page.goto(live_server.url + f"/accounts/orders/{order.number}/")
    page.locator("#cancel-books").click()
    expect(page.locator(".cancel-lines")).to_contain_text("The Ferryman's Almanac")
    page.get_by_label("Reason (optional)").fill("It was a present and they have it already")
    both_widths(page, output_dir, "3-cancel-choose")
    axe(page, exclude=NOT_OURS)
    page.get_by_role("button", name="See what happens next").click()
    expect(page.locator("#cancel_form")).to_contain_text("Send them back by")
    both_widths(page, output_dir, "4-cancel-review")
    axe(page, exclude=NOT_OURS)
    page.get_by_role("button", name="Confirm the cancellation").click()
    expect(page.locator(".alert-success").first).to_contain_text("send the books back by")
    expect(page.locator(".order-cancellations")).to_contain_text("Waiting for the books to come back")
    both_widths(page, output_dir, "5-order-after-cancel")
    # The order page's other parts (Oscar's Re-order buttons, the terms links) are the restyle's:
    # axe checks our section of it.
    axe(page, exclude=[*NOT_OURS, ".btn-success", "a[href^='/legal/']"])

    page.get_by_role("link", name="Print the returns note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns note")
    expect(page.locator("body")).to_contain_text("The Ferryman's Almanac")
    both_widths(page, output_dir, "6-returns-note")
    axe(page, exclude=NOT_OURS)
    assert Cancellation.objects.get().status == Cancellation.Status.AWAITING_RETURN


def test_R_X4_R_U2_an_order_admin_finds_a_faulty_return_and_sends_a_replacement(
    page, live_server, localstripe, reader, output_dir
):
    paperback = BookFactory(stockrecord__price="11.50", title="A Heron's Winter")
    buy(Client(), localstripe, reader, paperback)
    order = Order.objects.get(user=reader)
    dispatch(order)
    with committed():
        cancelling.cancel(
            order,
            {order.lines.get().pk: 1},
            channel=Cancellation.Channel.ACCOUNT,
            reason="Pages 33 to 64 missing",
        )
    admin = UserFactory(order_admin=True, email="returns.desk@example.com")
    sign_in(page, live_server, admin)

    page.goto(live_server.url + "/dashboard/orders/returns/")
    expect(page.locator("#return-list")).to_contain_text(order.number)
    both_widths(page, output_dir, "7-dashboard-refunds-due")
    page.locator("#return-list").get_by_role("link", name="Open").click()
    expect(page.locator("#return-facts")).to_contain_text("Pages 33 to 64 missing")
    both_widths(page, output_dir, "8-dashboard-return")
    page.locator("#send-replacement").click()
    expect(page.locator(".alert-success").first).to_contain_text("Replacement order")
    expect(page.locator("#return-facts")).to_contain_text("Replacement sent")
    both_widths(page, output_dir, "9-dashboard-replaced")

    page.goto(live_server.url + f"/dashboard/orders/{order.number}/despatch-note/")
    expect(page.locator("body")).to_contain_text("A Heron's Winter")
    both_widths(page, output_dir, "10-despatch-note")
