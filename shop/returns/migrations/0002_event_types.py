"""The shipping event types of a cancellation's steps and its two emails, each named once.

Code refers to them by the constants in shop/returns/cancelling.py and shop/returns/emails.py.
The email templates stay empty here: the files under templates/oscar/communication/emails/ are
used until an admin edits them in the dashboard."""

from django.db import migrations

SHIPPING_EVENT_TYPES = [
    ("Cancelled by the customer", "cancelled-by-customer"),
    ("Return awaited", "return-awaited"),
    ("Returned goods received", "returned-goods-received"),
    ("Replacement sent", "replacement-sent"),
    ("Returned: import duties refused", "returned-duties-refused"),
]
EMAILS = [
    ("ORDER_CANCELLED", "Cancellation received"),
    ("ORDER_RETURN_RECEIVED", "Returned books received"),
]


def add_event_types(apps, schema_editor):
    ShippingEventType = apps.get_model("order", "ShippingEventType")
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    for name, code in SHIPPING_EVENT_TYPES:
        ShippingEventType.objects.get_or_create(code=code, defaults={"name": name})
    for code, name in EMAILS:
        CommunicationEventType.objects.get_or_create(code=code, defaults={"name": name, "category": "Order related"})


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_initial"),
        ("order", "0025_event_types"),
        ("communication", "0004_auto_20200801_0817"),
    ]

    operations = [migrations.RunPython(add_event_types, migrations.RunPython.noop)]
