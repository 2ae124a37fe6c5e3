"""Background work for orders: thin tasks that call one rule each.

The confirmation and refund emails are durable (``durable``): retried with backoff after a
failure, taken back from a dead worker, and each sends once (docs/background-work.md)."""

from django_tasks import task

from durable import durable_task
from shop.order import delivery, emails


@durable_task()
def send_order_confirmation_task(order_id: int) -> bool:
    """R-L5: the Order Confirmation, once."""
    return emails.send_order_confirmation(order_id)


@durable_task()
def send_refund_email_task(refund_id: int) -> bool:
    """R-P4, R-X6: tell the customer about a refund, once."""
    return emails.send_refund_email(refund_id)


@task()
def send_delivery_revised_email_task(revision_id: int) -> None:
    """R-D6: tell the customer their order's new estimated delivery date."""
    delivery.send_delivery_revised_email(revision_id)
