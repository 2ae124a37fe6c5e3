"""Every reader shares cached browse pages (0 queries); nothing personal is ever in one (issue 14 §1)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import UserFactory, make_book
from website.demo import content

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture(autouse=True)
def site_settings():
    """Wagtail creates the settings rows on first use, which would count as a content change."""
    from wagtail.models import Site

    from website.models import FooterSettings, NavigationSettings

    site = Site.objects.get(is_default_site=True)
    NavigationSettings.for_site(site)
    FooterSettings.for_site(site)


def test_a_book_page_sets_no_cookie_for_a_first_time_visitor(client):
    paperback, _ = make_book()
    response = client.get(paperback.get_absolute_url())
    assert response.status_code == 200 and not response.cookies


def test_a_first_time_visitor_is_served_from_the_cache_without_queries():
    paperback, _ = make_book()
    url = paperback.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response["X-Page-Cache"] == "hit" and len(captured) == 0
    assert response["X-Frame-Options"] == "DENY"
    assert paperback.title.encode() in response.content


def test_a_stock_change_retires_cached_pages():
    paperback, _ = make_book(stock=10)
    url = paperback.get_absolute_url()
    assert b"In stock" in Client().get(url).content
    StockRecord.objects.filter(product=paperback).update(num_in_stock=0)  # no signal: still cached
    assert b"In stock" in Client().get(url).content
    record = StockRecord.objects.get(product=paperback)
    record.save()  # a save through the ORM, as the dashboard does
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] == "miss" and b"Out of stock" in fresh.content


def reader(first_name: str, email: str, book) -> Client:
    """A signed-in reader with the book in their basket (a session and a basket)."""
    client = Client()
    client.force_login(UserFactory(first_name=first_name, last_name="Privacy", email=email))
    client.post(reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 2})
    client.get(reverse("basket:summary"))  # shows the "added" message, so none is waiting
    return client


def test_R_U3_a_reader_with_a_session_and_a_basket_is_served_the_shared_page_without_queries():
    paperback, _ = make_book()
    url = paperback.get_absolute_url()
    imogen = reader("Imogen", "imogen@example.com", paperback)
    assert imogen.get(url)["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as captured:
        response = imogen.get(url)
    assert response["X-Page-Cache"] == "hit" and len(captured) == 0
    assert paperback.title.encode() in response.content


def test_R_U3_nothing_of_one_reader_enters_a_page_another_is_served():
    paperback, _ = make_book(title="The Shared Shelf")
    other, _ = make_book(title="Another Shelf")
    content.seed_pages(featured_product_ids=[paperback.pk])
    imogen = reader("Imogen", "imogen@example.com", paperback)
    otto = reader("Otto", "otto@example.com", other)
    for url in ("/", paperback.get_absolute_url(), reverse("catalogue:index"), "/search/?q=shelf"):
        built_for_imogen = imogen.get(url)
        assert built_for_imogen["X-Page-Cache"] == "miss", url
        served_to_otto = otto.get(url)
        assert served_to_otto["X-Page-Cache"] == "hit", url
        for page in (built_for_imogen.content, served_to_otto.content):
            assert b"Imogen" not in page and b"imogen@example.com" not in page
            assert b"My account" not in page and b"Sign out" not in page
            assert b"csrfmiddlewaretoken" not in page
            assert b'basket-summary__count">0' in page  # the shared copy knows no basket
        assert built_for_imogen.content == served_to_otto.content == Client().get(url).content


def test_R_U3_each_reader_gets_their_own_header_from_the_uncached_endpoint():
    paperback, _ = make_book()
    imogen = reader("Imogen", "imogen@example.com", paperback)
    page = imogen.get(paperback.get_absolute_url())
    assert b'data-personal="/_header/"' in page.content and b"js/header.js" in page.content
    header = imogen.get(reverse("personal-header"))
    assert "no-store" in header["Cache-Control"] and "X-Page-Cache" not in header
    assert b"My account" in header.content and b'basket-summary__count">2' in header.content
    assert b"csrfmiddlewaretoken" in header.content  # the sign-out form's token, for this reader
    anonymous = Client().get(reverse("personal-header"))
    assert b"Sign in" in anonymous.content and b'basket-summary__count">0' in anonymous.content
    assert b"My account" not in anonymous.content


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/",
        "/accounts/profile/",
        "/basket/",
        "/checkout/",
        "/cookies/preferences/",
    ],
)
def test_R_U3_signed_in_only_and_personal_pages_are_never_cached(url):
    paperback, _ = make_book()
    imogen = reader("Imogen", "imogen@example.com", paperback)
    before = set(cache._cache.keys()) if hasattr(cache, "_cache") else set()
    for _ in range(2):
        response = imogen.get(url)
        assert "X-Page-Cache" not in response, url
    after = set(cache._cache.keys()) if hasattr(cache, "_cache") else set()
    assert not [key for key in after - before if ":website:page:" in key], url


def test_a_reader_with_a_message_waiting_gets_their_own_page_and_sees_it():
    paperback, _ = make_book()
    url = paperback.get_absolute_url()
    imogen = reader("Imogen", "imogen@example.com", paperback)
    imogen.get(url)  # cached
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    storage = CookieStorage(HttpRequest())
    storage.add(20, "Your review was saved.")
    carrier = HttpResponse()
    storage.update(carrier)
    imogen.cookies["messages"] = carrier.cookies["messages"].value
    response = imogen.get(url)
    assert "X-Page-Cache" not in response and b"Your review was saved." in response.content
    assert b"My account" in response.content  # built for her
    assert imogen.get(url)["X-Page-Cache"] == "hit"  # the message is shown once


def test_a_page_that_cannot_be_shared_is_built_for_the_reader_after_all():
    """A shared build that cannot be stored (here: a redirect to sign in for the account pages'
    old address would do; a page only for members does) is not served to a reader with cookies."""
    from wagtail.models import Page, PageViewRestriction, Site

    content.seed_pages(featured_product_ids=[])
    home = Page.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)
    anonymous = Client().get("/")
    assert anonymous.status_code == 302 and "X-Page-Cache" not in anonymous
    paperback, _ = make_book()
    imogen = reader("Imogen", "imogen@example.com", paperback)
    response = imogen.get("/")
    assert response.status_code == 200 and b"My account" in response.content


def test_add_to_basket_works_without_a_csrf_token():
    paperback, _ = make_book()
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(reverse("basket:add", kwargs={"pk": paperback.pk}), {"quantity": 1})
    assert response.status_code == 302
    assert visitor.get(reverse("basket:summary")).context["basket"].num_items == 1
