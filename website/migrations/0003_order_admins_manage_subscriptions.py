"""Order admins look after subscriptions in the dashboard (R-U2): they see them and their
history, act on them (suspend, cancel, skip months, refunds pro rata) and withdraw plans."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ORDER_ADMINS = "Order admins"
SUBSCRIPTION_PERMISSIONS = [
    ("bookclub", "view_subscription"),
    ("bookclub", "change_subscription"),
    ("bookclub", "view_plan"),
    ("bookclub", "change_plan"),
    ("bookclub", "view_planwithdrawal"),
    ("bookclub", "add_planwithdrawal"),
]


def grant(apps, schema_editor):
    bookclub = apps.get_app_config("bookclub")
    bookclub.models_module = True
    create_permissions(bookclub, apps=apps, verbosity=0)
    bookclub.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ORDER_ADMINS).first()
    if group is None:
        return
    for app_label, codename in SUBSCRIPTION_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ORDER_ADMINS).first()
    if group is not None:
        for app_label, codename in SUBSCRIPTION_PERMISSIONS:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0002_roles"),
        ("bookclub", "0009_plan_withdrawals_and_refunds"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
