"""Where we deliver and what it costs: the delivery rules as plain functions (R-D1..R-D4).

The rules themselves (methods, zones, bands, thresholds, blocked countries) are rows that
order admins edit in the dashboard; these functions only read them.
"""

from decimal import Decimal

from django.core.cache import cache
from oscar.core.loading import get_model

from shop.generations import Generation

Country = get_model("address", "Country")
WeightBased = get_model("shipping", "WeightBased")

UK = "GB"
SUBSCRIPTION_PLAN_CLASS = "subscription-plan"


def country_code(country) -> str:
    """An ISO 3166-1 alpha-2 code from a Country, an address, or a code."""
    if country is None:
        return ""
    if hasattr(country, "country_id"):  # an address
        return country.country_id or ""
    return getattr(country, "iso_3166_1_a2", country) or ""


def is_international(country) -> bool:
    """True for a destination outside the UK: import duties and taxes are the customer's (R-D2)."""
    code = country_code(country)
    return bool(code) and code.upper() != UK


def blocked_countries():
    """Countries we do not deliver to, edited by order admins (R-D2)."""
    return Country.objects.filter(is_shipping_country=False).order_by("printable_name")


def is_blocked(country) -> bool:
    return not Country.objects.filter(iso_3166_1_a2=country_code(country), is_shipping_country=True).exists()


def basket_has_subscription_plan(basket) -> bool:
    return any(
        line.product.get_product_class().slug == SUBSCRIPTION_PLAN_CLASS for line in basket.all_lines()
    )


def physical_lines(basket) -> list:
    """The lines that need posting: eBooks and plans travel by no post (R-D4)."""
    return [line for line in basket.all_lines() if line.product.is_shipping_required]


def physical_goods_value(basket) -> Decimal:
    """What the goods to be posted cost, VAT and discounts included: free-delivery thresholds use it."""
    return sum(
        (line.line_price_incl_tax_incl_discounts or Decimal("0.00") for line in physical_lines(basket)),
        Decimal("0.00"),
    )


def destination_refusal(basket, country) -> str:
    """Why this basket cannot be sent to this country, or "" if it can (R-D2, R-D3)."""
    code = country_code(country)
    if not code or is_blocked(code):
        return "Sorry, we cannot deliver to that country. Please choose another delivery address."
    if basket is not None and code != UK and basket_has_subscription_plan(basket):
        return (
            "Subscription plans are delivered to UK addresses only. Please choose a UK delivery "
            "address, or remove the plan from your basket."
        )
    return ""


def active_methods():
    return WeightBased.objects.filter(is_active=True).prefetch_related("countries", "bands")


def methods_for_country(country) -> list:
    """Active methods delivering to a country: those that list it, else the rest-of-world ones."""
    code = country_code(country) or UK
    methods = list(active_methods())
    listed = [m for m in methods if any(c.iso_3166_1_a2 == code for c in m.countries.all())]
    if listed:
        return listed
    if code == UK:
        return []
    return [m for m in methods if m.serves_rest_of_world]


def band_table(method) -> list[dict]:
    """The weight bands of a method as (from, to, charge) rows, lightest first (R-D1)."""
    bands = sorted(method.bands.all(), key=lambda band: band.upper_limit)
    rows, lower = [], Decimal("0.000")
    for band in bands:
        rows.append({"weight_from": lower, "weight_to": band.upper_limit, "charge": band.charge})
        lower = band.upper_limit
    return rows


def delivery_zones() -> list[dict]:
    """The live rules grouped by zone, for the public delivery page (R-D1)."""
    zones: dict[str, dict] = {}
    for method in active_methods().order_by("display_order", "name"):
        zone = zones.setdefault(method.zone, {"name": method.zone, "methods": [], "countries": []})
        zone["methods"].append({"method": method, "bands": band_table(method)})
        if method.serves_rest_of_world:
            zone["rest_of_world"] = True
        for country in method.countries.all():
            if country not in zone["countries"]:
                zone["countries"].append(country)
    for zone in zones.values():
        zone["countries"].sort(key=lambda country: country.printable_name)
    return list(zones.values())


# The delivery rules' generation: saving a method, its bands or its countries starts a new one
# (ShippingConfig.ready), so a cached method never outlives a change.
METHODS = Generation("shipping:methods:generation")
METHOD_SECONDS = 5 * 60


def first_uk_method():
    """The first active UK method, as the basket offers it (the book page's delivery line):
    from the shared cache, one query when the rules changed lately."""
    key = f"shipping:first-uk:{METHODS.current()}"
    found = cache.get(key)
    if found is None:
        method = (
            WeightBased.objects.filter(is_active=True, countries__iso_3166_1_a2=UK)
            .order_by("display_order", "name")
            .first()
        )
        found = (method,)  # a tuple, so "no method" is cached too
        cache.set(key, found, METHOD_SECONDS)
    return found[0]


def forget_methods(**kwargs) -> None:
    METHODS.bump()
