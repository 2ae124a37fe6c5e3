"""Why forked: a mixed basket is charged delivery on its physical goods only (R-D4)."""

from decimal import Decimal

from oscar.apps.shipping.scales import Scale as OscarScale


class Scale(OscarScale):
    def weigh_product(self, product):
        if not product.is_shipping_required:
            return Decimal("0.000")
        return super().weigh_product(product)
