"""Order admins at work on a placed order: parcels (R-D5) and price corrections (R-C5)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import corrections
from shop.shipping.defaults import install_default_rules
from tests.factories import BookFactory, UserFactory
from tests.factories.orders import make_basket, place_order

LinePriceCorrection = get_model("order", "LinePriceCorrection")
PaymentEvent = get_model("order", "PaymentEvent")
ShippingEvent = get_model("order", "ShippingEvent")


@pytest.fixture
def admin_client(client, db):
    install_default_rules()
    client.force_login(UserFactory(order_admin=True))
    return client


@pytest.fixture
def order(db):
    install_default_rules()
    first = BookFactory(stockrecord__price="5.99")
    second = BookFactory(stockrecord__price="6.99")
    return place_order(make_basket((first, 2), second, owner=UserFactory()))


def post_lines(client, order, action, quantities: dict, **extra):
    data = {"line_action": action, "selected_line": [], **extra}
    for line, quantity in quantities.items():
        data["selected_line"].append(line.pk)
        data[f"selected_line_qty_{line.pk}"] = quantity
    return client.post(reverse("dashboard:order-detail", kwargs={"number": order.number}), data)


def test_R_D5_an_order_sent_in_three_parcels_costs_no_extra_delivery(admin_client, order):
    charged = (order.total_incl_tax, order.shipping_incl_tax)
    assert order.shipping_incl_tax == Decimal("3.99")  # three paperbacks, 1.05 kg: one UK Standard charge
    first, second = order.lines.order_by("pk")

    post_lines(
        admin_client,
        order,
        "create_shipping_event",
        {first: 1},
        shipping_event_type="dispatched",
        reference="",
    )
    post_lines(
        admin_client,
        order,
        "create_shipping_event",
        {second: 1},
        shipping_event_type="dispatched",
        reference="",
    )
    post_lines(
        admin_client,
        order,
        "create_shipping_event",
        {first: 1},
        shipping_event_type="dispatched",
        reference="P3",
    )

    events = ShippingEvent.objects.filter(order=order)
    assert events.count() == 3
    carried = {
        (event.pk, line.line.title, line.quantity) for event in events for line in event.line_quantities.all()
    }
    assert len(carried) == 3
    order.refresh_from_db()
    assert (order.total_incl_tax, order.shipping_incl_tax) == charged
    assert not PaymentEvent.objects.filter(order=order).exists()


def test_R_D5_a_line_cannot_be_sent_more_times_than_it_was_ordered(admin_client, order):
    _, second = order.lines.order_by("pk")
    post_lines(
        admin_client,
        order,
        "create_shipping_event",
        {second: 1},
        shipping_event_type="dispatched",
        reference="",
    )
    post_lines(
        admin_client,
        order,
        "create_shipping_event",
        {second: 1},
        shipping_event_type="dispatched",
        reference="",
    )
    assert ShippingEvent.objects.filter(order=order).count() == 1


def test_R_C5_an_admin_corrects_an_overcharged_line_from_the_order_page(admin_client, order):
    line = order.lines.get(quantity=2)
    total_before = order.total_incl_tax
    response = admin_client.post(
        reverse("dashboard:order-detail", kwargs={"number": order.number}),
        {
            "order_action": "correct_line_price",
            "line": line.pk,
            "new_unit_price": "4.99",
            "reason": "Wrong RRP",
        },
        follow=True,
    )
    # This order was not paid by card through Stripe: the price is corrected, the refund waits.
    assert "not refunded" in response.content.decode() and "Refund pending" in response.content.decode()

    correction = LinePriceCorrection.objects.get()
    assert correction.old_unit_price_incl_tax == Decimal("5.99")
    assert correction.new_unit_price_incl_tax == Decimal("4.99")
    assert correction.refund_amount == Decimal("2.00")
    assert correction.refund_status == LinePriceCorrection.REFUND_PENDING
    assert correction.corrected_by.is_staff and correction.reason == "Wrong RRP"
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.unit_price_incl_tax == Decimal("4.99") and line.line_price_incl_tax == Decimal("9.98")
    assert order.total_incl_tax == total_before - Decimal("2.00")


@pytest.mark.parametrize(("new_price", "why"), [("5.99", "lower"), ("6.50", "lower"), ("-1", "negative")])
def test_R_C5_a_correction_must_lower_the_price_and_never_below_zero(order, new_price, why):
    line = order.lines.get(quantity=2)
    with pytest.raises(ValidationError, match=why):
        corrections.correct_line_price(line, new_unit_price=Decimal(new_price), reason="Check")
    assert not LinePriceCorrection.objects.exists()


def test_R_C5_a_refunded_correction_gets_its_payment_event_from_the_event_handler(order):
    """The one payment-event mechanism: when the refund of a correction has been made, the order's
    EventHandler records a "Refunded" payment event and marks the correction refunded."""
    from shop.order.processing import REFUNDED, EventHandler
    from shop.payment.models import Refund

    line = order.lines.get(quantity=2)
    correction = corrections.correct_line_price(
        line, new_unit_price=Decimal("0"), reason="Free copy promised"
    )
    correction.refund = Refund.objects.create(
        order=order,
        kind=Refund.Kind.AMOUNT,
        amount=correction.refund_amount,
        reason="Free copy promised",
        status=Refund.Status.SUCCEEDED,
        stripe_refund_id="re_test",
    )
    correction.save(update_fields=["refund"])

    EventHandler().handle_refund_succeeded(correction.refund)

    correction.refresh_from_db()
    assert correction.refund_status == LinePriceCorrection.REFUNDED
    event = correction.payment_event
    assert (
        event.event_type.name == REFUNDED
        and event.amount == Decimal("11.98")
        and event.reference == "re_test"
    )
    assert list(order.payment_events.values_list("event_type__name", flat=True)) == [REFUNDED]
