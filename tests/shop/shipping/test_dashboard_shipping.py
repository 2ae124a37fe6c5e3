"""Order admins edit the delivery rules and the blocked destinations in the dashboard (R-D1, R-D2, R-U2)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import UserFactory

Country = get_model("address", "Country")
WeightBased = get_model("shipping", "WeightBased")


@pytest.fixture
def admin_client(client, delivery_rules):
    client.force_login(UserFactory(order_admin=True))
    return client


def test_R_D1_an_order_admin_edits_a_method_threshold_and_times(admin_client):
    method = WeightBased.objects.get(name="UK Tracked")
    url = reverse("dashboard:shipping-method-edit", kwargs={"pk": method.pk})
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "name": "UK Tracked",
            "zone": "United Kingdom",
            "description": "Tracked",
            "is_active": "on",
            "display_order": 20,
            "countries": ["GB"],
            "default_weight": "0.350",
            "free_shipping_threshold": "40.00",
            "min_days": 1,
            "max_days": 3,
        },
    )
    assert response.status_code == 302
    method.refresh_from_db()
    assert method.free_shipping_threshold == Decimal("40.00") and method.max_days == 3
    page = admin_client.get(reverse("delivery:index")).content.decode()
    assert "£40.00 or more" in page and "1 to 3 working days" in page


def test_R_D1_a_method_needs_a_destination_and_sensible_times(admin_client):
    method = WeightBased.objects.get(name="UK Tracked")
    response = admin_client.post(
        reverse("dashboard:shipping-method-edit", kwargs={"pk": method.pk}),
        {
            "name": "UK Tracked",
            "zone": "UK",
            "display_order": 1,
            "default_weight": "0.3",
            "min_days": 5,
            "max_days": 2,
        },
    )
    assert response.status_code == 200
    assert "The slowest time cannot be shorter than the fastest." in response.content.decode()
    assert "or let it serve the rest of the world" in response.content.decode()


def test_R_D1_the_dashboard_lists_the_methods_with_zones(admin_client):
    html = admin_client.get(reverse("dashboard:shipping-method-list")).content.decode()
    for name in ("UK Standard", "UK Tracked", "Europe Tracked", "Worldwide Tracked"):
        assert name in html
    assert reverse("dashboard:shipping-blocked-destinations") in html


def test_R_D2_an_order_admin_edits_the_blocked_destinations(admin_client):
    url = reverse("dashboard:shipping-blocked-destinations")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert {c.pk for c in page.context["form"].initial["blocked"]} == {"NG", "SO", "ZW"}

    response = admin_client.post(url, {"blocked": ["NG", "SO", "BY"]}, follow=True)
    assert "Updated: Belarus, Zimbabwe." in response.content.decode()
    assert set(Country.objects.filter(is_shipping_country=False).values_list("pk", flat=True)) == {
        "NG",
        "SO",
        "BY",
    }


def test_R_D2_the_uk_cannot_be_blocked(admin_client):
    response = admin_client.post(reverse("dashboard:shipping-blocked-destinations"), {"blocked": ["GB"]})
    assert response.status_code == 200  # not a choice
    assert Country.objects.get(pk="GB").is_shipping_country


def test_R_U2_readers_and_editors_cannot_edit_delivery_rules(client, delivery_rules):
    for person in (UserFactory(), UserFactory(editor=True)):
        client.force_login(person)
        response = client.get(reverse("dashboard:shipping-blocked-destinations"))
        assert response.status_code in (302, 403)
        assert client.post(
            reverse("dashboard:shipping-blocked-destinations"), {"blocked": []}
        ).status_code in (
            302,
            403,
        )
    assert Country.objects.filter(is_shipping_country=False).count() == 3
