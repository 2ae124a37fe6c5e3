import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A refund may belong to a checkout payment that never became an order (step 1 of 3)."""

    dependencies = [("payment", "0006_checkout_payments_events_refunds")]

    operations = [
        migrations.AlterField(
            model_name="refund",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="refunds",
                to="order.order",
            ),
        ),
        migrations.AddField(
            model_name="refund",
            name="checkout_payment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="refunds",
                to="payment.checkoutpayment",
            ),
        ),
        migrations.AddField(
            model_name="refund",
            name="customer_emailed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="refund",
            name="kind",
            field=models.CharField(
                choices=[
                    ("order", "Whole order"),
                    ("lines", "Chosen lines"),
                    ("delivery", "Delivery charge"),
                    ("amount", "An amount (price correction)"),
                    ("unavailable", "Line cannot be supplied"),
                    ("unplaced", "Whole payment: the order could not be placed"),
                ],
                max_length=16,
            ),
        ),
    ]
