"""The subscription emails' event types, so order admins find them in the dashboard's email
templates (their text comes from the files under templates/oscar/communication/emails/)."""

from django.db import migrations

# A copy, not an import: a migration must not change when the code does.
EVENT_TYPES = {
    "BOOKCLUB_SUBSCRIPTION_CONFIRMED": "Subscription: order confirmation (the contract forms)",
    "BOOKCLUB_SUBSCRIPTION_SUSPENDED": "Subscription suspended",
    "BOOKCLUB_SUBSCRIPTION_REINSTATED": "Subscription reinstated",
    "BOOKCLUB_SUBSCRIPTION_CANCELLED": "Subscription cancelled",
    "BOOKCLUB_SUBSCRIPTION_RESUMED": "eSubscription resumed",
    "BOOKCLUB_SUBSCRIPTION_PURGED": "eSubscription details removed after 90 days",
    "BOOKCLUB_SUBSCRIPTION_ENDED": "Pre-paid plan ended with its term",
    "BOOKCLUB_SUBSCRIPTION_RENEWED": "Pre-paid plan renewed",
    "BOOKCLUB_AUTO_RENEWAL_CHANGED": "Automatic renewal switched on or off",
    "BOOKCLUB_MONTH_CHANGED": "A month of a plan skipped, restored or changed",
    "BOOKCLUB_USUAL_TITLES_CHANGED": "eBook titles a month changed",
    "BOOKCLUB_DELIVERY_ADDRESS_CHANGED": "Plan delivery address changed",
    "BOOKCLUB_CARD_CHANGED": "Plan card replaced",
}


def add_event_types(apps, schema_editor):
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    for code, name in EVENT_TYPES.items():
        CommunicationEventType.objects.get_or_create(
            code=code, defaults={"name": name, "category": "Order related"}
        )


def remove_event_types(apps, schema_editor):
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    CommunicationEventType.objects.filter(code__in=EVENT_TYPES).delete()


class Migration(migrations.Migration):
    dependencies = [("bookclub", "0004_subscription_plan"), ("communication", "0004_auto_20200801_0817")]

    operations = [migrations.RunPython(add_event_types, remove_event_types)]
