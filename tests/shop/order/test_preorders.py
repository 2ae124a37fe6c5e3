"""R-C3: only paperbacks can be pre-ordered; the basket, checkout and order placement all refuse the rest."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.order.exceptions import LinesNoLongerAvailable
from shop.shipping.defaults import install_default_rules
from tests.factories import BookFactory, UserFactory
from tests.factories.orders import make_basket, place_order


def future(days=40):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def reader(client, db):
    install_default_rules()
    user = UserFactory()
    client.force_login(user)
    return user


def test_R_C3_a_forged_basket_request_for_a_future_gift_is_refused(client, reader):
    gift = BookFactory(
        format="gift", work=None, upc=None, title="Tote", slug="tote", publication_date=future()
    )
    response = client.post(reverse("basket:add", kwargs={"pk": gift.pk}), {"quantity": 1}, follow=True)
    assert "cannot be ordered before" in response.content.decode()
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 0


def test_R_C3_checkout_refuses_an_unpublished_ebook_already_in_the_basket(client, reader):
    ebook = BookFactory(format="ebook", stockrecord__stock=None)
    make_basket(ebook, owner=reader)
    ebook.publication_date = future()  # publication moved after it was put in the basket
    ebook.save()

    response = client.get(reverse("checkout:shipping-method"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("basket:summary")
    assert "cannot be ordered before" in response.content.decode()


def test_R_C3_order_placement_refuses_an_unpublished_ebook(reader):
    ebook = BookFactory(format="ebook", stockrecord__stock=None)
    basket = make_basket(ebook)
    ebook.publication_date = future()
    ebook.save()
    with pytest.raises(LinesNoLongerAvailable):
        place_order(basket)


def test_R_C3_a_paperback_pre_order_is_placed(reader):
    paperback = BookFactory(publication_date=future(), stockrecord__stock=20)
    order = place_order(make_basket(paperback))
    assert order.lines.get().product == paperback
