"""Stripe webhooks at /stripe/webhook/.

The view checks the signature, stores the event once by its Stripe id (a replay is a no-op),
queues its processing and answers 200 at once. What each event type means is decided by the
handlers registered in ``shop.payment.events``; an event nobody handles, or one about an object
we do not know, is stored and logged, never answered with an error (Stripe would only retry it).
"""

import json
import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.payment import stripe_api, tasks
from shop.payment.models import StripeEvent

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

    # The event row is already committed: on_commit queues at once.
    transaction.on_commit(partial(tasks.process_stripe_event_task.enqueue, stored.pk))
    return HttpResponse("Received")
