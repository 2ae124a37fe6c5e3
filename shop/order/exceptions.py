"""Errors raised while placing an order."""


class LinesNoLongerAvailable(Exception):
    """Some basket lines could not be allocated when the order was placed (R-C2)."""

    def __init__(self, titles):
        self.titles = list(titles)
        super().__init__("No longer available: " + ", ".join(self.titles))
