"""Every ISO country, the UK first; Nigeria, Somalia and Zimbabwe blocked to begin with (R-D2).

Admins change the blocked list later in the dashboard (Shipping > Blocked destinations).
"""

from django.db import migrations

INITIALLY_BLOCKED = {"NG", "SO", "ZW"}


def add_countries(apps, schema_editor):
    from shop.shipping.countries import COUNTRIES

    Country = apps.get_model("address", "Country")
    existing = set(Country.objects.values_list("iso_3166_1_a2", flat=True))
    Country.objects.bulk_create(
        Country(
            iso_3166_1_a2=code,
            printable_name=name,
            name=name,
            display_order=100 if code == "GB" else 0,  # highest first
            is_shipping_country=code not in INITIALLY_BLOCKED,
        )
        for code, name in COUNTRIES
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0004_delivery_rules"),
        ("address", "0007_useraddress_code"),
    ]

    operations = [migrations.RunPython(add_countries, migrations.RunPython.noop)]
