"""The demo's plans, and the book club's rows in the Django admin (superusers, read-only)."""

from collections import Counter
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bookclub import lifecycle, pricing
from bookclub.models import (
    DiscountClaim,
    Plan,
    Subscription,
    SubscriptionEmail,
    SubscriptionEvent,
)
from tests.bookclub.conftest import london
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan, subscribe
from website.demo import plans as demo_plans

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_three_plans_of_each_kind_once():
    assert demo_plans.seed_plans() == 9
    assert demo_plans.seed_plans() == 0
    assert Counter(Plan.objects.values_list("kind", flat=True)) == {
        "prepaid": 3,
        "pay_monthly": 3,
        "ebook": 3,
    }
    year = Plan.objects.get(product__title="The Reading Year")
    assert (year.term_months, year.books_per_month, pricing.plan_price(year)) == (
        12,
        2,
        pricing.Decimal("167.88"),
    )
    for plan in Plan.objects.select_related("product"):
        assert plan.accepts_new_members and plan.product.is_public and plan.product.description
        assert pricing.quote(plan, today=date(2026, 3, 10)).first_charge > 0


def test_a_demo_plan_can_be_joined_like_any_other(customer):
    demo_plans.seed_plans()
    plan = Plan.objects.get(product__title="eReader Monthly")
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription = subscribe(plan, customer)
    assert pricing.total_monthly_cost(subscription) == pricing.Decimal("11.97")  # 3 x 3.99


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def test_superusers_read_the_book_clubs_rows_and_cannot_edit_them(client, superuser, customer):
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False):
        subscription = subscribe(make_plan("pay_monthly"), customer)
        lifecycle.skip_month(subscription, date(2026, 5, 1), by=customer)
    client.force_login(superuser)
    for model in (Plan, Subscription, SubscriptionEvent, SubscriptionEmail, DiscountClaim):
        url = reverse(f"admin:bookclub_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(reverse(f"admin:bookclub_{model._meta.model_name}_add")).status_code == 403
    page = client.get(reverse("admin:bookclub_subscription_change", args=[subscription.pk]))
    assert page.status_code == 200
    assert b"skip_month" in page.content and b"card_fingerprint" not in page.content
    response = client.post(
        reverse("admin:bookclub_subscription_change", args=[subscription.pk]), {"state": "cancelled"}
    )
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.state == "active"


def test_order_admins_do_not_get_the_django_admin(client, order_admin):
    client.force_login(order_admin)
    response = client.get(reverse("admin:bookclub_subscription_changelist"))
    assert response.status_code == 302  # to the admin's sign-in: superusers only (R-U2)
