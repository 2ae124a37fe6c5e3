"""Availability messages readers see, and whether a purchase is permitted (R-C2, R-C3)."""

from datetime import date

from django.utils.dateformat import format as format_date
from oscar.apps.partner import availability


class InStock(availability.StockRequired):
    """Stock-tracked goods: buyable while net stock (in stock minus allocated) lasts (R-C2)."""

    @property
    def short_message(self) -> str:
        return "In stock" if self.num_available > 0 else "Out of stock"

    @property
    def message(self) -> str:
        if self.num_available <= 0:
            return "Out of stock"
        if self.num_available <= 5:
            return f"In stock: only {self.num_available} left"
        return "In stock"

    def is_purchase_permitted(self, quantity):
        if self.num_available <= 0:
            return False, "this book is out of stock"
        if quantity > self.num_available:
            return False, f"only {self.num_available} left in stock"
        return True, ""


class PreOrder(InStock):
    """A paperback before publication: reserve a copy of the stock set aside for pre-orders (R-C3)."""

    code = "preorder"

    def __init__(self, num_available: int, publication_date: date):
        super().__init__(num_available)
        self.dispatch_date = publication_date

    @property
    def short_message(self) -> str:
        return f"Pre-order: published {format_date(self.dispatch_date, 'j F')}"

    @property
    def message(self) -> str:
        if self.num_available <= 0:
            return "Pre-orders are full"
        return f"Pre-order: published {format_date(self.dispatch_date, 'j F Y')}"

    def is_purchase_permitted(self, quantity):
        if self.num_available <= 0:
            return False, "all pre-order copies are taken"
        return super().is_purchase_permitted(quantity)


class NotYetPublished(availability.Base):
    """Anything but a paperback before publication: cannot be bought until published (R-C3)."""

    code = "comingsoon"

    def __init__(self, publication_date: date):
        self.dispatch_date = publication_date

    @property
    def message(self) -> str:
        return f"Coming {format_date(self.dispatch_date, 'j F Y')}"

    def is_purchase_permitted(self, quantity):
        return False, f"this title cannot be ordered before {format_date(self.dispatch_date, 'j F Y')}"


class Unlimited(availability.Available):
    """eBooks and plans: no stock to run out of."""

    message = "Available now"
