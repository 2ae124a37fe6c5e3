"""Background work of the book club: thin tasks that call one rule each, with ids for arguments.
Durable: retried after a failure, taken back from a dead worker (docs/background-work.md)."""

from bookclub import emails, withdrawals
from durable import durable_task


@durable_task()
def send_subscription_email_task(subscription_email_id: int) -> bool:
    """Send a subscription email once (its row decides whether it went already)."""
    return emails.send_queued(subscription_email_id)


@durable_task()
def withdraw_plan_task(withdrawal_id: int) -> int:
    """End every subscription of a withdrawn plan and refund each subscriber once (R-S9);
    returns how many are still running (0 when done). Safe to run again."""
    return withdrawals.run(withdrawal_id).remaining
