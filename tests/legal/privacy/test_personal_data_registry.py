"""Download my data and close my account reach every app's data through the apps' own
registrations, made in their ready() (R-A3): privacy names no model of the shop or the club."""

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from bookclub.models import Subscription
from legal.privacy import personal_data
from shop.customer import personal_data as my_account
from shop.order import personal_data as orders
from tests.factories import BookFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_R_A3_each_app_registers_its_part_of_the_export_and_of_the_closure():
    exporters = personal_data._exporters
    assert exporters["orders"].export is orders.export_orders
    assert exporters["orders"].models == (get_model("order", "Order"),)
    assert exporters["addresses"].export is my_account.export_addresses
    assert {"marketing_preferences", "cookie_consents", "sign_in_history"} <= set(exporters)
    assert personal_data._erasers["orders"] is orders.anonymise_orders
    assert {"my_account", "baskets", "marketing_preferences", "cookie_consents", "sign_in_history"} <= set(
        personal_data._erasers
    )


def test_R_A3_a_new_apps_data_is_exported_and_erased_once_it_registers(monkeypatch):
    reader = UserFactory()
    Subscription.objects.create(customer=reader, plan=BookFactory(), started_at=timezone.now())
    # Before its app registers anything, the subscription is still found among the other records.
    assert "bookclub.Subscription" in personal_data.export_personal_data(reader)["other_records"]

    monkeypatch.setitem(personal_data._exporters, "subscriptions", None)  # restored after the test
    monkeypatch.setitem(personal_data._erasers, "subscriptions", None)
    personal_data.register_exporter(
        "subscriptions",
        lambda user: [s.status for s in Subscription.objects.filter(customer=user)],
        models=[Subscription],
    )
    personal_data.register_eraser(
        "subscriptions", lambda user: Subscription.objects.filter(customer=user).delete()
    )

    data = personal_data.export_personal_data(reader)
    assert data["subscriptions"] == ["active"] and "bookclub.Subscription" not in data["other_records"]
    personal_data.close_account(reader)
    assert not Subscription.objects.exists() and not reader.is_active
