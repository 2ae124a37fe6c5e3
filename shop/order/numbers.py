"""Order numbers: handed out once, never again (issue 10).

Oscar numbered an order 100000 + its basket's id, and checkout reserves the number before
paying. So a payment refunded before its order could be placed (the basket changed during
3-D Secure) had told the customer "order 100015 could not be completed", and the next checkout
of the same basket placed a real order 100015. Numbers now come from the OrderNumber table's
sequence; the reservation of a refunded payment stays taken.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.order.models import OrderNumber


def new_number(basket=None) -> str:
    """A number never handed out before, for an order placed at once (not through a payment)."""
    return str(OrderNumber.objects.create(basket=basket, ended_at=timezone.now()).number)


def reserve(basket, *, attempt: str) -> str:
    """The number of this payment attempt: the one already reserved for the same basket and
    ``attempt`` (a second press of "Pay") while it has not ended, else a new one."""
    for _ in range(2):
        reserved = OrderNumber.objects.filter(basket=basket, attempt=attempt, ended_at__isnull=True).first()
        if reserved is not None:
            return str(reserved.number)
        try:
            with transaction.atomic():
                return str(OrderNumber.objects.create(basket=basket, attempt=attempt).number)
        except IntegrityError:  # the other press reserved it a moment ago: take that one
            continue
    raise RuntimeError(f"Could not reserve an order number for basket {basket.pk}")


def end(number: str) -> None:
    """The attempt holding ``number`` is over (its order placed, or its payment refunded): the
    number stays taken, and the basket's next attempt gets a new one."""
    if number.isdigit():
        OrderNumber.objects.filter(number=int(number), ended_at__isnull=True).update(ended_at=timezone.now())
