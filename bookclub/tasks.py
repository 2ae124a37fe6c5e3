"""Background work of the book club: thin tasks that call one rule each, with ids for arguments."""

from django_tasks import task

from bookclub import emails


@task()
def send_subscription_email_task(subscription_email_id: int) -> bool:
    """Send a subscription email once (its row decides whether it went already)."""
    return emails.send_queued(subscription_email_id)
