"""What the returns app hears from payment: a refund Stripe made settles its cancellation."""

from shop.payment import signals as payment_signals
from shop.returns import cancelling


def refund_succeeded(sender, refund, **kwargs):
    cancelling.refund_made(refund)


def connect() -> None:
    payment_signals.refund_succeeded.connect(refund_succeeded, dispatch_uid="returns-refund-succeeded")
