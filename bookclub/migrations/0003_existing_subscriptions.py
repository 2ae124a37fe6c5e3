"""Carry subscriptions made before plans existed over to plans, and give them a history.

Their product gets a plan of its own, closed to new members, for an order admin to review: a
pre-paid plan of 12 months when the row had a renewal date, otherwise a pay-monthly plan of one
book a month (the old table recorded nothing more).
"""

from datetime import date

from django.db import migrations
from django.utils import timezone


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def carry_over(apps, schema_editor):
    Subscription = apps.get_model("bookclub", "Subscription")
    Plan = apps.get_model("bookclub", "Plan")
    SubscriptionEvent = apps.get_model("bookclub", "SubscriptionEvent")
    now = timezone.now()
    for subscription in Subscription.objects.filter(plan_details__isnull=True).order_by("pk"):
        prepaid = subscription.renews_on is not None
        plan, _ = Plan.objects.get_or_create(
            product_id=subscription.plan_id,
            defaults={
                "kind": "prepaid" if prepaid else "pay_monthly",
                "term_months": 12 if prepaid else None,
                "books_per_month": 1,
                "is_open_to_new_members": False,
                "closed_to_new_members_at": now,
            },
        )
        started = timezone.localtime(subscription.started_at).date()
        subscription.plan_details = plan
        subscription.created_at = subscription.started_at
        subscription.first_period = started.replace(day=1)
        if subscription.state == "active":
            subscription.next_order_on = _month_after(timezone.localdate())
        if prepaid:
            subscription.current_term_start = subscription.first_period
        subscription.save()
        SubscriptionEvent.objects.create(
            subscription=subscription,
            action="carried_over",
            from_state="",
            to_state=subscription.state,
            actor="system",
            note="Carried over from the first subscriptions table; review the plan's details.",
            created_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("bookclub", "0002_plans_and_subscription_details")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
