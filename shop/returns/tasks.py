"""Background work for cancellations: thin tasks that call one rule each."""

from django_tasks import task

from shop.returns import emails


@task()
def send_cancellation_email_task(cancellation_id: int, step: str) -> bool:
    """R-X1 to R-X4: tell the customer about a step of their cancellation."""
    return emails.send_cancellation_email(cancellation_id, step)
