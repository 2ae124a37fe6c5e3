"""First-time visitors share cached pages (0 queries); nobody else ever sees a shared page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import UserFactory, make_book

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


def test_a_visitor_with_a_basket_never_gets_a_shared_page(client):
    paperback, _ = make_book()
    Client().get(paperback.get_absolute_url())  # cached for first-time visitors
    client.post(reverse("basket:add", kwargs={"pk": paperback.pk}), {"quantity": 1})
    response = client.get(paperback.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert b'basket-summary__count">1' in response.content


def test_signed_in_pages_are_never_cached(client):
    paperback, _ = make_book()
    client.force_login(UserFactory(first_name="Imogen"))
    response = client.get(paperback.get_absolute_url())
    assert "X-Page-Cache" not in response and b"My account" in response.content
    assert b"My account" not in Client().get(paperback.get_absolute_url()).content


def test_add_to_basket_works_without_a_csrf_token():
    paperback, _ = make_book()
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(reverse("basket:add", kwargs={"pk": paperback.pk}), {"quantity": 1})
    assert response.status_code == 302
    assert visitor.get(reverse("basket:summary")).context["basket"].num_items == 1
