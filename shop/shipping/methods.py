"""Why forked: a stand-in for the basket page while no UK delivery method is set up yet."""

from decimal import Decimal

from oscar.apps.shipping.methods import *  # noqa: F403
from oscar.apps.shipping.methods import Base
from oscar.core import prices


class ChargedAtCheckout(Base):
    """The basket's estimate when admins have set no UK method: nothing to add yet."""

    code = "charged-at-checkout"
    name = "Delivery (worked out at checkout)"

    def calculate(self, basket):
        return prices.Price(currency=basket.currency, excl_tax=Decimal("0.00"), incl_tax=Decimal("0.00"))
