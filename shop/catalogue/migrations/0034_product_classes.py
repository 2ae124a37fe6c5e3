"""The kinds of goods the club sells, with their shipping, stock and VAT rules (R-C1, R-C3, R-C4)."""

from decimal import Decimal

from django.db import migrations

PRODUCT_CLASSES = [
    # name, slug, requires_shipping, track_stock, vat_rate, allows_preorder
    ("Paperback", "paperback", True, True, Decimal("0.000"), True),
    ("eBook", "ebook", False, False, Decimal("0.000"), False),
    ("Subscription plan", "subscription-plan", False, False, Decimal("0.000"), False),
    ("Gift and stationery", "gift", True, True, Decimal("0.200"), False),
]


def create_product_classes(apps, schema_editor):
    ProductClass = apps.get_model("catalogue", "ProductClass")
    for name, slug, shipping, stock, vat_rate, preorder in PRODUCT_CLASSES:
        ProductClass.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "requires_shipping": shipping,
                "track_stock": stock,
                "vat_rate": vat_rate,
                "allows_preorder": preorder,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0033_books")]

    operations = [migrations.RunPython(create_product_classes, migrations.RunPython.noop)]
