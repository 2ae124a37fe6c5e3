"""Background work for orders: thin tasks that call one rule each."""

from django_tasks import task


@task()
def send_delivery_revised_email_task(revision_id: int) -> None:
    """R-D6: tell the customer their order's new estimated delivery date."""
    from shop.order.delivery import send_delivery_revised_email

    send_delivery_revised_email(revision_id)
