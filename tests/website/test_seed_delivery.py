"""The demo's delivery rules: seeded once, idempotent (R-D1, R-D2)."""

from oscar.core.loading import get_model

from website.demo.delivery import seed_delivery

WeightBased = get_model("shipping", "WeightBased")
WeightBand = get_model("shipping", "WeightBand")
Country = get_model("address", "Country")


def test_R_D1_the_demo_seeds_uk_and_international_delivery_once(db):
    assert seed_delivery() == 4
    assert seed_delivery() == 0
    assert list(WeightBased.objects.values_list("zone", flat=True)) == [
        "United Kingdom",
        "United Kingdom",
        "Europe",
        "Rest of the world",
    ]
    assert WeightBand.objects.count() == 16
    assert set(Country.objects.filter(is_shipping_country=False).values_list("pk", flat=True)) == {
        "NG",
        "SO",
        "ZW",
    }
