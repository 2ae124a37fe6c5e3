"""What closing an account does to baskets (R-A3); registered by BasketConfig.ready()."""

from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")


def erase_baskets(user) -> None:
    """Open baskets go; submitted ones stay with their orders, no longer linked to the customer."""
    Basket.objects.filter(owner=user).exclude(status=Basket.SUBMITTED).delete()
    Basket.objects.filter(owner=user).update(owner=None)
