"""A realistic starting set of delivery rules (R-D1, R-D2): the demo seeds it, tests use it.

Admins change everything afterwards in the dashboard; this only creates what is missing.
"""

from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

Country = get_model("address", "Country")
WeightBased = get_model("shipping", "WeightBased")
WeightBand = get_model("shipping", "WeightBand")

EUROPE = [
    "AD",
    "AL",
    "AT",
    "AX",
    "BA",
    "BE",
    "BG",
    "BY",
    "CH",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FO",
    "FR",
    "GG",
    "GI",
    "GR",
    "HR",
    "HU",
    "IE",
    "IM",
    "IS",
    "IT",
    "JE",
    "LI",
    "LT",
    "LU",
    "LV",
    "MC",
    "MD",
    "ME",
    "MK",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "RS",
    "SE",
    "SI",
    "SK",
    "SM",
    "UA",
    "VA",
]

D = Decimal
# name: (fields, countries, [(up to kg, charge)])
DEFAULT_METHODS = {
    "UK Standard": (
        dict(
            zone="United Kingdom",
            description="Royal Mail second class, posted the next working day.",
            display_order=10,
            default_weight=D("0.350"),
            free_shipping_threshold=D("25.00"),
            min_days=2,
            max_days=4,
        ),
        ["GB"],
        [(D("1"), D("2.99")), (D("2"), D("3.99")), (D("5"), D("5.99")), (D("10"), D("8.99"))],
    ),
    "UK Tracked": (
        dict(
            zone="United Kingdom",
            description="Tracked and signed for, posted the next working day.",
            display_order=20,
            default_weight=D("0.350"),
            free_shipping_threshold=D("50.00"),
            min_days=1,
            max_days=2,
        ),
        ["GB"],
        [(D("1"), D("4.49")), (D("2"), D("5.49")), (D("5"), D("7.99")), (D("10"), D("10.99"))],
    ),
    "Europe Tracked": (
        dict(
            zone="Europe",
            description="Tracked international post.",
            display_order=30,
            default_weight=D("0.350"),
            free_shipping_threshold=None,
            min_days=4,
            max_days=8,
        ),
        EUROPE,
        [(D("0.5"), D("5.99")), (D("1"), D("8.99")), (D("2"), D("12.99")), (D("5"), D("19.99"))],
    ),
    "Worldwide Tracked": (
        dict(
            zone="Rest of the world",
            description="Tracked international post.",
            display_order=40,
            default_weight=D("0.350"),
            free_shipping_threshold=None,
            serves_rest_of_world=True,
            min_days=7,
            max_days=14,
        ),
        [],
        [(D("0.5"), D("8.99")), (D("1"), D("13.99")), (D("2"), D("21.99")), (D("5"), D("34.99"))],
    ),
}


@transaction.atomic
def install_default_rules() -> int:
    """Create the default methods that do not exist yet (by name); return how many were made."""
    created = 0
    for name, (fields, country_codes, bands) in DEFAULT_METHODS.items():
        method, is_new = WeightBased.objects.get_or_create(name=name, defaults=fields)
        if not is_new:
            continue
        created += 1
        method.countries.set(Country.objects.filter(iso_3166_1_a2__in=country_codes))
        WeightBand.objects.bulk_create(
            WeightBand(method=method, upper_limit=limit, charge=charge) for limit, charge in bands
        )
    return created
