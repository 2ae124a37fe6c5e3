"""What payment tells the layers above it, which connect their receivers in ready()."""

from django.dispatch import Signal

# Sent inside the transaction that marks a refund done at Stripe, with ``refund``. The order
# app records what it means for the order and tells the customer (shop.order.receivers).
refund_succeeded = Signal()
