"""What the order app hears from the layers below it; each receiver calls one rule."""

from oscar.core.loading import get_class

from shop.payment import signals as payment_signals


def refund_succeeded(sender, refund, **kwargs):
    get_class("order.processing", "EventHandler")(refund.created_by).handle_refund_succeeded(refund)


def connect() -> None:
    payment_signals.refund_succeeded.connect(refund_succeeded, dispatch_uid="order-refund-succeeded")
