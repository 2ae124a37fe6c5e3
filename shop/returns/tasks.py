"""Background work for cancellations: thin tasks that call one rule each; durable (retried,
reclaimed from a dead worker: docs/background-work.md), as the cancellation ends a contract."""

from durable import durable_task
from shop.returns import emails


@durable_task()
def send_cancellation_email_task(cancellation_id: int, step: str) -> bool:
    """R-X1 to R-X4: tell the customer about a step of their cancellation."""
    return emails.send_cancellation_email(cancellation_id, step)
