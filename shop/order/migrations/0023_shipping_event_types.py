"""The shipping events order admins record from the order page: each parcel sent (R-D5)."""

from django.db import migrations

EVENT_TYPES = [("Dispatched", "dispatched"), ("Delivered", "delivered")]


def add_event_types(apps, schema_editor):
    ShippingEventType = apps.get_model("order", "ShippingEventType")
    for name, code in EVENT_TYPES:
        ShippingEventType.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("order", "0022_order_estimated_delivery_estimateddeliveryrevision_and_more")]

    operations = [migrations.RunPython(add_event_types, migrations.RunPython.noop)]
