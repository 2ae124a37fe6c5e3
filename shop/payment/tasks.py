"""Background work of payment: Stripe webhook events and refunds. Thin tasks, one rule each,
durable (retried, reclaimed from a dead worker) and idempotent (docs/background-work.md)."""

from durable import durable_task
from shop.payment import events, refunds
from shop.payment.models import Refund


@durable_task()
def process_stripe_event_task(event_id: int) -> str:
    """R-P2: run the handler registered for one stored Stripe event, once."""
    return events.process(event_id)


@durable_task()
def send_refund_task(refund_id: int) -> str:
    """R-P4: send a recorded refund to Stripe; a retry sends the same idempotency key."""
    return refunds.send_refund(Refund.objects.get(pk=refund_id)).status
