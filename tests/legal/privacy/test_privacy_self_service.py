"""Download my data and close my account (R-A3)."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import ShippingAddressFactory, UserAddressFactory, create_order

from legal.privacy import personal_data
from legal.privacy.models import ConsentRecord, MarketingPreferences
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()
Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")


@pytest.fixture
def reader():
    user = UserFactory(email="ada@example.com", first_name="Ada", last_name="Byron")
    UserAddressFactory(user=user, first_name="Ada", last_name="Byron", line1="12 St James's Square")
    MarketingPreferences.objects.create(user=user, newsletter=True)
    ConsentRecord.objects.create(user=user, functional=True, analytics=False)
    return user


@pytest.fixture
def order(reader):
    return create_order(
        user=reader,
        shipping_address=ShippingAddressFactory(
            first_name="Ada", last_name="Byron", line1="12 St James's Square"
        ),
        guest_email="",
    )


def signed_in(user):
    browser = Client()
    browser.post(
        reverse("customer:login"),
        {"login-username": user.email, "login-password": PASSWORD, "login_submit": "1"},
    )
    return browser


def test_R_A3_download_my_data_is_a_json_file_of_everything_held(reader, order):
    """R-A3, and R-U3: nothing of another customer's is in it."""
    someone_else = UserFactory(email="other@example.com")
    create_order(user=someone_else)
    response = signed_in(reader).get(reverse("customer:download-data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="bookclub-my-data-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == "ada@example.com" and data["profile"]["last_name"] == "Byron"
    assert [a["line1"] for a in data["addresses"]] == ["12 St James's Square"]
    assert [o["number"] for o in data["orders"]] == [str(order.number)]
    exported = data["orders"][0]
    assert Decimal(exported["total_incl_tax"]) == order.total_incl_tax
    assert exported["shipping_address"]["last_name"] == "Byron"
    assert len(exported["lines"]) == order.lines.count() and exported["lines"][0]["title"]
    assert data["marketing_preferences"] == {
        "newsletter": True,
        "catalogue_mailings": False,
        "special_offers": False,
    }
    assert data["cookie_consents"][0]["categories"] == ["essential", "functional"]
    assert data["sign_in_history"], "the sign-in just made is part of what we hold"
    assert "other@example.com" not in response.content.decode()
    assert "password" not in data["profile"]


def test_R_A3_download_needs_sign_in():
    response = Client().get(reverse("customer:download-data"))
    assert response.status_code == 302 and reverse("customer:login") in response["Location"]


def test_R_A3_close_account_shows_what_will_happen_first(reader, order):
    page = signed_in(reader).get(reverse("customer:profile-delete"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "What closing your account does" in html and "six years" in html
    assert "1 saved address" in html and "1 order" in html
    assert User.objects.get(pk=reader.pk).is_active


def test_R_A3_close_account_needs_the_password(reader):
    browser = signed_in(reader)
    response = browser.post(reverse("customer:profile-delete"), {"password": "not-my-password"})
    assert response.status_code == 200 and b"That is not your password" in response.content
    reader.refresh_from_db()
    assert reader.is_active and reader.email == "ada@example.com"


def test_R_A3_closing_erases_personal_data_and_keeps_anonymous_orders(reader, order):
    total, placed, lines = order.total_incl_tax, order.date_placed, order.lines.count()
    browser, phone = signed_in(reader), signed_in(reader)
    response = browser.post(reverse("customer:profile-delete"), {"password": PASSWORD})
    assert response.status_code == 302

    reader.refresh_from_db()
    assert not reader.is_active and not reader.has_usable_password()
    assert reader.first_name == reader.last_name == "" and "ada@" not in reader.email
    assert not UserAddress.objects.filter(user=reader).exists()
    assert not MarketingPreferences.objects.filter(user=reader).exists()
    consent_record = ConsentRecord.objects.get()
    assert consent_record.user is None and consent_record.functional  # the proof stays, unlinked

    kept = Order.objects.get(pk=order.pk)
    assert kept.user is None and kept.guest_email == ""
    assert (kept.total_incl_tax, kept.date_placed, kept.lines.count()) == (total, placed, lines)
    assert kept.shipping_address.first_name == kept.shipping_address.last_name == ""
    assert "St James" not in kept.shipping_address.search_text
    assert kept.shipping_address.country_id  # the delivery country stays, for VAT

    # Signed out everywhere, and no way back in.
    for client in (browser, phone):
        assert client.get(reverse("customer:profile-view")).status_code == 302
    login = Client().post(
        reverse("customer:login"),
        {"login-username": "ada@example.com", "login-password": PASSWORD, "login_submit": "1"},
    )
    assert login.status_code == 200 and "_auth_user_id" not in Client().session


def test_R_A3_the_email_can_register_again_after_closing(reader):
    personal_data.close_account(reader)
    response = Client().post(
        reverse("customer:register"),
        {"email": "ada@example.com", "password1": "quiet-library-42", "password2": "quiet-library-42"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="ada@example.com", is_active=True).count() == 1


def test_R_A3_export_finds_rows_of_our_own_apps_it_does_not_know_by_name(reader):
    """Subscriptions and other records added later appear without changing the export."""
    Basket = get_model("basket", "Basket")
    Basket.objects.create(owner=reader)
    data = personal_data.export_personal_data(reader)
    assert [row["status"] for row in data["other_records"]["basket.Basket"]] == ["Open"]
    json.dumps(data)  # plain JSON types only
