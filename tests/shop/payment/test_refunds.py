"""Dashboard refunds: to the original PaymentIntent only, never above what was paid, once (R-P4, R-X6)."""

from decimal import Decimal

import pytest
import responses
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import corrections
from shop.order.processing import EventHandler
from shop.payment import refunds, stripe_api
from shop.payment.models import Refund
from tests.commit import committed
from tests.factories import BookFactory, UserFactory
from tests.shop.checkout.helpers import checkout_to_review, place_order

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
LinePriceCorrection = get_model("order", "LinePriceCorrection")


@pytest.fixture
def paid_order(client, localstripe):
    books = [BookFactory(stockrecord__price="8.99"), BookFactory(stockrecord__price="5.00")]
    checkout_to_review(client, localstripe, products=books)
    place_order(client)
    mail.outbox.clear()
    return Order.objects.get()


def admin_refund(order, **details) -> Refund:
    """An order admin's refund, through the order's EventHandler; its email goes after the commit."""
    with committed():
        return EventHandler().refund(order, **details)


def retry(refund: Refund) -> Refund:
    with committed():
        return EventHandler().retry_refund(refund)


def stripe_refunds(order):
    intent_id = order.sources.get().reference
    return stripe_api.client().v1.refunds.list(params={"payment_intent": intent_id}).data


def test_R_P4_a_whole_order_is_refunded_to_its_own_payment_intent(paid_order):
    refund = admin_refund(paid_order, kind=Refund.Kind.ORDER, reason="Customer cancelled")

    assert refund.status == Refund.Status.SUCCEEDED
    assert [(r.amount, r.payment_intent) for r in stripe_refunds(paid_order)] == [
        (1399, paid_order.sources.get().reference)
    ]
    source = paid_order.sources.get()
    assert source.amount_refunded == Decimal("13.99")
    event = paid_order.payment_events.get(event_type__name="Refunded")
    assert event.amount == Decimal("13.99") and event.reference == refund.stripe_refund_id
    assert (
        len(mail.outbox) == 1
        and "13.99" in mail.outbox[0].subject
        and "Customer cancelled" in mail.outbox[0].body
    )


def test_R_C5_an_overpriced_line_is_corrected_by_refunding_the_difference(paid_order):
    refund = admin_refund(
        paid_order, kind=Refund.Kind.AMOUNT, amount=Decimal("1.50"), reason="Price was wrong on the site"
    )
    assert refund.status == Refund.Status.SUCCEEDED and [r.amount for r in stripe_refunds(paid_order)] == [
        150
    ]
    assert refunds.refundable_amount(paid_order) == Decimal("12.49")


def test_R_P4_more_than_was_paid_is_refused_before_stripe_is_called(paid_order):
    admin_refund(paid_order, kind=Refund.Kind.AMOUNT, amount=Decimal("13.00"), reason="Goodwill")
    with pytest.raises(refunds.RefundRefused, match="more than can be refunded"):
        admin_refund(paid_order, kind=Refund.Kind.AMOUNT, amount=Decimal("1.00"), reason="Again")
    with pytest.raises(refunds.RefundRefused):
        admin_refund(paid_order, kind=Refund.Kind.LINES, line_quantities={}, reason="Nothing chosen")
    assert Refund.objects.count() == 1 and len(stripe_refunds(paid_order)) == 1


def test_R_X6_a_line_that_cannot_be_supplied_is_cancelled_refunded_and_the_customer_emailed(paid_order):
    line = paid_order.lines.get(line_price_incl_tax=Decimal("5.00"))
    refund = admin_refund(
        paid_order, kind=Refund.Kind.UNAVAILABLE, line_quantities={line.pk: 1}, reason="Out of print"
    )
    line.refresh_from_db()
    assert refund.amount == Decimal("5.00") and line.status == "Cancelled"
    assert [r.amount for r in stripe_refunds(paid_order)] == [500]
    assert len(mail.outbox) == 1 and "cannot supply" in mail.outbox[0].subject
    assert line.title in mail.outbox[0].body and "no extra delivery charge" in mail.outbox[0].body


def test_R_P4_a_stripe_outage_leaves_a_failed_refund_and_the_retry_refunds_once(paid_order, localstripe):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        fake.add_passthru(localstripe + "/v1/payment_intents")
        fake.add(responses.POST, localstripe + "/v1/refunds", status=503, json={"error": {"message": "down"}})
        refund = admin_refund(paid_order, kind=Refund.Kind.AMOUNT, amount=Decimal("2.00"), reason="Late")
        keys = {
            call.request.headers["Idempotency-Key"]
            for call in fake.calls
            if "/v1/refunds" in call.request.url
        }

    assert refund.status == Refund.Status.FAILED and "Retry" in refund.error
    assert keys == {refund.idempotency_key}
    assert stripe_refunds(paid_order) == [] and paid_order.sources.get().amount_refunded == 0
    # While it is unresolved, its amount stays reserved: no second refund can overtake it.
    assert refunds.refundable_amount(paid_order) == Decimal("11.99")

    retried = retry(refund)
    assert retried.status == Refund.Status.SUCCEEDED and [r.amount for r in stripe_refunds(paid_order)] == [
        200
    ]


def test_R_P4_a_retry_after_a_lost_answer_does_not_refund_twice(paid_order):
    lost = Refund.objects.create(
        order=paid_order, kind=Refund.Kind.AMOUNT, amount=Decimal("3.00"), reason="x"
    )
    # Stripe did the refund but our server never heard back...
    stripe_api.create_refund(
        payment_intent_id=paid_order.sources.get().reference,
        amount_pence=300,
        metadata={},
        idempotency_key=lost.idempotency_key,
    )
    retry(lost)  # ...so the admin retries: same key, same refund.
    assert [r.amount for r in stripe_refunds(paid_order)] == [300]
    assert paid_order.sources.get().amount_refunded == Decimal("3.00")


def test_R_U2_R_P4_an_order_admin_refunds_from_the_dashboard_and_the_customer_sees_it(paid_order, client):
    url = reverse("dashboard:order-refunds", kwargs={"number": paid_order.number})
    assert client.get(url).status_code == 302  # a guest (the customer) is sent to sign in
    client.force_login(UserFactory(order_admin=True))
    line = paid_order.lines.first()
    page = client.get(url)
    assert page.status_code == 200 and b"Can still be refunded" in page.content

    refused = client.post(url, {"kind": "amount", "amount": "99.00", "reason": "Too much"})
    assert b"more than can be refunded" in refused.content and not Refund.objects.exists()

    with committed():
        done = client.post(
            url, {"kind": "lines", f"line_{line.pk}": "1", "reason": "Damaged copy"}, follow=True
        )
    assert b"Refunded" in done.content and Refund.objects.get().status == Refund.Status.SUCCEEDED
    detail = client.get(reverse("dashboard:order-detail", kwargs={"number": paid_order.number}))
    assert b"Damaged copy" in detail.content


def test_R_C5_an_admin_corrects_a_price_and_the_difference_goes_back_to_the_card(paid_order, client):
    """R-C5 end to end: the order page's correction refunds the overcharge through Stripe."""
    client.force_login(UserFactory(order_admin=True))
    line = paid_order.lines.get(unit_price_incl_tax=Decimal("8.99"))
    with committed():
        page = client.post(
            reverse("dashboard:order-detail", kwargs={"number": paid_order.number}),
            {
                "order_action": "correct_line_price",
                "line": line.pk,
                "new_unit_price": "6.99",
                "reason": "Old RRP",
            },
            follow=True,
        )
    assert [str(m) for m in page.context["messages"]] == [
        "Price corrected and £2.00 refunded to the customer's card."
    ]
    correction = LinePriceCorrection.objects.get()
    assert correction.refund.status == Refund.Status.SUCCEEDED
    assert correction.refund_status == LinePriceCorrection.REFUNDED
    assert correction.payment_event.amount == Decimal("2.00")
    assert [r.amount for r in stripe_refunds(paid_order)] == [200]
    assert len(mail.outbox) == 1 and "Old RRP" in mail.outbox[0].body


def test_R_C5_a_correction_whose_refund_failed_is_marked_refunded_by_the_retry(paid_order, localstripe):
    line = paid_order.lines.get(unit_price_incl_tax=Decimal("5.00"))
    correction = corrections.correct_line_price(line, new_unit_price=Decimal("4.00"), reason="Typo")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        fake.add_passthru(localstripe + "/v1/payment_intents")
        fake.add(responses.POST, localstripe + "/v1/refunds", status=500, json={"error": {"message": "down"}})
        refund = EventHandler().refund_price_correction(correction)
    correction.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert correction.refund_status == LinePriceCorrection.REFUND_PENDING

    retry(refund)
    correction.refresh_from_db()
    assert correction.refund_status == LinePriceCorrection.REFUNDED
    assert [r.amount for r in stripe_refunds(paid_order)] == [100]
