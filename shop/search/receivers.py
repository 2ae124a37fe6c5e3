"""A renamed author, series or work changes what its books are found by: re-index them."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model

from . import queries


def forget_results(sender, **kwargs):
    """Cached results name products, prices and pages: a change to any of them retires them."""
    queries.new_generation()


def _reindex_later(relation: str, pk: int) -> None:
    from .tasks import reindex_books_task

    queries.new_generation()
    transaction.on_commit(partial(reindex_books_task.enqueue, relation, pk))


def work_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:  # a new work has no formats yet
        _reindex_later("work", instance.pk)


def author_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:  # a new author has no books yet
        _reindex_later("author", instance.pk)


def series_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        _reindex_later("series", instance.pk)


def credits_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex_later("work", instance.work_id)


def connect() -> None:
    post_save.connect(work_changed, sender=get_model("catalogue", "Work"), dispatch_uid="search-work")
    post_save.connect(author_changed, sender=get_model("catalogue", "Author"), dispatch_uid="search-author")
    post_save.connect(series_changed, sender=get_model("catalogue", "Series"), dispatch_uid="search-series")
    Authorship = get_model("catalogue", "Authorship")
    post_save.connect(credits_changed, sender=Authorship, dispatch_uid="search-credit-saved")
    post_delete.connect(credits_changed, sender=Authorship, dispatch_uid="search-credit-deleted")
    for model in (get_model("catalogue", "Product"), get_model("partner", "StockRecord")):
        post_save.connect(forget_results, sender=model, dispatch_uid=f"search-forget-{model.__name__}")
        post_delete.connect(forget_results, sender=model, dispatch_uid=f"search-forget-{model.__name__}-gone")
    from wagtail.signals import page_published, page_unpublished

    page_published.connect(forget_results, dispatch_uid="search-forget-published")
    page_unpublished.connect(forget_results, dispatch_uid="search-forget-unpublished")
