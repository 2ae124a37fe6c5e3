"""Background work of the book club: thin tasks that call one rule each, with ids for arguments.
Durable: retried after a failure, taken back from a dead worker (docs/background-work.md)."""

from datetime import date

from bookclub import billing, emails, months, withdrawals
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


@durable_task()
def send_billing_email_task(billing_email_id: int) -> bool:
    """Send one of the monthly run's emails once (its row decides)."""
    return emails.send_billing_email(billing_email_id)


@durable_task()
def run_monthly_task(period: str, plan_id: int | None = None) -> str:
    """One worker of the monthly run (R-S10): start as many as you like, at once, anywhere;
    each claims cycles the others have not. Returns the summary line."""
    from bookclub.models import Plan

    plan = Plan.objects.get(pk=plan_id) if plan_id else None
    return billing.run_period(months.month_of(date.fromisoformat(period)), plan=plan).line()
