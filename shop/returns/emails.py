"""The emails of a cancellation's steps, through Oscar's communication app, each once."""

import logging

from django.conf import settings
from django.db import transaction
from oscar.core.loading import get_class

from shop.returns.models import Cancellation

logger = logging.getLogger(__name__)

OrderDispatcher = get_class("order.utils", "OrderDispatcher")
order_status_url = get_class("order.utils", "order_status_url")

# Communication event types, created by migration returns/0002.
CODES = {"received": "ORDER_CANCELLED", "returned": "ORDER_RETURN_RECEIVED"}


@transaction.atomic
def send_cancellation_email(cancellation_id: int, step: str) -> bool:
    """Tell the customer what their cancellation means now: what is refunded at once, what to
    send back, where and by when (R-X1, R-X2); or the goods received and the refund (R-X3, R-X4)."""
    cancellation = Cancellation.objects.select_for_update().select_related("order").get(pk=cancellation_id)
    code = CODES[step]
    order = cancellation.order
    if step in cancellation.emailed:
        return False
    context = {
        "order": order,
        "cancellation": cancellation,
        "lines": list(cancellation.lines.select_related("line")),
        "returns_address": settings.RETURNS_ADDRESS,
        "status_url": order_status_url(order),
    }
    dispatcher = OrderDispatcher(logger=logger)
    messages = dispatcher.dispatcher.get_messages(code, context)
    dispatcher.dispatch_order_messages(order, messages, code)
    cancellation.emailed = [*cancellation.emailed, step]
    cancellation.save(update_fields=["emailed"])
    return True
