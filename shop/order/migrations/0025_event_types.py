"""The payment event types and the order emails, each named once (R-L5, R-P4, R-D6).

Code refers to them by the constants in shop/order/processing.py (payment events) and on
shop.order.utils.OrderDispatcher (email event codes). A communication event type must exist
for Oscar's dispatcher to record the email in the order's history; its templates stay empty
here, so the files under templates/oscar/communication/emails/ are used until an admin edits
them in the dashboard.
"""

from django.db import migrations

PAYMENT_EVENT_TYPES = ["Paid", "Refunded"]
EMAILS = [
    ("ORDER_PLACED", "Order confirmation"),
    ("ORDER_REFUNDED", "Refund of an order"),
    ("ORDER_NOT_PLACED", "Order could not be placed: payment refunded"),
    ("ORDER_DELIVERY_REVISED", "New estimated delivery date"),
]


def add_event_types(apps, schema_editor):
    PaymentEventType = apps.get_model("order", "PaymentEventType")
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    for name in PAYMENT_EVENT_TYPES:
        PaymentEventType.objects.get_or_create(name=name, defaults={"code": name.lower()})
    for code, name in EMAILS:
        CommunicationEventType.objects.get_or_create(
            code=code, defaults={"name": name, "category": "Order related"}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("order", "0024_price_correction_refund"),
        ("communication", "0004_auto_20200801_0817"),
    ]

    operations = [migrations.RunPython(add_event_types, migrations.RunPython.noop)]
