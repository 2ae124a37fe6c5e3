"""500s the fuzz test (tests/website/test_fuzz.py) found, each kept as a plain regression test."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "data",
    [
        {"form-TOTAL_FORMS": "1"},
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"},
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-DELETE": "on"},
    ],
)
def test_a_basket_update_without_its_formset_fields_is_refused_not_a_500(client, data):
    """Oscar's BasketView read form-MIN_NUM_FORMS straight from the POST: MultiValueDictKeyError."""
    client.post(reverse("basket:add", kwargs={"pk": BookFactory().pk}), {"quantity": 1})
    response = client.post(reverse("basket:summary"), data)
    assert response.status_code == 302 and response.url == reverse("basket:summary")


@pytest.mark.parametrize("data", [{}, {"email": ""}, {"email": "not an address"}])
def test_stock_alerts_are_not_served_the_shop_has_none(data):
    """Oscar rendered the book page for a refused alert form without its context: VariableDoesNotExist.
    Stock alerts are no longer part of the shop (issue 15, shop/customer/apps.py)."""
    book = BookFactory()
    response = Client().post(f"/accounts/alerts/create/{book.pk}/", data)
    assert response.status_code == 404


def test_review_pages_are_not_served_the_shop_has_no_reviews():
    """Oscar's review form rendered our book page without its context: VariableDoesNotExist. No
    page of ours shows or asks for reviews: the feature is hidden (OSCAR_HIDDEN_FEATURES)."""
    book = BookFactory()
    add = f"/books/{book.slug}_{book.pk}/reviews/add/"
    assert Client().get(add).status_code == 404
    assert Client().post(add, {"title": "x"}).status_code == 404
    assert Client().get(f"/books/{book.slug}_{book.pk}/reviews/").status_code == 404
    assert Client().get(book.get_absolute_url()).status_code == 200


def test_an_order_page_offers_no_review(client):
    from shop.shipping.defaults import install_default_rules
    from tests.factories import UserFactory
    from tests.factories.orders import make_basket, place_order

    install_default_rules()
    reader = UserFactory()
    order = place_order(make_basket(BookFactory(), owner=reader))
    client.force_login(reader)
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert page.status_code == 200 and b"Write a review" not in page.content
