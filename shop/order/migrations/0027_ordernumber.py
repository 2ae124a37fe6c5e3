import django.db.models.deletion
import django.utils.timezone
from django.core.management.color import no_style
from django.db import migrations, models

# Oscar numbered orders 100000 + the basket's id, so the first was 100001; so is ours.
FIRST_NUMBER = 100001


def start_after_every_number_given(apps, schema_editor):
    """The sequence starts after every number already on an order or reserved by a checkout
    payment (refunded ones included), so no old number can come round again."""
    Order = apps.get_model("order", "Order")
    CheckoutPayment = apps.get_model("payment", "CheckoutPayment")
    OrderNumber = apps.get_model("order", "OrderNumber")
    given = [
        int(number)
        for numbers in (
            Order.objects.values_list("number", flat=True),
            CheckoutPayment.objects.values_list("order_number", flat=True),
        )
        for number in numbers.iterator()
        if number.isdigit()
    ]
    last = max([FIRST_NUMBER - 1, *given])
    OrderNumber.objects.create(number=last, attempt="", ended_at=django.utils.timezone.now())
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [OrderNumber]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("basket", "0012_line_code"),
        ("order", "0026_orderlegalacceptance"),
        ("payment", "0009_remove_checkoutpayment_refund_reference"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderNumber",
            fields=[
                ("number", models.BigAutoField(primary_key=True, serialize=False)),
                ("attempt", models.CharField(blank=True, max_length=128)),
                ("reserved_at", models.DateTimeField(auto_now_add=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                (
                    "basket",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="basket.basket",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("ended_at__isnull", True), models.Q(("attempt", ""), _negated=True)),
                        fields=("basket", "attempt"),
                        name="one_open_order_number_per_payment_attempt",
                    )
                ],
            },
        ),
        migrations.RunPython(start_after_every_number_given, migrations.RunPython.noop),
    ]
