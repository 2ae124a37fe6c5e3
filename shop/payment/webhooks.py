"""Stripe webhooks at /stripe/webhook/.

The view checks the signature, stores the event once by its Stripe id (a replay is a no-op),
queues its processing and answers 200 at once. What each event type means is decided by the
handlers registered in ``shop.payment.events``; an event nobody handles, or one about an object
we do not know, is stored and logged, never answered with an error (Stripe would only retry it).
A body that is not signed with our secret, or signed but not an event we could store (not a
JSON object with a text id and type), is answered 400 and stored nowhere: never a 500.
"""

import logging

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.payment import stripe_api, tasks
from shop.payment.models import StripeEvent

logger = logging.getLogger(__name__)


# Our StripeEvent columns: a longer id or type is not Stripe's.
MAX_ID_LENGTH = StripeEvent._meta.get_field("stripe_id").max_length
MAX_TYPE_LENGTH = StripeEvent._meta.get_field("type").max_length


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request):
    try:
        event = stripe_api.construct_event(request.body, request.META.get("HTTP_STRIPE_SIGNATURE", ""))
    except stripe_api.SignatureVerificationError:
        logger.warning("Stripe webhook refused: bad signature")
        return HttpResponseBadRequest("Invalid signature")
    except ValueError as error:  # signed, but not an event (stripe_api.NotAnEvent) or not UTF-8
        logger.warning("Stripe webhook refused: %s", error)
        return HttpResponseBadRequest("Not a Stripe event")
    if not storable(event):
        logger.warning("Stripe webhook refused: an id, type or text we cannot store")
        return HttpResponseBadRequest("Not a Stripe event")

    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                stripe_id=event["id"], type=event["type"], object_id=object_id(event), payload=event
            )
    except IntegrityError:
        return HttpResponse("Already received")  # a replay: stored and queued the first time

    # Owed from now on (a durable task, docs/background-work.md), and run at once.
    tasks.process_stripe_event_task.enqueue(stored.pk)
    return HttpResponse("Received")


def storable(event: dict) -> bool:
    """Does the event fit our columns and PostgreSQL's jsonb, which refuses NUL characters and
    text that is not UTF-8 (a lone surrogate that JSON's escapes can spell)?"""
    if len(event["id"]) > MAX_ID_LENGTH or len(event["type"]) > MAX_TYPE_LENGTH:
        return False
    pending = [event]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                return False
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def object_id(event: dict) -> str:
    """The id of the object the event is about (``data.object.id``), or "" when it names none:
    its handler then finds nothing it knows and the event ends as an unknown object."""
    data = event.get("data")
    data_object = data.get("object") if isinstance(data, dict) else None
    found = data_object.get("id") if isinstance(data_object, dict) else None
    return found if isinstance(found, str) and len(found) <= MAX_ID_LENGTH else ""
