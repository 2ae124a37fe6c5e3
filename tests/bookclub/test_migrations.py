"""The first, minimal subscriptions table is carried over: its rows keep their customer and
status, and their product gets a plan (closed to new members) and a history row."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("bookclub", "0001_subscription")]
AFTER = [("bookclub", "0005_email_types")]


def _migrate(targets):
    """Migrate bookclub to ``targets``; the models of that moment, every other app at its latest."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "bookclub"]
    return executor.loader.project_state(targets + others).apps


@pytest.fixture
def back_to_the_latest_migration():
    """Leave bookclub fully migrated: the tests after this one expect every table (the editors'
    pages, whose tables a page deletion walks, came after ``AFTER``)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate([node for node in executor.loader.graph.leaf_nodes() if node[0] == "bookclub"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_of_the_first_subscriptions_table_are_carried_over_to_plans(back_to_the_latest_migration):
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Product = old.get_model("catalogue", "Product")
    ProductClass = old.get_model("catalogue", "ProductClass")
    plan_class = ProductClass.objects.get(slug="subscription-plan")
    monthly = Product.objects.create(title="Old monthly plan", slug="old-monthly", product_class=plan_class)
    yearly = Product.objects.create(title="Old yearly plan", slug="old-yearly", product_class=plan_class)
    reader = User.objects.create(email="old.reader@example.com")
    Subscription = old.get_model("bookclub", "Subscription")
    started = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    Subscription.objects.create(customer=reader, plan=monthly, status="active", started_at=started)
    Subscription.objects.create(customer=reader, plan=monthly, status="cancelled", started_at=started)
    Subscription.objects.create(
        customer=reader,
        plan=yearly,
        status="active",
        started_at=started,
        renews_on=datetime(2027, 1, 1).date(),
    )

    new = _migrate(AFTER)
    Plan = new.get_model("bookclub", "Plan")
    Subscription = new.get_model("bookclub", "Subscription")
    rows = list(
        Subscription.objects.order_by("pk").values_list(
            "state", "plan__kind", "first_period", "customer__email"
        )
    )
    assert [row[:2] for row in rows] == [
        ("active", "pay_monthly"),
        ("cancelled", "pay_monthly"),
        ("active", "prepaid"),
    ]
    assert {row[2].isoformat() for row in rows} == {"2026-01-01"}
    assert {row[3] for row in rows} == {"old.reader@example.com"}
    assert Plan.objects.count() == 2
    assert not Plan.objects.filter(is_open_to_new_members=True).exists()  # an admin reviews them first
    assert new.get_model("bookclub", "SubscriptionEvent").objects.filter(action="carried_over").count() == 3
