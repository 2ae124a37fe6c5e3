"""My Account (R-A2): details, addresses, marketing preferences off by default."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import CountryFactory

from legal.privacy import marketing
from legal.privacy.models import MarketingPreferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
UserAddress = get_model("address", "UserAddress")


@pytest.fixture
def reader(client):
    user = UserFactory(first_name="Ada", last_name="Byron")
    client.force_login(user)
    return user


def test_R_A2_marketing_preferences_are_all_off_by_default(client, reader):
    page = client.get(reverse("customer:marketing-preferences"))
    assert page.status_code == 200
    form = page.context["form"]
    assert not any(form.initial.get(topic) for topic in MarketingPreferences.TOPICS)
    assert "checked" not in page.content.decode().split('id="marketing_preferences_form"')[1]
    assert marketing.preferences_for(reader).subscribed_topics() == []
    assert not marketing.subscribers("newsletter").exists()


def test_R_A2_the_page_says_transactional_emails_cannot_be_switched_off(client, reader):
    page = client.get(reverse("customer:marketing-preferences")).content.decode()
    assert "cannot be switched off" in page and "order confirmations" in page


def test_R_A2_customer_switches_marketing_on_and_off(client, reader):
    response = client.post(
        reverse("customer:marketing-preferences"), {"newsletter": "on", "special_offers": "on"}
    )
    assert response.status_code == 302
    preferences = MarketingPreferences.objects.get(user=reader)
    assert preferences.subscribed_topics() == ["newsletter", "special_offers"]
    assert list(marketing.subscribers("newsletter").values_list("user", flat=True)) == [reader.pk]
    client.post(reverse("customer:marketing-preferences"), {})
    preferences.refresh_from_db()
    assert preferences.subscribed_topics() == []


def test_R_A2_customer_changes_their_details(client, reader):
    response = client.post(
        reverse("customer:profile-update"),
        {"first_name": "Ada", "last_name": "Lovelace", "email": reader.email},
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.last_name == "Lovelace"
    assert b"Lovelace" in client.get(reverse("customer:profile-view")).content


def test_R_A2_customer_keeps_an_address_book(client, reader):
    CountryFactory(iso_3166_1_a2="GB", printable_name="United Kingdom", is_shipping_country=True)
    response = client.post(
        reverse("customer:address-create"),
        {
            "first_name": "Ada",
            "last_name": "Byron",
            "line1": "12 St James's Square",
            "line4": "London",
            "postcode": "SW1Y 4JH",
            "country": "GB",
        },
    )
    assert response.status_code == 302
    address = UserAddress.objects.get(user=reader)
    assert b"12 St James" in client.get(reverse("customer:address-list")).content
    client.post(reverse("customer:address-delete", kwargs={"pk": address.pk}))
    assert not UserAddress.objects.filter(user=reader).exists()


def test_R_A2_account_menu_links_the_privacy_pages(client, reader):
    page = client.get(reverse("customer:profile-view")).content.decode()
    assert reverse("customer:marketing-preferences") in page and reverse("customer:privacy") in page
    assert "Close my account" in page
