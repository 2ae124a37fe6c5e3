"""A customer's orders in their data export, and what closing the account does to them (R-A3).

Registered with legal.privacy.personal_data by OrderConfig.ready().
"""

from oscar.core.loading import get_model

from legal.privacy.personal_data import REMOVED, plain

Order = get_model("order", "Order")

ORDER_ADDRESS_FIELDS_ERASED = (
    "title",
    "first_name",
    "last_name",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
)


def _address(address) -> dict | None:
    if address is None:
        return None
    return plain(address, exclude={"id"}) | {"country": address.country.printable_name}


def export_orders(user) -> list[dict]:
    orders = (
        Order.objects.filter(user=user)
        .select_related("shipping_address__country", "billing_address__country")
        .prefetch_related("lines")
        .order_by("date_placed")
    )
    result = []
    for order in orders:
        entry = plain(order, exclude={"id", "user", "basket", "site", "shipping_address", "billing_address"})
        entry["shipping_address"] = _address(order.shipping_address)
        entry["billing_address"] = _address(order.billing_address)
        entry["lines"] = [
            plain(line, exclude={"id", "order", "partner", "stockrecord", "product"})
            for line in order.lines.all()
        ]
        result.append(entry)
    return result


def _anonymise_address(address) -> None:
    if address is None:
        return
    for name in ORDER_ADDRESS_FIELDS_ERASED:
        setattr(address, name, "")
    address.line1 = REMOVED
    if hasattr(address, "phone_number"):
        address.phone_number = ""
        address.notes = ""
    address.save()  # recomputes the search text from the blanked fields


def anonymise_orders(user) -> None:
    """Orders stay (sales records are kept six years) but no longer say whose they were; the
    delivery country stays, for VAT."""
    for order in Order.objects.filter(user=user).select_related("shipping_address", "billing_address"):
        _anonymise_address(order.shipping_address)
        _anonymise_address(order.billing_address)
        order.user = None
        order.guest_email = ""
        order.save(update_fields=["user", "guest_email"])
