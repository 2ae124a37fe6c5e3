"""Buying as a signed-in reader, for the eBook and returns tests."""

from decimal import Decimal

from django.urls import reverse
from oscar.core.loading import get_model

from tests.shop.checkout.helpers import (
    UK_ADDRESS,
    add_to_basket,
    card_payment_method,
    choose_delivery_method,
    place_order,
    uk_shipping_country,
)

WeightBand = get_model("shipping", "WeightBand")


def buy(client, localstripe, user, *products, delivery: str = "0.00"):
    """A signed-in reader buys ``products`` by card, paying ``delivery`` for a UK parcel;
    returns the response to "Pay"."""
    client.force_login(user)
    for product in products:
        add_to_basket(client, product)
    if any(p.get_product_class().requires_shipping for p in products):
        uk_shipping_country()
        WeightBand.objects.filter(method__name="UK Free (tests)").update(charge=Decimal(delivery))
        client.post(reverse("checkout:shipping-address"), UK_ADDRESS)
    choose_delivery_method(client)
    client.post(
        reverse("checkout:preview"),
        {"payment_method_id": card_payment_method(localstripe, "4242424242424242")},
    )
    return place_order(client)
