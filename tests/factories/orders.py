"""Baskets and orders for tests, placed through our own OrderCreator (shop.order.utils)."""

from oscar.core.loading import get_class, get_model

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")


def make_basket(*items, owner=None):
    """A basket holding (product, quantity) pairs, or products (one each)."""
    basket = Basket.objects.create(owner=owner)
    basket.strategy = Selector().strategy()
    for item in items:
        product, quantity = item if isinstance(item, tuple) else (item, 1)
        basket.add_product(product, quantity)
    return reload_basket(basket)


def reload_basket(basket):
    fresh = Basket.objects.get(pk=basket.pk)
    fresh.strategy = Selector().strategy()
    return fresh


def shipping_address(country="GB", **fields):
    data = dict(first_name="Sam", last_name="Reader", line1="1 High Street", line4="Bath", postcode="BA1 1AA")
    data.update(fields)
    return ShippingAddress(country=Country.objects.get(iso_3166_1_a2=country), **data)


def place_order(basket, *, address=None, method=None, user=None, **kwargs):
    """Place the basket as checkout would: the first method the repository offers for the address."""
    if address is None and basket.is_shipping_required():
        address = shipping_address()
    if method is None:
        method = Repository().get_shipping_methods(basket, shipping_addr=address)[0]
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    if address is not None and address.pk is None:
        address.save()
    return OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=charge,
        user=user or basket.owner,
        shipping_address=address,
        **kwargs,
    )
