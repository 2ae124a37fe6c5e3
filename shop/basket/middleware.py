from oscar.apps.basket.middleware import BasketMiddleware as OscarBasketMiddleware
from oscar.core.loading import get_class

Applicator = get_class("offer.applicator", "Applicator")


class BasketMiddleware(OscarBasketMiddleware):
    def apply_offers_to_basket(self, request, basket):
        # Why: keep the offers found here, so the basket page's upsell messages do not
        # look them all up a second time (shop.basket.views.BasketView).
        request.available_offers = []
        if not basket.is_empty:
            applicator = Applicator()
            request.available_offers = list(applicator.get_offers(basket, request.user, request))
            applicator.apply_offers(basket, request.available_offers)
