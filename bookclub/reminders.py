"""The renewal reminder, 3 days before a pre-paid plan renews (R-S3): once per renewal.

``send_renewal_reminders()`` (the ``send_renewal_reminders`` command, daily) owes an email to
every active pre-paid subscription with automatic renewal on whose renewal date is at most 3
days away in London. The email's ``BillingEmail`` row is keyed by the subscription and the
renewal date, so a second run the same day, or the next two days' runs, send nothing more,
and a day the timer missed is caught up by the next.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db import IntegrityError, transaction

from bookclub import emails, months
from bookclub.models import BillingEmail, Plan, Subscription

REMINDER_DAYS = 3


@dataclass
class Reminded:
    due: int = 0
    queued: int = 0


def reminder_key(subscription: Subscription) -> str:
    return f"renewal-{subscription.pk}-{subscription.renews_on.isoformat()}"


def due_reminders(today: date):
    return Subscription.objects.filter(
        state=Subscription.State.ACTIVE,
        plan__kind=Plan.Kind.PREPAID,
        auto_renew=True,
        renews_on__gt=today,
        renews_on__lte=today + timedelta(days=REMINDER_DAYS),
    ).order_by("pk")


def send_renewal_reminders(*, today: date | None = None, progress=None) -> Reminded:
    """Queue each due reminder once; returns how many were due and how many queued now."""
    from bookclub.tasks import send_billing_email_task

    today = today or months.london_today()
    due = list(due_reminders(today).only("pk", "renews_on"))
    done = set(
        BillingEmail.objects.filter(key__in=[reminder_key(s) for s in due]).values_list("key", flat=True)
    )
    result = Reminded(due=len(due))
    for index, subscription in enumerate(due, start=1):
        key = reminder_key(subscription)
        if key not in done:
            try:
                with transaction.atomic():
                    email = BillingEmail.objects.create(
                        subscription=subscription, code=emails.RENEWAL_REMINDER, key=key
                    )
                    transaction.on_commit(partial(send_billing_email_task.enqueue, email.pk))
                result.queued += 1
            except IntegrityError:  # another run queued it a moment ago
                pass
        if progress:
            progress(index, len(due))
    return result
