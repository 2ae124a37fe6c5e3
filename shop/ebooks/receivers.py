"""What the eBooks app hears: orders placed (Oscar's signal) and refunds made (payment's)."""

from oscar.apps.order.signals import order_placed

from shop.ebooks import entitlements
from shop.payment import signals as payment_signals
from shop.payment.models import Refund


def put_on_shelf(sender, order, **kwargs):
    """R-E1: a placed order's eBooks are on the customer's shelf at once."""
    entitlements.grant_for_order(order)


def refund_succeeded(sender, refund, **kwargs):
    """A refunded eBook line leaves the shelf: its links stop working."""
    if not refund.order_id:
        return
    if refund.kind == Refund.Kind.ORDER:
        lines = list(refund.order.lines.all())
    elif refund.line_quantities:
        lines = list(refund.order.lines.filter(pk__in=[int(pk) for pk in refund.line_quantities]))
    else:
        return
    entitlements.revoke(lines, f"Refunded: {refund.reason}")


def connect() -> None:
    order_placed.connect(put_on_shelf, dispatch_uid="ebooks-put-on-shelf")
    payment_signals.refund_succeeded.connect(refund_succeeded, dispatch_uid="ebooks-refund-succeeded")
