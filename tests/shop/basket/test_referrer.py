"""Oscar's basket views send the reader back to the page they came from (the Referer header).
A Referer that is not a web address must not become a 500 (issue 10)."""

import pytest
from django.urls import reverse

from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

NOT_AN_ADDRESS = ["books", "x", "javascript", " ", "%"]


@pytest.mark.parametrize("referrer", NOT_AN_ADDRESS)
def test_adding_to_the_basket_with_a_referrer_that_is_no_address_goes_to_the_basket(client, referrer):
    """Oscar's redirect_to_referrer tried reverse("books"): NoReverseMatch."""
    book = BookFactory()
    response = client.post(
        reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 1}, headers={"Referer": referrer}
    )
    assert response.status_code == 302 and response.url == reverse("basket:summary")
    # A refused quantity takes Oscar's other way back to the referrer.
    response = client.post(
        reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": "x"}, headers={"Referer": referrer}
    )
    assert response.status_code == 302 and response.url == reverse("basket:summary")


@pytest.mark.parametrize("referrer", NOT_AN_ADDRESS)
def test_vouchers_and_quantities_with_a_referrer_that_is_no_address(client, referrer):
    book = BookFactory()
    client.post(reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 1})
    for url, data in [
        (reverse("basket:vouchers-add"), {"code": "NOPE"}),
        (reverse("basket:vouchers-add"), {"code": ""}),
        (reverse("basket:vouchers-remove", kwargs={"pk": 99}), {}),
        (
            reverse("basket:summary"),
            {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-quantity": "x"},
        ),
    ]:
        response = client.post(url, data, headers={"Referer": referrer})
        assert response.status_code in (200, 302), url
        if response.status_code == 302:
            assert response.url.startswith(reverse("basket:summary")), url


def test_a_referrer_on_the_site_is_still_where_the_reader_goes_back_to(client):
    book = BookFactory()
    back = f"http://testserver{book.get_absolute_url()}"
    response = client.post(
        reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 1}, headers={"Referer": back}
    )
    assert response.url == back
