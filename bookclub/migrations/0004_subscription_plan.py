"""Subscriptions point at their plan now; the old link to the product goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bookclub", "0003_existing_subscriptions")]

    operations = [
        migrations.RemoveField(model_name="subscription", name="plan"),
        migrations.RenameField(model_name="subscription", old_name="plan_details", new_name="plan"),
        migrations.AlterField(
            model_name="subscription",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="subscriptions", to="bookclub.plan"
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["pending", "active", "suspended"])),
                fields=("customer", "plan"),
                name="one_live_subscription_per_customer_and_plan",
            ),
        ),
    ]
