# The delivery address form lives with the delivery rules (shop/shipping/forms.py).
from shop.shipping.forms import ShippingAddressForm  # noqa: F401
