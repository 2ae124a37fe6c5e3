"""Revising an order's estimated delivery date (R-D6)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

Order = get_model("order", "Order")
EstimatedDeliveryRevision = get_model("order", "EstimatedDeliveryRevision")


@transaction.atomic
def revise_estimated_delivery(order, *, new_date: date, reason: str, by=None) -> EstimatedDeliveryRevision:
    """Move the order's estimated delivery date and email the customer the new date (R-D6).

    The reason is kept with the revision and told to the customer.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the date has changed: the customer is told.")
    if new_date < timezone.localdate():
        raise ValidationError("The new estimated delivery date cannot be in the past.")
    order = Order.objects.select_for_update().get(pk=order.pk)
    if new_date == order.estimated_delivery:
        raise ValidationError("That is the date the order already has.")
    revision = EstimatedDeliveryRevision.objects.create(
        order=order, old_date=order.estimated_delivery, new_date=new_date, reason=reason, revised_by=by
    )
    order.estimated_delivery = new_date
    order.save(update_fields=["estimated_delivery"])

    from shop.order.tasks import send_delivery_revised_email_task

    transaction.on_commit(lambda: send_delivery_revised_email_task.enqueue(revision.pk))
    return revision


def send_delivery_revised_email(revision_id: int) -> None:
    """Email the customer the new date (HTML and text), once per revision."""
    with transaction.atomic():
        revision = (
            EstimatedDeliveryRevision.objects.select_for_update(of=("self",))
            .select_related("order", "order__user")
            .get(pk=revision_id)
        )
        if revision.customer_emailed_at:
            return
        get_class("order.utils", "OrderDispatcher")().send_delivery_revised_email(revision)
        revision.customer_emailed_at = timezone.now()
        revision.save(update_fields=["customer_emailed_at"])
