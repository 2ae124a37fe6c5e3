"""The eBookshelf and its downloads (R-E1), and the right to cancel ending at the first (R-X5)."""

import datetime
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.ebooks import entitlements, epub, links
from shop.ebooks.models import Download, Entitlement
from shop.order.processing import EventHandler
from shop.payment.models import Refund
from tests.commit import committed
from tests.factories import BookFactory, UserFactory
from tests.shop.ebooks.helpers import buy

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def reader():
    return UserFactory(email="ivy@example.com", first_name="Ivy", last_name="Page")


@pytest.fixture
def ebook():
    return BookFactory(
        format="ebook", stockrecord__price="4.99", stockrecord__stock=None, title="Marrow Season"
    )


@pytest.fixture
def bought(client, localstripe, reader, ebook):
    buy(client, localstripe, reader, ebook)
    return Entitlement.objects.get(user=reader)


def download(client, entitlement, consent=True):
    """Press Download on the shelf (ticking the consent box), then follow the signed link."""
    response = client.post(
        reverse("ebooks:start", kwargs={"pk": entitlement.pk}), {"consent": "yes"} if consent else {}
    )
    if (
        response.status_code != 302
        or "/download/" not in response.url
        or response.url.endswith(f"/{entitlement.pk}/download/")
    ):
        return response
    return client.get(response.url)


def file_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_R_E1_an_order_puts_its_ebooks_on_the_shelf_once(client, localstripe, reader, bought, ebook):
    order = Order.objects.get(user=reader)
    assert (bought.product, bought.line.order) == (ebook, order)
    entitlements.grant_for_order(order)  # asked again: nothing new
    assert Entitlement.objects.count() == 1

    page = client.get(reverse("ebooks:shelf"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Marrow Season" in text and order.number in text and "not downloaded yet" in text
    assert 'href="/accounts/ebooks/"' in text  # the My Account tab


def test_R_E1_the_download_is_a_stamped_epub_and_is_recorded(client, reader, bought):
    response = download(client, bought)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    assert (
        "attachment" in response["Content-Disposition"]
        and "Marrow Season.epub" in response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(file_of(response)))
    assert archive.namelist()[0] == "mimetype" and archive.read("mimetype") == b"application/epub+zip"
    licence = archive.read(f"OEBPS/{epub.LICENCE_FILE}").decode()
    order = bought.line.order
    assert "Ivy Page" in licence and order.number in licence
    opf = archive.read("OEBPS/content.opf").decode()
    assert opf.index(f'idref="{epub.LICENCE_ID}"') < opf.index('idref="title"')  # opens on the licence

    bought.refresh_from_db()
    assert bought.download_count == 1 and bought.first_download_at is not None
    recorded = Download.objects.get()
    assert recorded.entitlement == bought and recorded.file_name.endswith(".epub")
    download(client, bought)
    bought.refresh_from_db()
    assert bought.download_count == 2 and Download.objects.count() == 2


EPUBCHECK = Path("/usr/share/java/epubcheck.jar")  # Debian's epubcheck, installed by .ci/run


@pytest.mark.skipif(not EPUBCHECK.exists() or not shutil.which("java"), reason="needs Debian's epubcheck")
def test_R_E1_the_stamped_file_passes_epubcheck(client, bought, tmp_path):
    path = tmp_path / "copy.epub"
    path.write_bytes(file_of(download(client, bought)))
    result = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(path)], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_R_X5_the_first_download_asks_for_express_consent(client, bought):
    page = client.get(reverse("ebooks:shelf")).content.decode()
    assert 'name="consent"' in page and "can no longer cancel" in page
    refused = client.post(reverse("ebooks:start", kwargs={"pk": bought.pk}), {}, follow=True)
    assert "tick the box" in refused.content.decode()
    bought.refresh_from_db()
    assert bought.consented_at is None and bought.download_count == 0

    download(client, bought)
    bought.refresh_from_db()
    assert bought.consented_at is not None and bought.consented_at <= bought.first_download_at
    assert "right to cancel" in bought.line.order.notes.get().message  # the order records it
    assert 'name="consent"' not in client.get(reverse("ebooks:shelf")).content.decode()


def test_R_X5_the_signed_link_alone_skips_no_consent(client, bought):
    """A link made without the shelf's consent step (say, by an old page) starts nothing."""
    response = client.get(links.download_url(bought))
    assert response.status_code == 403 and "confirm" in response.content.decode()
    assert Download.objects.count() == 0


def test_R_E1_an_expired_link_is_refused_with_no_file(client, bought):
    with time_machine.travel("2026-12-07 10:00 +0000", tick=False):
        bought.consented_at = bought.available_from
        bought.save()
        url = links.download_url(bought)
    with time_machine.travel("2026-12-07 10:06 +0000", tick=False):
        client.force_login(bought.user)
        response = client.get(url)
    assert response.status_code == 403 and "expired" in response.content.decode()
    assert response["Content-Type"].startswith("text/html") and Download.objects.count() == 0


def test_R_E1_a_tampered_link_is_refused(client, bought):
    bought.consented_at = bought.available_from
    bought.save()
    token = links.download_url(bought).rstrip("/").rsplit("/", 1)[1]
    forged = signing.TimestampSigner(salt="another").sign_object({"e": bought.pk, "u": bought.user_id})
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = client.get(reverse("ebooks:download", kwargs={"token": bad}))
        assert response.status_code == 403 and "not valid" in response.content.decode()
    assert Download.objects.count() == 0


def test_R_E1_someone_elses_link_is_refused(client, bought):
    bought.consented_at = bought.available_from
    bought.save()
    url = links.download_url(bought)
    client.force_login(UserFactory(email="mallory@example.com"))
    response = client.get(url)
    assert response.status_code == 403 and "another customer" in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # signed out: to the login page, no file
    assert Download.objects.count() == 0


def test_R_E1_a_refunded_order_takes_the_ebook_off_the_shelf(client, bought):
    bought.consented_at = bought.available_from
    bought.save()
    url_before = links.download_url(bought)
    with committed():
        EventHandler().refund(bought.line.order, kind=Refund.Kind.ORDER, reason="Bought by mistake")
    bought.refresh_from_db()
    assert bought.revoked_at is not None
    response = client.get(url_before)
    assert response.status_code == 403 and "refunded" in response.content.decode()
    assert "Marrow Season" not in client.get(reverse("ebooks:shelf")).content.decode()
    assert Download.objects.count() == 0


def test_R_E1_files_live_in_private_storage_with_no_url(bought, settings):
    from shop.ebooks import files

    master = files.ensure_file(bought.product)
    assert str(settings.PRIVATE_ROOT) in master.file.path
    assert not str(master.file.path).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        master.file.url  # noqa: B018


def test_R_E1_the_shelf_takes_a_fixed_number_of_queries(client, localstripe, reader, bought):
    client.force_login(reader)
    client.get(reverse("ebooks:shelf"))  # the site's links and settings are cached after this
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("ebooks:shelf")).status_code == 200
    order = bought.line.order
    for number in range(4):
        line = order.lines.create(
            partner_name="Warehouse",
            title=f"More {number}",
            quantity=1,
            num_allocated=0,
            line_price_incl_tax=1,
            line_price_excl_tax=1,
            line_price_before_discounts_incl_tax=1,
            line_price_before_discounts_excl_tax=1,
            product=BookFactory(format="ebook", stockrecord__stock=None),
        )
        entitlements.grant(user=reader, product=line.product, line=line)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("ebooks:shelf")).status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)
    assert len(few) == 11  # session, user, shelf, covers, authors (2), permissions (2), basket


def test_R_E1_a_subscription_ebook_reaches_the_shelf_on_its_date(client, reader, bought):
    """The monthly run grants a plan's eBook with its availability date: shown as coming, and
    downloadable from that date, not before."""
    first_of_month = timezone.now() + datetime.timedelta(days=3)
    later = entitlements.grant(
        user=reader,
        product=BookFactory(format="ebook", stockrecord__stock=None, title="Harbour Lights"),
        line=bought.line.order.lines.create(
            partner_name="Warehouse",
            title="Harbour Lights",
            quantity=1,
            num_allocated=0,
            line_price_incl_tax=0,
            line_price_excl_tax=0,
            line_price_before_discounts_incl_tax=0,
            line_price_before_discounts_excl_tax=0,
        ),
        available_from=first_of_month,
    )
    page = client.get(reverse("ebooks:shelf")).content.decode()
    assert "Harbour Lights" in page and "arrives" in page
    assert f'action="/accounts/ebooks/{later.pk}/download/"' not in page
    with pytest.raises(entitlements.DownloadRefused, match="not available yet"):
        entitlements.start_download(later.pk, reader, "x.epub")
    with time_machine.travel(first_of_month + datetime.timedelta(minutes=1)):
        entitlements.give_consent(later)
        assert entitlements.start_download(later.pk, reader, "x.epub").download_count == 1
