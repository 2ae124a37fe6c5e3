"""The registry of Stripe event handlers: payment dispatches, the apps above it answer (R-P2)."""

import io
import logging
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from shop.checkout import webhook_handlers as checkout_handlers
from shop.payment import events
from shop.payment.models import CheckoutPayment, StripeEvent
from tests.shop.payment.test_webhooks import event, post_event, signed

pytestmark = pytest.mark.django_db


def test_R_P2_the_checkout_registers_the_handler_that_places_paid_orders():
    handler = events.handler_for("payment_intent.succeeded")
    assert handler is checkout_handlers.place_paid_order
    assert handler.__module__.startswith("shop.checkout.")
    assert {"payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"} <= set(
        events.handled_types()
    )


def test_a_second_handler_for_a_handled_type_is_refused():
    def another(event):
        return "twice"

    with pytest.raises(ImproperlyConfigured, match="already handled"):
        events.handles("payment_intent.succeeded")(another)
    assert events.handler_for("payment_intent.succeeded") is checkout_handlers.place_paid_order


def test_R_P2_an_event_type_nobody_handles_is_stored_processed_and_logged(client, settings, caplog):
    assert events.handler_for("invoice.paid") is None
    with caplog.at_level(logging.INFO, logger="shop.payment.events"):
        response = post_event(client, signed(settings, event("evt_inv", "invoice.paid", "in_1", "invoice")))
    stored = StripeEvent.objects.get(stripe_id="evt_inv")
    assert response.status_code == 200 and stored.processed_at and stored.outcome == events.IGNORED
    assert stored.payload["data"]["object"]["id"] == "in_1"
    assert "evt_inv" in caplog.text


def _age(stored: StripeEvent) -> None:
    StripeEvent.objects.filter(pk=stored.pk).update(received_at=stored.received_at - timedelta(minutes=5))


def test_R_P2_a_paid_event_for_a_payment_intent_stripe_does_not_know_ends_as_unknown_once(
    client, settings, localstripe, caplog
):
    """Issue 10: a correctly signed payment_intent.succeeded naming a PaymentIntent that neither
    we nor Stripe (localstripe) know is recorded as an unknown object, not retried for ever."""
    ghost = f"pi_{uuid.uuid4().hex[:24]}"
    with caplog.at_level(logging.WARNING, logger="shop.payment.events"):
        response = post_event(client, signed(settings, event("evt_ghost", "payment_intent.succeeded", ghost)))
    stored = StripeEvent.objects.get(stripe_id="evt_ghost")
    assert response.status_code == 200
    assert stored.processed_at and stored.outcome == events.UNKNOWN_OBJECT
    assert caplog.text.count(ghost) == 1

    _age(stored)
    out = io.StringIO()
    call_command("retry_payment_tasks", stdout=out)
    assert out.getvalue().startswith("Queued 0 Stripe event(s)")
    assert StripeEvent.objects.get().outcome == events.UNKNOWN_OBJECT


def test_R_P2_a_checkout_payment_whose_intent_stripe_has_lost_ends_as_unknown_once(
    client, settings, localstripe
):
    """Our row names a PaymentIntent Stripe answers 404 for (e.g. made with other keys): Stripe's
    InvalidRequestError must not leave the event unprocessed for retry_payment_tasks to loop on."""
    lost = f"pi_{uuid.uuid4().hex[:24]}"
    CheckoutPayment.objects.create(
        payment_intent_id=lost,
        order_number="100077",
        amount="5.00",
        guest_email="ada@example.com",
        agreed_terms_at=timezone.now(),
    )
    response = post_event(client, signed(settings, event("evt_lost", "payment_intent.succeeded", lost)))
    stored = StripeEvent.objects.get(stripe_id="evt_lost")
    assert response.status_code == 200
    assert stored.processed_at and stored.outcome == events.UNKNOWN_OBJECT
    assert CheckoutPayment.objects.get().status == CheckoutPayment.Status.PENDING
