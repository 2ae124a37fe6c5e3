"""Shipping fork: Oscar's weight-based methods, plus what a UK bookshop's delivery rules need.

A method serves the countries listed on it, or, if it serves the rest of the world, every
destination no other active method lists. Charges come from Oscar's weight bands, weighing
only the goods that need posting; a threshold makes delivery free (R-D1, R-D2). Admins edit
all of it in the Oscar dashboard under Shipping.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from oscar.apps.shipping.abstract_models import AbstractWeightBased
from oscar.core import prices


class WeightBased(AbstractWeightBased):
    zone = models.CharField(
        max_length=64,
        default="United Kingdom",
        help_text="The zone this method belongs to, as readers see it, e.g. 'United Kingdom', 'Europe'.",
    )
    serves_rest_of_world = models.BooleanField(
        "Serves the rest of the world",
        default=False,
        help_text="Deliver to every country that is not blocked and that no other method lists.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Offered at checkout and listed on the delivery page."
    )
    free_shipping_threshold = models.DecimalField(
        "Free delivery from",
        decimal_places=2,
        max_digits=12,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Delivery is free when the goods to be posted cost at least this much (VAT included).",
    )
    min_days = models.PositiveSmallIntegerField(
        "Fastest delivery (working days)", default=2, help_text="Working days after dispatch."
    )
    max_days = models.PositiveSmallIntegerField(
        "Slowest delivery (working days)",
        default=4,
        help_text="Working days after dispatch; the estimated delivery date uses this figure.",
    )
    display_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    class Meta(AbstractWeightBased.Meta):
        ordering = ["display_order", "name"]

    def calculate(self, basket):
        """The charge for this basket: free above the threshold, else by the weight of posted goods."""
        from .rules import physical_goods_value

        if self.free_shipping_threshold is not None and (
            physical_goods_value(basket) >= self.free_shipping_threshold
        ):
            return prices.Price(currency=basket.currency, excl_tax=Decimal("0.00"), incl_tax=Decimal("0.00"))
        return super().calculate(basket)

    def get_charge(self, weight):
        """Oscar's banding ("as many top-band parcels as needed"), from the bands already loaded."""
        weight = Decimal(weight)
        bands = sorted(self.bands.all(), key=lambda band: band.upper_limit)
        if not bands:
            return Decimal("0.00")
        top = bands[-1]

        def band_for(amount):
            return next(band for band in bands if band.upper_limit >= amount)

        if weight <= top.upper_limit:
            return band_for(weight).charge
        parcels, rest = divmod(weight, top.upper_limit)
        return parcels * top.charge + (band_for(rest).charge if rest else Decimal("0.00"))

    @property
    def typical_days(self) -> str:
        if self.min_days == self.max_days:
            return f"{self.max_days} working day{'s' if self.max_days != 1 else ''}"
        return f"{self.min_days} to {self.max_days} working days"


from oscar.apps.shipping.models import *
