"""The first, minimal subscriptions table is carried over: its rows keep their customer and
status, and their product gets a plan (closed to new members) and a history row."""

from datetime import UTC, datetime

import pytest

BEFORE = [("bookclub", "0001_subscription")]
AFTER = [("bookclub", "0005_email_types")]


def _apps_at(loader, targets):
    """The models as they were at ``targets`` for bookclub, every other app at its latest."""
    others = [node for node in loader.graph.leaf_nodes() if node[0] != "bookclub"]
    return loader.project_state(targets + others).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_of_the_first_subscriptions_table_are_carried_over_to_plans(migrator):
    old = _apps_at(migrator(BEFORE), BEFORE)
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

    new = _apps_at(migrator(AFTER), AFTER)
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
