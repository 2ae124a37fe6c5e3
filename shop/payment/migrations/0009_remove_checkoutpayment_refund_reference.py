from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 3 of 3: the Refund row is the one record of a refund."""

    dependencies = [("payment", "0008_unplaced_refunds_as_refund_rows")]

    operations = [
        migrations.RemoveField(model_name="checkoutpayment", name="refund_reference"),
        migrations.AddConstraint(
            model_name="refund",
            constraint=models.CheckConstraint(
                condition=models.Q(("order__isnull", False), ("checkout_payment__isnull", False), _connector="OR"),
                name="refund_of_an_order_or_a_checkout_payment",
            ),
        ),
        migrations.AddConstraint(
            model_name="refund",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "unplaced")),
                fields=("checkout_payment",),
                name="one_unplaced_refund_per_checkout_payment",
            ),
        ),
    ]
