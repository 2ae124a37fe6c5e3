# The delivery steps live with the delivery rules (shop/shipping/checkout_views.py).
from shop.shipping.checkout_views import ShippingAddressView, ShippingMethodView  # noqa: F401
