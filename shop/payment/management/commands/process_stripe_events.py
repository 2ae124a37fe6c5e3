"""Queue again the Stripe events whose processing did not finish (e.g. Stripe was unreachable).

Webhooks are answered 200 as soon as they are stored, so Stripe will not resend them; run this
from a timer (every few minutes) to finish any that failed. Each event is processed at most once.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from shop.payment.models import StripeEvent


class Command(BaseCommand):
    help = "Queue unprocessed Stripe webhook events older than --minutes (default 2) again."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=2)

    def handle(self, *args, minutes, **options):
        from shop.checkout import tasks

        waiting = StripeEvent.objects.filter(
            processed_at__isnull=True, received_at__lte=timezone.now() - timedelta(minutes=minutes)
        ).values_list("pk", flat=True)
        count = 0
        for pk in waiting:
            tasks.process_stripe_event.enqueue(pk)
            count += 1
        self.stdout.write(f"Queued {count} Stripe event(s) again.")
