"""The Stripe events payment itself answers; registered by PaymentConfig.ready()."""

from shop.payment import events
from shop.payment.models import CheckoutPayment, StripeEvent


@events.handles("payment_intent.payment_failed")
def note_failed_payment(event: StripeEvent) -> str:
    # Nothing to undo: no order exists before payment. The customer sees the decline on the page.
    if not CheckoutPayment.objects.filter(payment_intent_id=event.object_id).exists():
        raise events.UnknownObject(event.object_id)
    return "payment failed"


@events.handles("charge.refunded")
def note_refund(event: StripeEvent) -> str:
    # Refunds are started (and recorded) by us; Stripe's notice is kept for the record only.
    return "noted"
