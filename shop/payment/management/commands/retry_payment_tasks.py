"""Queue again the payment work that did not finish (e.g. Stripe was unreachable at the time).

- Stripe webhook events stored but not processed: webhooks are answered 200 as soon as they are
  stored, so Stripe will not resend them.
- Refunds of payments whose order could not be placed that have not gone through (refunds an
  admin asked for are retried by the admin, from the refunds page).

Run it from a timer every few minutes. Both tasks are idempotent: an event is processed once,
and a refund is sent with the same idempotency key every time.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from shop.payment import tasks
from shop.payment.models import Refund, StripeEvent


class Command(BaseCommand):
    help = "Queue unfinished Stripe events and automatic refunds older than --minutes (default 2) again."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=2)

    def handle(self, *args, minutes, **options):
        before = timezone.now() - timedelta(minutes=minutes)
        events = list(
            StripeEvent.objects.filter(processed_at__isnull=True, received_at__lte=before).values_list(
                "pk", flat=True
            )
        )
        refunds = list(
            Refund.objects.filter(kind=Refund.Kind.UNPLACED, created_at__lte=before)
            .exclude(status=Refund.Status.SUCCEEDED)
            .values_list("pk", flat=True)
        )
        for pk in events:
            tasks.process_stripe_event_task.enqueue(pk)
        for pk in refunds:
            tasks.send_refund_task.enqueue(pk)
        self.stdout.write(f"Queued {len(events)} Stripe event(s) and {len(refunds)} refund(s) again.")
