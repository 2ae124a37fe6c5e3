"""Download my data and close my account reach every app's data through the apps' own
registrations, made in their ready() (R-A3): privacy names no model of the shop or the club."""

import pytest
from oscar.core.loading import get_model

from bookclub import lifecycle
from bookclub import privacy as bookclub_privacy
from bookclub.models import Plan, Subscription
from legal.privacy import personal_data
from shop.customer import personal_data as my_account
from shop.order import personal_data as orders
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan, subscribe

pytestmark = pytest.mark.django_db


def test_R_A3_each_app_registers_its_part_of_the_export_and_of_the_closure():
    exporters = personal_data._exporters
    assert exporters["orders"].export is orders.export_orders
    assert get_model("order", "Order") in exporters["orders"].models
    assert exporters["subscriptions"].export is bookclub_privacy.export
    assert exporters["addresses"].export is my_account.export_addresses
    assert {"marketing_preferences", "cookie_consents", "sign_in_history"} <= set(exporters)
    assert personal_data._erasers["orders"] is orders.anonymise_orders
    assert personal_data._erasers["subscriptions"] is lifecycle.end_all_for_closed_account
    assert {"my_account", "baskets", "marketing_preferences", "cookie_consents", "sign_in_history"} <= set(
        personal_data._erasers
    )


def test_R_A3_a_new_apps_data_is_exported_and_erased_once_it_registers(monkeypatch):
    reader = UserFactory()
    subscribe(make_plan(Plan.Kind.EBOOK), reader)
    # As if the club had registered nothing: its rows are still found among the other records.
    monkeypatch.delitem(personal_data._exporters, "subscriptions")  # restored after the test
    monkeypatch.delitem(personal_data._erasers, "subscriptions")
    assert "bookclub.Subscription" in personal_data.export_personal_data(reader)["other_records"]

    personal_data.register_exporter(
        "subscriptions",
        lambda user: [s.state for s in Subscription.objects.filter(customer=user)],
        models=[Subscription],
    )
    personal_data.register_eraser(
        "subscriptions", lambda user: Subscription.objects.filter(customer=user).update(state="purged")
    )

    data = personal_data.export_personal_data(reader)
    assert data["subscriptions"] == ["active"] and "bookclub.Subscription" not in data["other_records"]
    personal_data.close_account(reader)
    assert Subscription.objects.get().state == "purged" and not reader.is_active
