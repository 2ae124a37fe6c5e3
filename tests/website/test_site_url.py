"""Every absolute link in an email is built on SITE_URL, never example.com or a portless localhost
(issue 10: password-reset links went to http://example.com/)."""

import re
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.sites.models import Site as DjangoSite
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.models import Page
from wagtail.models import Site as WagtailSite

from bookclub.models import Subscription
from legal.privacy import marketing
from shop.order.processing import EventHandler
from shop.payment.models import Refund
from tests.commit import committed
from tests.factories import BookFactory, UserFactory
from tests.factories.bookclub import make_plan, subscribe
from tests.legal.conftest import TERMS_V2, london, make_legal_page, publish
from tests.shop.checkout.helpers import checkout_to_review, place_order
from website import sites
from website.models import SectionPage

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
SHOP = "https://shop.bookclub.example"
LINK = re.compile(r"""https?://[^\s"'<>)]+""")


@pytest.fixture
def site_url(settings):
    """The shop at its production address; migrate would point the Site rows at it."""
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = SHOP
    settings.OSCAR_URL_SCHEMA = "https"
    sites.sync_sites()
    return SHOP


def links(message) -> list[str]:
    """The web addresses in the text part, and the targets of the HTML part's links and images."""
    found = LINK.findall(message.body)
    for content, _mimetype in getattr(message, "alternatives", []):
        soup = BeautifulSoup(content, "html.parser")
        found += [tag["href"] for tag in soup.find_all(href=True) if not tag["href"].startswith("mailto:")]
        found += [tag["src"] for tag in soup.find_all(src=True)]
    assert found, f"no link in {message.subject!r}"
    return found


def assert_all_on_the_site(messages):
    assert messages
    for message in messages:
        for link in links(message):
            assert link.startswith(SHOP + "/"), f"{message.subject!r} links {link}"


def test_migrate_points_the_django_and_wagtail_sites_at_site_url():
    """The test database was made by migrate with SITE_URL=http://testserver."""
    assert DjangoSite.objects.get_current().domain == "testserver"
    default = WagtailSite.objects.get(is_default_site=True)
    assert default.root_url == "http://testserver"


def test_the_sites_follow_a_site_url_with_a_port(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"  # the demo's
    sites.sync_sites()
    assert DjangoSite.objects.get_current().domain == "127.0.0.1:8000"
    assert WagtailSite.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"


def test_the_password_reset_link_is_on_the_site(client, site_url):
    user = UserFactory(email="reader@bookclub.test")
    client.post(reverse("password-reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert_all_on_the_site(mail.outbox)
    path = links(mail.outbox[0])[0].removeprefix(SHOP)
    assert path.startswith("/password-reset/confirm/")
    assert client.get(path, follow=True).status_code == 200


def test_order_confirmation_and_refund_links_are_on_the_site(
    client, site_url, localstripe, legal_documents_in_force
):
    checkout_to_review(client, localstripe, BookFactory(stockrecord__price="9.00"))
    place_order(client)
    order = Order.objects.get()
    with committed():
        EventHandler().refund(order, kind=Refund.Kind.AMOUNT, amount=Decimal("1.25"), reason="Dented")
    assert len(mail.outbox) == 2
    assert_all_on_the_site(mail.outbox)
    # The copy of the terms in the confirmation links the versions the customer accepted.
    assert any("/legal/terms/" in link for link in links(mail.outbox[0]))


def test_the_unsubscribe_link_is_on_the_site(site_url):
    reader = UserFactory()
    marketing.build_marketing_email(reader, "newsletter", "News", "Hello!", html_body="<p>Hello!</p>").send()
    assert_all_on_the_site(mail.outbox)
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith(f"<{SHOP}/unsubscribe/")


def test_subscription_emails_link_the_site(site_url, django_capture_on_commit_callbacks):
    customer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(make_plan("ebook"), customer)
    assert_all_on_the_site(mail.outbox)


def test_a_significant_change_notice_links_the_site(site_url, django_capture_on_commit_callbacks):
    legal_section = Page.objects.get(depth=2).add_child(instance=SectionPage(title="Legal", slug="legal"))
    reader = UserFactory()
    Subscription.objects.create(customer=reader, plan=make_plan(), state=Subscription.State.ACTIVE)
    with time_machine.travel(london(2026, 5, 1, 9, 0), tick=False):
        page, _revision = make_legal_page(legal_section, "terms", title="Terms and Conditions of Sale")
    with (
        time_machine.travel(london(2026, 5, 10, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish(
            page,
            summary="New address.",
            content=TERMS_V2,
            go_live_at=london(2026, 6, 1, 0, 0),
            significant=True,
        )
    assert len(mail.outbox) == 1
    assert_all_on_the_site(mail.outbox)
