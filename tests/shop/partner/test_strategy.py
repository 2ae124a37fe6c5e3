"""Prices with VAT inside them (R-C4) and what can be bought when (R-C2, R-C3)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.partner.strategy import Selector, split_vat
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def info(product):
    return Selector().strategy().fetch_for_product(product)


def future(days=40):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    "incl, rate, excl, vat",
    [
        ("12.00", "0.200", "10.00", "2.00"),
        ("4.50", "0.200", "3.75", "0.75"),
        ("9.99", "0.200", "8.33", "1.66"),
        ("8.99", "0", "8.99", "0.00"),
    ],
)
def test_R_C4_vat_is_split_out_of_the_inclusive_price(incl, rate, excl, vat):
    assert split_vat(Decimal(incl), Decimal(rate)) == (Decimal(excl), Decimal(vat))


def test_R_C4_books_are_zero_rated_and_gifts_carry_twenty_percent():
    paperback = BookFactory(stockrecord__price="8.99")
    gift = BookFactory(
        format="gift", work=None, upc=None, title="Tote", slug="tote", stockrecord__price="12.00"
    )
    assert (info(paperback).price.incl_tax, info(paperback).price.tax) == (Decimal("8.99"), Decimal("0.00"))
    assert (info(gift).price.incl_tax, info(gift).price.tax) == (Decimal("12.00"), Decimal("2.00"))
    assert info(gift).price.currency == "GBP"


def test_R_C3_a_future_paperback_can_be_preordered():
    paperback = BookFactory(publication_date=future(), stockrecord__stock=50)
    availability = info(paperback).availability
    assert availability.is_available_to_buy
    assert availability.code == "preorder"
    assert availability.message.startswith("Pre-order: published ")


def test_R_C3_a_future_ebook_cannot_be_bought_before_publication():
    ebook = BookFactory(format="ebook", publication_date=future(), stockrecord__stock=None)
    availability = info(ebook).availability
    assert not availability.is_available_to_buy
    assert availability.message.startswith("Coming ")


def test_R_C3_a_forged_basket_request_for_an_unpublished_ebook_is_refused(client):
    ebook = BookFactory(format="ebook", publication_date=future(), stockrecord__stock=None)
    response = client.post(reverse("basket:add", kwargs={"pk": ebook.pk}), {"quantity": 1}, follow=True)
    assert response.status_code == 200
    assert "cannot be ordered before" in response.content.decode()
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 0


def test_R_C2_a_paperback_out_of_stock_cannot_be_added(client):
    paperback = BookFactory(stockrecord__stock=0)
    assert info(paperback).availability.message == "Out of stock"
    client.post(reverse("basket:add", kwargs={"pk": paperback.pk}), {"quantity": 1})
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 0


def test_R_C2_no_more_copies_than_in_stock_can_be_added(client):
    paperback = BookFactory(stockrecord__stock=2)
    response = client.post(reverse("basket:add", kwargs={"pk": paperback.pk}), {"quantity": 3}, follow=True)
    assert "only 2 left in stock" in response.content.decode()


def test_R_C1_an_ebook_is_never_out_of_stock():
    ebook = BookFactory(format="ebook", stockrecord__stock=None)
    assert info(ebook).availability.is_purchase_permitted(1000)[0]
