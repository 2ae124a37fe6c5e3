import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="legal", model="orderlegalacceptance").update(app_label="order")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="order", model="orderlegalacceptance").update(app_label="legal")


class Migration(migrations.Migration):
    """Takes over the accepted terms of each order (R-L3) from the legal app, rows and all
    (legal/0001_versions created the table): the model joins this app's state on its old table,
    which is then renamed to this app's name."""

    dependencies = [
        ("order", "0025_event_types"),
        ("legal", "0003_move_privacy_and_order_acceptance_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OrderLegalAcceptance",
                    fields=[
                        ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("accepted_at", models.DateTimeField()),
                        (
                            "order",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="legal_acceptance",
                                to="order.order",
                            ),
                        ),
                        (
                            "privacy_revision",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="wagtailcore.revision"
                            ),
                        ),
                        (
                            "terms_revision",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="wagtailcore.revision"
                            ),
                        ),
                    ],
                    options={"db_table": "legal_orderlegalacceptance"},
                )
            ]
        ),
        migrations.AlterModelTable(name="orderlegalacceptance", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
