import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["consentrecord", "marketingpreferences"]


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models from "legal" to "privacy"."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="legal", model__in=MOVED).update(app_label="privacy")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="privacy", model__in=MOVED).update(app_label="legal")


class Migration(migrations.Migration):
    """Takes over the consent records and marketing preferences the legal app created (migration
    legal/0001_consent) with their rows: the models join this app's state on their old tables,
    which are then renamed to this app's names."""

    initial = True

    dependencies = [
        ("legal", "0003_move_privacy_and_order_acceptance_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConsentRecord",
                    fields=[
                        (
                            "id",
                            models.AutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("consent_id", models.UUIDField(db_index=True, default=uuid.uuid4)),
                        ("functional", models.BooleanField(default=False)),
                        ("analytics", models.BooleanField(default=False)),
                        (
                            "global_privacy_control",
                            models.BooleanField(
                                default=False,
                                help_text="The browser sent the Global Privacy Control signal: analytics refused.",
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("banner", "Cookie banner"),
                                    ("preferences", "Cookie preferences page"),
                                ],
                                default="banner",
                                max_length=20,
                            ),
                        ),
                        (
                            "policy_revision",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="wagtailcore.revision",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="cookie_consents",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "cookie consent record",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "legal_consentrecord",
                    },
                ),
                migrations.CreateModel(
                    name="MarketingPreferences",
                    fields=[
                        (
                            "id",
                            models.AutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "newsletter",
                            models.BooleanField(default=False, verbose_name="the monthly newsletter"),
                        ),
                        (
                            "catalogue_mailings",
                            models.BooleanField(default=False, verbose_name="catalogue mailings"),
                        ),
                        ("special_offers", models.BooleanField(default=False, verbose_name="special offers")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="marketing_preferences",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "marketing preferences",
                        "verbose_name_plural": "marketing preferences",
                        "db_table": "legal_marketingpreferences",
                    },
                ),
            ]
        ),
        # The rows stay; the tables take this app's names.
        migrations.AlterModelTable(name="consentrecord", table=None),
        migrations.AlterModelTable(name="marketingpreferences", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
