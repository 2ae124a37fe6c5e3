"""Background work of the book club: thin tasks that call one rule each, with ids for arguments."""

from django_tasks import task

from bookclub import emails, withdrawals


@task()
def send_subscription_email_task(subscription_email_id: int) -> bool:
    """Send a subscription email once (its row decides whether it went already)."""
    return emails.send_queued(subscription_email_id)


@task()
def withdraw_plan_task(withdrawal_id: int) -> int:
    """End every subscription of a withdrawn plan and refund each subscriber once (R-S9);
    returns how many are still running (0 when done). Safe to run again."""
    return withdrawals.run(withdrawal_id).remaining
