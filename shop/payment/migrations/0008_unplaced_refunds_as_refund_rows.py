from django.db import migrations

REASON = "The order could not be placed"


def refund_rows_from_checkout_payments(apps, schema_editor):
    """Each checkout payment refunded (or to be refunded) because its order could not be placed
    gets its Refund row; a stored Stripe refund id means it went through and the customer was
    emailed at the time (the old task did both together)."""
    CheckoutPayment = apps.get_model("payment", "CheckoutPayment")
    Refund = apps.get_model("payment", "Refund")
    for payment in CheckoutPayment.objects.filter(status="unavailable").order_by("pk"):
        done = bool(payment.refund_reference)
        Refund.objects.get_or_create(
            checkout_payment=payment,
            kind="unplaced",
            defaults={
                "amount": payment.amount,
                "reason": REASON,
                "status": "succeeded" if done else "pending",
                "stripe_refund_id": payment.refund_reference,
                "completed_at": payment.updated_at if done else None,
                "customer_emailed_at": payment.updated_at if done else None,
            },
        )


def refund_references_back(apps, schema_editor):
    Refund = apps.get_model("payment", "Refund")
    for refund in Refund.objects.filter(kind="unplaced").select_related("checkout_payment"):
        payment = refund.checkout_payment
        payment.refund_reference = refund.stripe_refund_id
        payment.save(update_fields=["refund_reference"])
    Refund.objects.filter(kind="unplaced").delete()


class Migration(migrations.Migration):
    """Step 2 of 3: the refund of an unplaced payment moves from a field to a Refund row."""

    dependencies = [("payment", "0007_refund_checkout_payment")]

    operations = [migrations.RunPython(refund_rows_from_checkout_payments, refund_references_back)]
