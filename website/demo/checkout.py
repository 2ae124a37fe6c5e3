"""Demo data the checkout needs: somewhere to deliver to.

The delivery rules (countries, blocked destinations, charges) belong to the delivery work; until
they exist the demo ships to the UK only, so a paperback can be bought end to end.
"""

from oscar.core.loading import get_model


def seed_checkout() -> int:
    """Make the UK a shipping country when no country is; returns the number of rows created."""
    Country = get_model("address", "Country")
    if Country.objects.filter(is_shipping_country=True).exists():
        return 0
    _, created = Country.objects.update_or_create(
        iso_3166_1_a2="GB",
        defaults={
            "iso_3166_1_a3": "GBR",
            "iso_3166_1_numeric": "826",
            "printable_name": "United Kingdom",
            "name": "United Kingdom of Great Britain and Northern Ireland",
            "is_shipping_country": True,
        },
    )
    return int(created)
