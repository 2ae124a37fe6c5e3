"""Stripe webhooks at /stripe/webhook/.

The view checks the signature, stores the event once by its Stripe id (a replay is a no-op),
queues its processing and answers 200 at once. Handlers are chosen from HANDLERS by event type;
an event we do not handle, or one about an object we do not know, is stored and logged, never
answered with an error (Stripe would only retry it).
"""

import json
import logging

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.payment import stripe_api
from shop.payment.models import CheckoutPayment, StripeEvent

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request):
    try:
        event = stripe_api.construct_event(request.body, request.META.get("HTTP_STRIPE_SIGNATURE", ""))
    except (ValueError, stripe_api.SignatureVerificationError):
        logger.warning("Stripe webhook refused: bad payload or signature")
        return HttpResponseBadRequest("Invalid signature")

    payload = json.loads(request.body)
    data_object = payload.get("data", {}).get("object", {}) or {}
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                stripe_id=event.id, type=event.type, object_id=data_object.get("id", ""), payload=payload
            )
    except IntegrityError:
        return HttpResponse("Already received")  # a replay: stored and queued the first time

    from shop.checkout import tasks

    tasks.process_stripe_event.enqueue(stored.pk)  # the event row is already committed
    return HttpResponse("Received")


# ---------------------------------------------------------------------------------------------
# Handlers, by event type. Each gets the stored event and returns a short outcome to record.
# ---------------------------------------------------------------------------------------------
def payment_intent_succeeded(event: StripeEvent) -> str:
    from shop.checkout.placement import place_order_for_payment_intent

    placement = place_order_for_payment_intent(event.object_id)
    if placement.outcome == "placed":
        return f"order {placement.order.number}"
    return placement.outcome


def payment_intent_payment_failed(event: StripeEvent) -> str:
    # Nothing to undo: no order exists before payment. The customer sees the decline on the page.
    known = CheckoutPayment.objects.filter(payment_intent_id=event.object_id).exists()
    return "payment failed" if known else "unknown"


def charge_refunded(event: StripeEvent) -> str:
    # Refunds are started (and recorded) by us; Stripe's notice is kept for the record only.
    return "noted"


HANDLERS = {
    "payment_intent.succeeded": payment_intent_succeeded,
    "payment_intent.payment_failed": payment_intent_payment_failed,
    "charge.refunded": charge_refunded,
}


def process(event_pk: int) -> str:
    """Run the handler for one stored event, once."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at:
            return event.outcome
        handler = HANDLERS.get(event.type)
        if handler is None:
            outcome = "ignored"
            logger.info("Stripe event %s (%s) stored, not handled", event.stripe_id, event.type)
        else:
            outcome = handler(event)
            if outcome == "unknown":
                logger.warning(
                    "Stripe event %s is about %s, which we do not know", event.stripe_id, event.object_id
                )
        event.outcome = outcome[:255]
        event.processed_at = timezone.now()
        event.save(update_fields=["outcome", "processed_at"])
        return outcome
