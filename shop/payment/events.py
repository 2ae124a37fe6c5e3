"""Stripe webhook events: handlers registered by event type, and processing one stored event (R-P2).

Payment sits below checkout and knows nothing of it. An app that cares about an event type
registers a handler for it from its ``AppConfig.ready()``, in the spirit of dj-stripe's
``webhooks.handler``::

    @events.handles("payment_intent.succeeded")
    def place_paid_order(event: StripeEvent) -> str: ...

A payment started for another purpose than the shop's checkout (a book club plan being joined)
names it in the PaymentIntent's ``metadata["purpose"]``; its app registers for that purpose, and
events about such payments go to it rather than to the checkout::

    @events.handles("payment_intent.succeeded", purpose="bookclub-join")
    def finish_joining(event: StripeEvent) -> str: ...

A handler gets the stored event and returns a short outcome to record. It raises
``UnknownObject`` when the event is about something neither we nor Stripe know: that is
recorded once and logged, never retried. An event type nobody handles is stored and ignored.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from shop.payment.models import StripeEvent

logger = logging.getLogger(__name__)

Handler = Callable[[StripeEvent], str]

IGNORED = "ignored"
UNKNOWN_OBJECT = "unknown object"

_handlers: dict[tuple[str, str], Handler] = {}


class UnknownObject(Exception):
    """The event is about an object we have no record of (or Stripe no longer has)."""


def _name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def handles(event_type: str, *, purpose: str = "") -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``event_type`` (for payments made for
    ``purpose``): one handler per type and purpose."""

    def register(handler: Handler) -> Handler:
        key = (event_type, purpose)
        registered = _handlers.setdefault(key, handler)
        if _name(registered) != _name(handler):
            what = f"{event_type} ({purpose})" if purpose else event_type
            raise ImproperlyConfigured(
                f"{what} is already handled by {_name(registered)}; {_name(handler)} cannot be too."
            )
        _handlers[key] = handler
        return handler

    return register


def handler_for(event_type: str, purpose: str = "") -> Handler | None:
    return _handlers.get((event_type, purpose))


def handled_types() -> list[str]:
    """The event types to subscribe the Stripe endpoint to."""
    return sorted({event_type for event_type, _purpose in _handlers})


def purpose_of(event: StripeEvent) -> str:
    """The purpose named in the event's object's metadata, "" for the shop's own payments."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    purpose = metadata.get("purpose") if isinstance(metadata, dict) else None
    return purpose if isinstance(purpose, str) else ""


def process(event_id: int) -> str:
    """Run the handler registered for one stored event, once (R-P2); returns the outcome.

    The event row is locked while its handler runs, so two workers given the same event do the
    work once; a handler that fails leaves the event unprocessed for ``retry_payment_tasks``.
    """
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at:
            return event.outcome
        purpose = purpose_of(event)
        handler = handler_for(event.type, purpose) or (handler_for(event.type) if not purpose else None)
        if handler is None:
            outcome = IGNORED
            logger.info("Stripe event %s (%s) stored, not handled", event.stripe_id, event.type)
        else:
            try:
                outcome = handler(event)
            except UnknownObject:
                outcome = UNKNOWN_OBJECT
                logger.warning(
                    "Stripe event %s (%s) is about %s, which we do not know",
                    event.stripe_id,
                    event.type,
                    event.object_id,
                )
        event.outcome = outcome[:255]
        event.processed_at = timezone.now()
        event.save(update_fields=["outcome", "processed_at"])
        return outcome
