"""Cancelling and returning (R-X1 to R-X5, R-P4): periods in London days, refunds to the
original payment through the one mechanism, each step an event on the lines and an email."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from oscar.core.loading import get_model

from shop.ebooks.models import Entitlement
from shop.order.processing import EventHandler
from shop.payment import stripe_api
from shop.payment.models import Refund
from shop.returns import cancelling
from shop.returns.models import Cancellation
from tests.commit import committed
from tests.factories import BookFactory, UserFactory
from tests.shop.ebooks.helpers import buy

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def reader():
    return UserFactory(email="olive@example.com", first_name="Olive", last_name="Marsh")


@pytest.fixture
def paperback():
    return BookFactory(stockrecord__price="9.00", title="The Weir Keeper")


@pytest.fixture
def ebook():
    return BookFactory(
        format="ebook", stockrecord__price="4.00", stockrecord__stock=None, title="Fenland Notes"
    )


def stripe_refunds(order):
    return stripe_api.client().v1.refunds.list(params={"payment_intent": order.sources.get().reference}).data


def cancel(order, quantities=None, **kwargs):
    kwargs.setdefault("channel", Cancellation.Channel.ACCOUNT)
    with committed():
        return cancelling.cancel(
            order, quantities or {line.pk: line.quantity for line in order.lines.all()}, **kwargs
        )


def dispatch(order, delivered: datetime.datetime | None = None):
    """The warehouse posts the order (and, if given, the carrier delivers it at ``delivered``)."""
    handler = EventHandler()
    lines = list(order.lines.all())
    handler.set_lines_status(order, lines, "Being processed")
    handler.set_lines_status(order, lines, "Shipped")
    if delivered:
        with time_machine.travel(delivered, tick=False):
            handler.record_line_event(order, "Delivered", lines, [line.quantity for line in lines])


@pytest.fixture
def paperback_order(client, localstripe, reader, paperback):
    buy(client, localstripe, reader, paperback, delivery="3.00")
    mail.outbox.clear()
    return Order.objects.get(user=reader)


def test_R_X1_R_P4_a_paperback_not_yet_dispatched_is_cancelled_and_refunded_at_once(paperback_order):
    cancellation = cancel(paperback_order, reason="Changed my mind")

    assert cancellation.status == Cancellation.Status.REFUNDED and cancellation.return_by is None
    refund = cancellation.refund
    # R-X1, T7.5: the price and the delivery, nothing of the order being left to deliver.
    assert refund.status == Refund.Status.SUCCEEDED and refund.amount == Decimal("12.00")
    assert [r.amount for r in stripe_refunds(paperback_order)] == [1200]  # R-P4: the same PaymentIntent
    line = paperback_order.lines.get()
    line.refresh_from_db()
    assert line.status == "Cancelled"
    assert paperback_order.shipping_events.filter(event_type__name="Cancelled by the customer").count() == 1
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("your cancellation" in s for s in subjects) and any("12.00" in s for s in subjects)
    cancelled_email = next(m for m in mail.outbox if "your cancellation" in m.subject)
    assert cancelled_email.alternatives and "The Weir Keeper" in cancelled_email.body


def test_R_X1_a_line_is_not_cancelled_twice(paperback_order):
    cancel(paperback_order)
    with pytest.raises(cancelling.CannotCancel, match="already cancelled"):
        cancel(paperback_order)
    assert Refund.objects.filter(order=paperback_order).count() == 1


def test_R_X2_dispatched_goods_get_a_return_by_date_and_no_refund_yet(paperback_order):
    dispatch(paperback_order)
    with time_machine.travel("2026-12-10 09:00 +0000", tick=False):
        cancellation = cancel(paperback_order)
    assert cancellation.status == Cancellation.Status.AWAITING_RETURN
    assert cancellation.return_by == datetime.date(2026, 12, 24)  # R-X2: 14 days after the notice
    assert cancellation.refund is None and not Refund.objects.filter(order=paperback_order).exists()
    email = next(m for m in mail.outbox if "your cancellation" in m.subject)
    assert "24 December 2026" in email.body and "despatch note" in email.body and "Canal Wharf" in email.body
    assert paperback_order.shipping_events.filter(event_type__name="Return awaited").exists()


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        # Delivered 20 October (summer time); clocks go back on 25 October; day 14 is 3 November.
        ("2026-11-03 23:59 +0000", True),  # 23:59 in London on day 14 (GMT again)
        ("2026-11-04 00:00 +0000", False),  # day 15 has begun in London
    ],
)
def test_R_X1_paperbacks_cancel_until_day_14_after_delivery_london_time(paperback_order, now, allowed):
    dispatch(paperback_order, delivered=datetime.datetime(2026, 10, 20, 22, 30, tzinfo=datetime.UTC))
    # 22:30 UTC on 20 October is 23:30 in London (BST): delivered on the 20th, not the 21st.
    assert cancelling.delivered_on(paperback_order) == datetime.date(2026, 10, 20)
    with time_machine.travel(now, tick=False):
        if allowed:
            assert cancel(paperback_order).status == Cancellation.Status.AWAITING_RETURN
        else:
            with pytest.raises(cancelling.CannotCancel, match="ended on 3 November 2026"):
                cancel(paperback_order)


def test_R_X1_an_admin_records_a_letter_effective_on_the_day_it_was_sent(paperback_order):
    dispatch(paperback_order, delivered=datetime.datetime(2026, 10, 20, 12, tzinfo=datetime.UTC))
    admin = UserFactory(is_staff=True)
    with time_machine.travel("2026-11-06 10:00 +0000", tick=False):  # the letter arrives on day 17
        with pytest.raises(cancelling.CannotCancel):
            cancel(
                paperback_order,
                channel=Cancellation.Channel.LETTER,
                sent_on=datetime.date(2026, 11, 4),
                by=admin,
            )
        cancellation = cancel(
            paperback_order, channel=Cancellation.Channel.LETTER, sent_on=datetime.date(2026, 11, 3), by=admin
        )
    assert cancellation.sent_on == datetime.date(2026, 11, 3) and cancellation.created_by == admin
    assert cancellation.return_by == datetime.date(2026, 11, 17)


@pytest.fixture
def awaited(paperback_order):
    dispatch(paperback_order, delivered=datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC))
    with time_machine.travel("2026-12-03 10:00 +0000", tick=False):
        cancellation = cancel(paperback_order)
    mail.outbox.clear()
    return cancellation


def receive(cancellation, **details):
    details.setdefault("received_on", datetime.date(2026, 12, 9))
    with time_machine.travel("2026-12-09 15:00 +0000", tick=False), committed():
        return cancelling.receive(cancellation, **details)


def test_R_X3_goods_back_as_new_refund_price_and_original_delivery(awaited):
    done = receive(awaited, condition=Cancellation.Condition.AS_NEW)
    assert done.status == Cancellation.Status.REFUNDED
    assert (
        done.return_refund.amount == Decimal("12.00") and done.return_refund.status == Refund.Status.SUCCEEDED
    )
    assert done.refund_due_by == datetime.date(2026, 12, 23)
    line = awaited.order.lines.get()
    assert line.status == "Returned"
    assert awaited.order.shipping_events.filter(event_type__name="Returned goods received").exists()
    email = next(m for m in mail.outbox if "returned books" in m.subject)
    assert "£12.00" in email.body and email.alternatives


def test_R_X3_the_refund_deadline_runs_from_proof_of_posting_if_earlier(awaited):
    with time_machine.travel("2026-12-06 10:00 +0000", tick=False):
        cancelling.record_posting(awaited, datetime.date(2026, 12, 5))
    awaited.refresh_from_db()
    assert awaited.refund_due_by == datetime.date(2026, 12, 19)
    assert list(cancelling.refunds_due()) == [awaited]


def test_R_X3_books_no_longer_as_new_are_refunded_less_a_deduction_with_a_reason(awaited):
    with pytest.raises(cancelling.CannotCancel, match="reason"):
        receive(awaited, condition=Cancellation.Condition.NOT_AS_NEW, deduction=Decimal("2.00"))
    done = receive(
        awaited,
        condition=Cancellation.Condition.NOT_AS_NEW,
        deduction=Decimal("2.00"),
        deduction_reason="The cover is creased",
    )
    assert done.return_refund.amount == Decimal("10.00")
    assert "creased" in done.return_refund.reason
    email = next(m for m in mail.outbox if "returned books" in m.subject)
    assert "creased" in email.body


def test_R_X4_faulty_books_are_refunded_in_full_with_delivery_and_return_postage(
    client, localstripe, reader, paperback
):
    buy(client, localstripe, reader, paperback, BookFactory(stockrecord__price="12.00"), delivery="3.00")
    order = Order.objects.get(user=reader)
    dispatch(order, delivered=datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC))
    faulty_line = order.lines.get(product=paperback)
    with time_machine.travel("2026-12-03 10:00 +0000", tick=False):
        awaited = cancel(order, {faulty_line.pk: 1}, reason="Pages 40 to 72 are blank")
    with pytest.raises(cancelling.CannotCancel, match="faulty"):
        receive(awaited, condition=Cancellation.Condition.AS_NEW, return_postage=Decimal("3.50"))
    done = receive(awaited, condition=Cancellation.Condition.FAULTY, return_postage=Decimal("3.50"))
    # The price, the original delivery (the rest of the order stays) and the postage claimed.
    assert done.return_refund.amount == Decimal("15.50") and done.delivery_refunded == Decimal("3.00")
    assert [r.amount for r in stripe_refunds(order)] == [1550]


@pytest.fixture
def ebook_order(client, localstripe, reader, ebook):
    buy(client, localstripe, reader, ebook)
    mail.outbox.clear()
    # Confirmed on 1 December (London): the tests travel from there.
    placed = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)
    Order.objects.filter(user=reader).update(date_placed=placed)
    Entitlement.objects.filter(user=reader).update(available_from=placed)
    return Order.objects.get(user=reader)


def test_R_X5_an_ebook_is_cancelled_and_refunded_before_its_download(ebook_order):
    with time_machine.travel("2026-12-15 23:00 +0000", tick=False):  # day 14
        cancellation = cancel(ebook_order)
    assert cancellation.status == Cancellation.Status.REFUNDED and cancellation.refund.amount == Decimal(
        "4.00"
    )
    entitlement = Entitlement.objects.get(line__order=ebook_order)
    assert entitlement.revoked_at is not None  # off the shelf


def test_R_X5_no_ebook_cancellation_after_day_14(ebook_order):
    with (
        time_machine.travel("2026-12-16 00:30 +0000", tick=False),
        pytest.raises(cancelling.CannotCancel, match="14 days ended on 15 December 2026"),
    ):
        cancel(ebook_order)


def test_R_X5_the_first_download_ends_the_right_to_cancel_and_not_before(ebook_order):
    entitlement = Entitlement.objects.get(line__order=ebook_order)
    with time_machine.travel("2026-12-02 10:00 +0000", tick=False):
        from shop.ebooks import entitlements

        entitlements.give_consent(entitlement)
        assert cancelling.can_cancel_anything(ebook_order)  # consent alone: still cancellable
        entitlements.start_download(entitlement.pk, entitlement.user, "x.epub")
        assert not cancelling.can_cancel_anything(ebook_order)
        with pytest.raises(cancelling.CannotCancel, match="download has started"):
            cancel(ebook_order)
    assert not Refund.objects.filter(order=ebook_order).exists()


def test_R_X4_faulty_books_can_be_replaced_at_once_by_a_free_order_linked_to_the_original(awaited):
    admin = UserFactory(is_staff=True)
    with committed():
        replacement = cancelling.send_replacement(awaited, by=admin)
    awaited.refresh_from_db()
    assert awaited.status == Cancellation.Status.REPLACED and awaited.replacement == replacement
    assert replacement.total_incl_tax == 0 and replacement.number != awaited.order.number
    assert [(line.title, line.quantity, line.line_price_incl_tax) for line in replacement.lines.all()] == [
        ("The Weir Keeper", 1, Decimal("0.00"))
    ]
    assert awaited.order.number in replacement.notes.get().message
    assert not Refund.objects.filter(order=awaited.order).exists()
    assert any("replacement" in m.subject for m in mail.outbox)
    with pytest.raises(cancelling.CannotCancel):
        cancelling.send_replacement(awaited, by=admin)


def test_R_X7_a_parcel_back_with_duties_refused_is_a_cancellation_refunding_the_books(paperback_order):
    dispatch(paperback_order)
    with committed():
        cancellation = cancelling.record_refused_duties(paperback_order, received_on=datetime.date.today())
    assert (
        cancellation.channel == Cancellation.Channel.DUTIES
        and cancellation.status == Cancellation.Status.REFUNDED
    )
    # The products' price, not the delivery (T9.2), to the original payment (R-P4).
    assert cancellation.return_refund.amount == Decimal("9.00")
    assert [r.amount for r in stripe_refunds(paperback_order)] == [900]
    assert paperback_order.lines.get().status == "Returned"
    assert paperback_order.shipping_events.filter(event_type__name="Returned: import duties refused").exists()
    assert any("import duties were refused" in m.body for m in mail.outbox)
