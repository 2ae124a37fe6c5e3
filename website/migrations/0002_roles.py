"""The staff roles as groups (R-U1, R-U2).

Editors work in the Wagtail admin: pages, images, documents, snippets and site settings;
nothing of orders or customers. Order admins work in Oscar's dashboard: orders, stock,
delivery, offers and customers; no page editing. Their dashboard also needs staff status,
which website.roles.assign_role sets.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
ORDER_ADMINS = "Order admins"

EDITOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtailimages.delete_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtaildocs.delete_document",
    "wagtailredirects.add_redirect",
    "wagtailredirects.change_redirect",
    "wagtailredirects.delete_redirect",
    "website.change_navigationsettings",
    "website.change_footersettings",
]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtailimages.delete_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtaildocs.delete_document",
]


def _crud(app_label, *models, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


ORDER_ADMIN_PERMISSIONS = [
    *_crud(
        "order", "order", "line", "ordernote", "shippingaddress", "billingaddress", actions=("change", "view")
    ),
    *_crud("order", "ordernote", "paymentevent", "shippingevent", actions=("add",)),
    *_crud(
        "order", "paymentevent", "shippingevent", "orderdiscount", "communicationevent", actions=("view",)
    ),
    *_crud("payment", "source", "transaction", actions=("view",)),
    *_crud("partner", "partner", "stockrecord", "stockalert", actions=("change", "view")),
    *_crud("catalogue", "product", actions=("change", "view")),
    *_crud("catalogue", "productclass", "category", actions=("view",)),
    *_crud("shipping", "orderanditemcharges", "weightbased", "weightband"),
    *_crud("offer", "conditionaloffer", "range", "rangeproduct", "benefit", "condition"),
    *_crud("voucher", "voucher", "voucherset"),
    *_crud("accounts", "user", actions=("change", "view")),
    *_crud("address", "useraddress", actions=("view",)),
    *_crud("customer", "productalert", actions=("view",)),
    *_crud("communication", "communicationeventtype", actions=("change", "view")),
    *_crud("analytics", "productrecord", "userrecord", actions=("view",)),
]


def _permissions(apps, dotted_names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for dotted in dotted_names:
        app_label, codename = dotted.split(".")
        try:
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        except Permission.DoesNotExist as missing:
            raise LookupError(f"No permission {dotted}") from missing
    return found


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(_permissions(apps, EDITOR_PERMISSIONS))
    root_page = Page.objects.get(depth=1)
    for permission in _permissions(apps, [f"wagtailcore.{name}" for name in EDITOR_PAGE_PERMISSIONS]):
        GroupPagePermission.objects.get_or_create(group=editors, page=root_page, permission=permission)
    root_collection = Collection.objects.get(depth=1)
    for permission in _permissions(apps, EDITOR_COLLECTION_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=root_collection, permission=permission
        )

    order_admins, _ = Group.objects.get_or_create(name=ORDER_ADMINS)
    order_admins.permissions.set(_permissions(apps, ORDER_ADMIN_PERMISSIONS))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ORDER_ADMINS).delete()


class Migration(migrations.Migration):
    # Every app whose permissions the roles name, at the migration current when the roles were
    # written. Named, not "__latest__": a later migration in one of these apps must not make this
    # one look applied out of order on an existing database.
    dependencies = [
        ("website", "0001_initial"),
        ("accounts", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("order", "0021_billingaddress_code_shippingaddress_code"),
        ("payment", "0005_auto_20200801_0817"),
        ("partner", "0007_partneraddress_code"),
        ("catalogue", "0034_product_classes"),
        ("shipping", "0003_auto_20181115_1953"),
        ("offer", "0013_range_excluded_categories"),
        ("voucher", "0010_auto_20210224_0712"),
        ("address", "0007_useraddress_code"),
        ("customer", "0008_assign_permissions_to_staff"),
        ("communication", "0004_auto_20200801_0817"),
        ("analytics", "0003_auto_20200801_0817"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
