"""What the sweep (``manage.py sweep_tasks``) finds owed: paid orders with no confirmation.

An order is placed only once its payment succeeded, so every placed order is a paid one; its
Order Confirmation forms the contract (R-L5). One whose confirmation is not recorded (its task
lost, or given up before this sweep existed) gets a durable task, unless it has one already.
"""

from datetime import timedelta

from django.utils import timezone
from oscar.core.loading import get_class

from shop.order.tasks import send_order_confirmation_task
from shop.payment.models import CheckoutPayment

OrderDispatcher = get_class("order.utils", "OrderDispatcher")

# Younger than this, its own task is still on the way; older than the window, it is history.
SETTLING = timedelta(minutes=2)
WINDOW = timedelta(days=14)


def unconfirmed_paid_orders(now=None) -> int:
    now = now or timezone.now()
    owed = (
        CheckoutPayment.objects.filter(
            status=CheckoutPayment.Status.PLACED,
            order__isnull=False,
            order__date_placed__lte=now - SETTLING,
            order__date_placed__gte=now - WINDOW,
        )
        .exclude(order__communication_events__event_type__code=OrderDispatcher.ORDER_PLACED_EVENT_CODE)
        .values_list("order_id", flat=True)
    )
    return sum(send_order_confirmation_task.ensure(order_id)[1] for order_id in owed)
