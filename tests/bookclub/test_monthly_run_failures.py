"""When the bank says no to an off-session monthly charge (R-P5, R-S7, R-S10): 3-D Secure finished
by the customer from the emailed link, soft declines retried a bounded number of times within
the month, hard declines never retried.

localstripe answers a 3-D Secure card off-session with ``requires_action`` and a declined card
with a plain ``card_declined``. Stripe's own shapes it cannot produce are faked at the HTTP level
with ``responses`` (everything else passes through to localstripe): the 402
``authentication_required`` whose body names the PaymentIntent, and a ``stolen_card`` decline code.
"""

from datetime import date

import pytest
import requests
import responses
from django.core import mail
from django.urls import reverse

from bookclub import billing, months
from bookclub.models import BillingCycle, BillingEmail, Plan
from shop.ebooks.models import Entitlement
from shop.payment import stripe_api
from tests.commit import committed
from tests.factories import UserFactory

from .run_helpers import OFF_SESSION_3DS, at, intents, london, plan_with_selections, subscriber

State = BillingCycle.State
MAY = date(2027, 5, 1)

pytestmark = pytest.mark.django_db


def ebook_subscriber(localstripe, card="visa"):
    plan = plan_with_selections(Plan.Kind.EBOOK, [MAY])
    with at(2027, 3, 10, 12, 0):
        person = subscriber(plan, UserFactory(email="reader@example.com"), localstripe, card=card)
    mail.outbox.clear()
    return person


def run():
    with committed():
        return billing.run_period(MAY)


def stripe_refuses(localstripe_url: str, body: dict):
    """Stripe's answer to the next PaymentIntent create, faked at the HTTP level."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=True)
    mock.add_passthru(localstripe_url)
    mock.add(responses.POST, f"{localstripe_url}/v1/payment_intents", status=402, json={"error": body})
    return mock


def test_R_P5_R_S7_a_card_wanting_authentication_waits_and_the_customer_finishes_it(client, localstripe):
    person = ebook_subscriber(localstripe, card=OFF_SESSION_3DS)
    with at(2027, 5, 1, 0, 5):
        run()
        run()  # nothing more happens while the customer has not answered
    cycle = BillingCycle.objects.get()
    assert cycle.state == State.NEEDS_AUTHENTICATION and cycle.payment_intent_id
    assert cycle.order.sources.count() == 0  # nothing paid, nothing ships
    assert not Entitlement.objects.filter(line__order=cycle.order).exists()  # not on the eBookshelf
    [email] = mail.outbox
    assert email.subject.endswith("please confirm this month's payment with your bank")
    link = reverse("bookclub_payments:authenticate", kwargs={"cycle_id": cycle.pk})
    assert link in email.body

    with at(2027, 5, 2, 9, 0):
        client.force_login(person.customer)
        page = client.get(link)
        assert page.status_code == 200
        intent = stripe_api.retrieve_payment_intent(cycle.payment_intent_id)
        assert intent.client_secret in page.content.decode()
        # The customer completes 3-D Secure in the bank's window (Stripe.js does this in the browser).
        requests.post(
            f"{localstripe}/v1/payment_intents/{intent.id}/_authenticate",
            data={"client_secret": intent.client_secret, "success": "true"},
            auth=("sk_test_localstripe", ""),
            timeout=5,
        ).raise_for_status()
        with committed():
            back = client.get(link + "?returned=1")
        assert "Paid, thank you" in back.content.decode()
        run()  # the run's own check later finds it paid already
    cycle.refresh_from_db()
    assert cycle.state == State.PAID
    assert len(intents(localstripe)) == 1
    shelved = Entitlement.objects.filter(line__order=cycle.order)
    assert shelved.count() == 2 and {e.available_from for e in shelved} == {months.month_starts_at(MAY)}
    assert [m.subject for m in mail.outbox].count(
        f"Order confirmation: your Bookclub order {cycle.order.number}"
    ) == 1


def test_R_P5_someone_else_cannot_open_the_authentication_page(client, localstripe):
    ebook_subscriber(localstripe, card=OFF_SESSION_3DS)
    with at(2027, 5, 1, 0, 5):
        run()
    cycle = BillingCycle.objects.get()
    link = reverse("bookclub_payments:authenticate", kwargs={"cycle_id": cycle.pk})
    with at(2027, 5, 2, 9, 0):
        client.force_login(UserFactory())
        assert client.get(link).status_code == 404


def test_R_P5_stripe_authentication_required_is_sent_to_the_customer(localstripe):
    """Stripe's own off-session answer: a 402 naming the PaymentIntent to finish on-session."""
    person = ebook_subscriber(localstripe)
    waiting = stripe_api.client().v1.payment_intents.create(
        params={"amount": 798, "currency": "gbp", "customer": person.stripe_customer_id}
    )
    refusal = {
        "type": "card_error",
        "code": "authentication_required",
        "decline_code": "authentication_required",
        "message": "Your card was declined. This transaction requires authentication.",
        "payment_intent": {"id": waiting.id, "object": "payment_intent", "status": "requires_payment_method"},
    }
    with at(2027, 5, 1, 0, 5), stripe_refuses(localstripe, refusal):
        run()
    cycle = BillingCycle.objects.get()
    assert cycle.state == State.NEEDS_AUTHENTICATION and cycle.payment_intent_id == waiting.id
    assert BillingEmail.objects.get().code == "BOOKCLUB_PAYMENT_AUTHENTICATION"


def test_R_P5_a_hard_decline_is_never_retried(localstripe):
    ebook_subscriber(localstripe)
    stolen = {"type": "card_error", "code": "card_declined", "decline_code": "stolen_card", "message": "No."}
    with at(2027, 5, 1, 0, 5), stripe_refuses(localstripe, stolen):
        run()
    with at(2027, 5, 9, 0, 5):
        run()  # days later: still nothing asked of Stripe
    cycle = BillingCycle.objects.get()
    assert cycle.state == State.FAILED and cycle.attempts == 1 and cycle.failure_code == "stolen_card"
    [email] = mail.outbox
    assert email.subject.endswith("we could not take this month's payment")
    assert intents(localstripe) == []


def test_R_P5_a_soft_decline_is_retried_with_backoff_then_fails_once(localstripe):
    ebook_subscriber(localstripe, card="declined")
    with at(2027, 5, 1, 0, 5):
        run()
    cycle = BillingCycle.objects.get()
    assert cycle.state == State.RETRYING and cycle.attempts == 1
    with at(2027, 5, 1, 23, 0):
        run()  # too early for the next try
    assert BillingCycle.objects.get().attempts == 1
    # Waits of 1, 2 and 4 days after each try.
    for day, hour, attempts, state in [
        (2, 1, 2, State.RETRYING),
        (4, 2, 3, State.RETRYING),
        (8, 3, 4, State.FAILED),
    ]:
        with at(2027, 5, day, hour, 0):
            run()
        cycle.refresh_from_db()
        assert (cycle.attempts, cycle.state) == (attempts, state)
    assert len(intents(localstripe)) == 4  # one PaymentIntent per attempt, each its own key
    assert [m.subject for m in mail.outbox] == [f"{cycle.plan.name}: we could not take this month's payment"]
    with at(2027, 5, 20, 1, 0):
        run()
    assert len(intents(localstripe)) == 4


def test_R_P5_R_S10_the_webhook_settles_a_month_the_customer_authenticated_but_never_came_back(
    client, settings, localstripe
):
    from shop.payment import events
    from shop.payment.models import StripeEvent
    from tests.shop.payment.test_webhooks import event, post_event, signed

    ebook_subscriber(localstripe, card=OFF_SESSION_3DS)
    with at(2027, 5, 1, 0, 5):
        run()
    cycle = BillingCycle.objects.get()
    intent = stripe_api.retrieve_payment_intent(cycle.payment_intent_id)
    requests.post(
        f"{localstripe}/v1/payment_intents/{intent.id}/_authenticate",
        data={"client_secret": intent.client_secret, "success": "true"},
        auth=("sk_test_localstripe", ""),
        timeout=5,
    ).raise_for_status()
    paid = event("evt_cycle", "payment_intent.succeeded", intent.id)
    paid["data"]["object"]["metadata"] = {"purpose": billing.MONTHLY_PURPOSE, "billing_cycle": str(cycle.pk)}
    assert events.handler_for("payment_intent.succeeded", billing.MONTHLY_PURPOSE).__module__ == (
        "bookclub.webhook_handlers"
    )
    post_event(client, signed(settings, paid))
    post_event(client, signed(settings, {**paid, "id": "evt_cycle_again"}))  # delivered twice
    cycle.refresh_from_db()
    assert cycle.state == State.PAID
    assert StripeEvent.objects.get(stripe_id="evt_cycle").outcome == f"billing cycle {cycle.pk}: paid"
    assert [m.subject for m in mail.outbox].count(
        f"Order confirmation: your Bookclub order {cycle.order.number}"
    ) == 1


def test_R_S10_a_429_from_stripe_is_asked_again_later_with_the_same_key(localstripe):
    ebook_subscriber(localstripe)
    mock = responses.RequestsMock(assert_all_requests_are_fired=True)
    mock.add_passthru(localstripe)
    mock.add(
        responses.POST,
        f"{localstripe}/v1/payment_intents",
        status=429,
        json={
            "error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}
        },
    )
    with at(2027, 5, 1, 0, 5), mock:
        run()
    cycle = BillingCycle.objects.get()
    assert (cycle.state, cycle.failure_code, cycle.attempts) == (State.CHARGING, "rate_limited", 1)
    with at(2027, 5, 1, 0, 5, 2):
        run()  # too soon: backing off
    assert BillingCycle.objects.get().state == State.CHARGING
    with at(2027, 5, 1, 0, 7):
        run()
    cycle.refresh_from_db()
    assert (cycle.state, cycle.attempts) == (State.PAID, 1)
    assert len(intents(localstripe)) == 1


def test_R_S10_stripe_calls_are_paced_by_a_bucket_all_workers_share(settings):
    """At 2 calls a second with no burst, a second call at once waits half a second (the
    bucket is a row every worker and process locks briefly, then sleeps outside the lock)."""
    import time_machine

    from bookclub import pacing

    settings.BOOKCLUB_STRIPE_RATE = 2
    settings.BOOKCLUB_STRIPE_BURST = 1
    waits = []
    with time_machine.travel(london(2027, 5, 1, 0, 5), tick=False) as clock:

        def sleep(seconds):
            waits.append(seconds)
            clock.shift(seconds)

        assert pacing.take(sleep=sleep) == 0  # the burst
        assert pacing.take(sleep=sleep) == 0.5
        assert pacing.take(sleep=sleep) == 0.5
    assert waits == [0.5, 0.5]
