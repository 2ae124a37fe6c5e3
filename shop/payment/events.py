"""Stripe webhook events: handlers registered by event type, and processing one stored event (R-P2).

Payment sits below checkout and knows nothing of it. An app that cares about an event type
registers a handler for it from its ``AppConfig.ready()``, in the spirit of dj-stripe's
``webhooks.handler``::

    @events.handles("payment_intent.succeeded")
    def place_paid_order(event: StripeEvent) -> str: ...

An app whose PaymentIntents carry a metadata key of their own (the book club's monthly charges:
``billing_cycle``) registers a handler for that key, which takes those events from the type's
default handler::

    @events.handles("payment_intent.succeeded", metadata_key="billing_cycle")
    def settle_monthly_charge(event: StripeEvent) -> str: ...

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

_handlers: dict[str, Handler] = {}
_keyed_handlers: dict[tuple[str, str], Handler] = {}


class UnknownObject(Exception):
    """The event is about an object we have no record of (or Stripe no longer has)."""


def _name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def handles(event_type: str, *, metadata_key: str = "") -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``event_type`` (one per type), or of
    the events of that type whose object's metadata has ``metadata_key`` (one per key)."""
    table, slot = (_keyed_handlers, (event_type, metadata_key)) if metadata_key else (_handlers, event_type)

    def register(handler: Handler) -> Handler:
        registered = table.setdefault(slot, handler)
        if _name(registered) != _name(handler):
            raise ImproperlyConfigured(
                f"{event_type} is already handled by {_name(registered)}; {_name(handler)} cannot be too."
            )
        table[slot] = handler
        return handler

    return register


def _metadata(payload) -> dict:
    try:
        metadata = payload["data"]["object"].get("metadata") or {}
    except (KeyError, TypeError, AttributeError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def handler_for(event_type: str, payload: dict | None = None) -> Handler | None:
    """The handler of an event: the one for a metadata key its object carries, else the type's."""
    metadata = _metadata(payload)
    for (handled_type, key), handler in _keyed_handlers.items():
        if handled_type == event_type and key in metadata:
            return handler
    return _handlers.get(event_type)


def handled_types() -> list[str]:
    """The event types to subscribe the Stripe endpoint to."""
    return sorted(set(_handlers) | {event_type for event_type, _ in _keyed_handlers})


def process(event_id: int) -> str:
    """Run the handler registered for one stored event, once (R-P2); returns the outcome.

    The event row is locked while its handler runs, so two workers given the same event do the
    work once; a handler that fails leaves the event unprocessed for ``retry_payment_tasks``.
    """
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at:
            return event.outcome
        handler = handler_for(event.type, event.payload)
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
