"""Sending the emails about orders, each once, from tasks (R-L5, R-P4, R-X6).

The row that decides "already sent" is locked while the email goes, and the record is
written in the same transaction: a task run twice, or retried after a failed send, emails the
customer once.
"""

import logging

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from durable import once
from shop.payment.models import Refund

logger = logging.getLogger(__name__)

CONFIRMATION = "order-confirmation"  # the receipt's kind (durable.once)

Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")


@transaction.atomic
def send_order_confirmation(order_id: int) -> bool:
    """R-L5: the Order Confirmation, sent once payment is received, and never twice.

    Oscar's dispatcher records the CommunicationEvent on the order (and the Email, for a
    customer with an account): that event is the proof it was sent. The receipt (unique by
    order) makes a second run wait for the first and then send nothing, on any database; if the
    send fails, the receipt rolls back with it and the retry sends."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.communication_events.filter(event_type__code=OrderDispatcher.ORDER_PLACED_EVENT_CODE).exists():
        return False
    if not once(CONFIRMATION, order.number):
        return False
    OrderDispatcher(logger=logger).send_order_placed_email(order)
    return True


@transaction.atomic
def send_refund_email(refund_id: int) -> bool:
    """R-P4, R-X6: tell the customer about a refund that went through, once.

    An order's refund is recorded in its communication history; the refund of a payment whose
    order could not be placed has no order, so ``Refund.customer_emailed_at`` is its record."""
    refund = (
        Refund.objects.select_for_update(of=("self",))
        .select_related("order", "checkout_payment__user")
        .get(pk=refund_id)
    )
    if refund.customer_emailed_at or refund.status != Refund.Status.SUCCEEDED:
        return False
    dispatcher = OrderDispatcher(logger=logger)
    if refund.order_id:
        dispatcher.send_order_refunded_email(refund)
    else:
        dispatcher.send_order_not_placed_email(refund)
    refund.customer_emailed_at = timezone.now()
    refund.save(update_fields=["customer_emailed_at"])
    return True
