"""Keep each book's listed format right when its formats change (``is_listed``, R-C1)."""

from django.db.models.signals import post_delete, post_save, pre_save
from oscar.core.loading import get_model

from shop.catalogue import listing


def remember_previous_work(sender, instance, **kwargs):
    # A format moved to another book changes what both books list.
    instance._previous_work_id = (
        sender.objects.filter(pk=instance.pk).values_list("work_id", flat=True).first()
        if instance.pk
        else None
    )


def refresh_listing(sender, instance, **kwargs):
    listing.refresh_listing([instance.work_id, getattr(instance, "_previous_work_id", None)])


def connect() -> None:
    Product = get_model("catalogue", "Product")
    pre_save.connect(remember_previous_work, sender=Product, dispatch_uid="listing-pre-save")
    post_save.connect(refresh_listing, sender=Product, dispatch_uid="listing-save")
    post_delete.connect(refresh_listing, sender=Product, dispatch_uid="listing-delete")
