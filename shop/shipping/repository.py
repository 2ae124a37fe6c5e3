"""Why forked: offer the methods the admins set up for the destination, and none where we
cannot deliver, so a forged checkout request finds no way through (R-D2, R-D3)."""

from oscar.apps.shipping import repository

from . import rules
from .methods import ChargedAtCheckout


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        if shipping_addr is None:
            # The basket page's estimate before an address is known: UK delivery.
            return self.methods_for(basket, rules.UK) or [ChargedAtCheckout()]
        if rules.destination_refusal(basket, shipping_addr):
            return []
        return self.methods_for(basket, rules.country_code(shipping_addr))

    def methods_for(self, basket, code: str) -> list:
        # Oscar asks several times per page (methods, then the default); the basket object
        # lives for one request, so remembering the answer on it keeps nothing between requests.
        remembered = basket.__dict__.setdefault("_delivery_methods", {})
        if code not in remembered:
            remembered[code] = rules.methods_for_country(code)
        return remembered[code]
