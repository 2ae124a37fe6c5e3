"""The records of the subscriptions dashboard: a cancellation's pro-rata refund and a plan's
withdrawal job (R-S9); and the order admins' permissions to look after subscriptions (R-U2):
see them and their history, act on them, withdraw plans. After website/0002, which makes the
Order admins group (and would otherwise reset its permissions after this)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ORDER_ADMINS = "Order admins"
ORDER_ADMIN_PERMISSIONS = [
    "view_subscription",
    "change_subscription",
    "view_plan",
    "change_plan",
    "view_planwithdrawal",
    "add_planwithdrawal",
]


def _permissions(apps):
    bookclub = apps.get_app_config("bookclub")
    bookclub.models_module = True  # permissions are normally made after all migrations
    create_permissions(bookclub, apps=apps, verbosity=0)
    bookclub.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="bookclub", codename__in=ORDER_ADMIN_PERMISSIONS)


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ORDER_ADMINS).first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ORDER_ADMINS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("bookclub", "0007_selection_month_is_a_first_day"),
        ("payment", "0009_remove_checkoutpayment_refund_reference"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("website", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanWithdrawal",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                (
                    "reason",
                    models.TextField(help_text="Why the plan is withdrawn (in every subscriber's history)."),
                ),
                ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "subscriber_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Running subscriptions when the withdrawal began."
                    ),
                ),
                ("runs", models.PositiveIntegerField(default=0, help_text="How many times the job has run.")),
                ("last_run_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "plan",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="withdrawal",
                        to="bookclub.plan",
                    ),
                ),
                (
                    "started_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-started_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SubscriptionRefund",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                ("amount_due", models.DecimalField(decimal_places=2, max_digits=10)),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2,
                        help_text="Sent back to the card: at most what the order has left.",
                        max_digits=10,
                    ),
                ),
                ("order_number", models.CharField(blank=True, max_length=128)),
                (
                    "note",
                    models.TextField(
                        blank=True, help_text="Why less or nothing went back, for the order admins."
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="refund",
                        to="bookclub.subscriptionevent",
                    ),
                ),
                (
                    "refund",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subscription_refund",
                        to="payment.refund",
                    ),
                ),
                (
                    "subscription",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="refunds",
                        to="bookclub.subscription",
                    ),
                ),
                (
                    "withdrawal",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="refunds",
                        to="bookclub.planwithdrawal",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("withdrawal__isnull", False)),
                        fields=("withdrawal", "subscription"),
                        name="one_withdrawal_refund_per_subscription",
                    )
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
