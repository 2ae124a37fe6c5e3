"""The shop's one pricing and availability strategy (Oscar looks for it here).

Prices are entered VAT-inclusive, as UK shops show them; the VAT they contain is worked out
at the product class's rate (R-C4). Availability follows stock and publication date (R-C2, R-C3).
"""

from decimal import ROUND_HALF_UP, Decimal

from oscar.apps.partner import availability as oscar_availability
from oscar.apps.partner import prices, strategy

from . import availability

PENNY = Decimal("0.01")


def split_vat(price_incl_vat: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(excl. VAT, VAT) contained in a VAT-inclusive price, rounded to the penny (R-C4)."""
    excl = (price_incl_vat / (1 + rate)).quantize(PENNY, rounding=ROUND_HALF_UP)
    return excl, price_incl_vat - excl


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return BookshopStrategy(request)


class VATInclusivePricing:
    def pricing_policy(self, product, stockrecord):
        if not stockrecord or stockrecord.price is None:
            return prices.Unavailable()
        excl, vat = split_vat(stockrecord.price, product.get_product_class().vat_rate)
        return prices.TaxInclusiveFixedPrice(currency=stockrecord.price_currency, excl_tax=excl, tax=vat)

    def parent_pricing_policy(self, product, children_stock):
        # We sell no parent products (formats are stand-alone products).
        return prices.Unavailable()


class PublicationAwareAvailability:
    def availability_policy(self, product, stockrecord):
        if not stockrecord:
            return oscar_availability.Unavailable()
        product_class = product.get_product_class()
        if not product.is_published():
            if product_class.allows_preorder:
                return availability.PreOrder(stockrecord.net_stock_level, product.publication_date)
            return availability.NotYetPublished(product.publication_date)
        if not product_class.track_stock:
            return availability.Unlimited()
        return availability.InStock(stockrecord.net_stock_level)

    def parent_availability_policy(self, product, children_stock):
        return oscar_availability.Unavailable()


class BookshopStrategy(
    strategy.UseFirstStockRecord,
    PublicationAwareAvailability,
    VATInclusivePricing,
    strategy.Structured,
):
    pass
