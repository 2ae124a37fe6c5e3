"""Keeping Wagtail's search index in step with the catalogue.

Saving a product through the ORM re-indexes it (Wagtail's own signal handlers). Two cases
need us: a change to a work, author or series changes what its books are found by, and the
seed's bulk inserts fire no signals at all, so they are indexed here in batches.
"""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from oscar.core.loading import get_model
from wagtail.search.backends import get_search_backends
from wagtail.search.index import get_indexed_models
from wagtail.search.models import IndexEntry

Product = get_model("catalogue", "Product")

BATCH = 1000


def books_of(*, work: int | None = None, author: int | None = None, series: int | None = None) -> QuerySet:
    """The indexed products whose index entry shows this work, author or series."""
    books = Product.get_indexed_objects()
    if work is not None:
        return books.filter(work_id=work)
    if author is not None:
        return books.filter(work__authorships__author_id=author).distinct()
    if series is not None:
        return books.filter(work__series_id=series)
    return books.none()


def index(model, objects: Iterable) -> None:
    """Add or replace the index entries of ``objects`` (loaded with ``model.get_indexed_objects()``)."""
    objects = list(objects)
    if objects:
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, objects)


def reindex(queryset: QuerySet) -> int:
    """Re-index every object of ``queryset`` in batches; return how many."""
    ids = list(queryset.order_by().values_list("pk", flat=True).distinct())
    loader = queryset.model.get_indexed_objects()
    for start in range(0, len(ids), BATCH):
        index(queryset.model, loader.filter(pk__in=ids[start : start + BATCH]))
    return len(ids)


def missing_from_index(model) -> QuerySet:
    """The objects of ``model`` that should be in the index and are not."""
    content_type = ContentType.objects.get_for_model(model)
    indexed = IndexEntry.objects.filter(content_type=content_type).values("object_id")
    return (
        model.get_indexed_objects()
        .annotate(pk_as_text=Cast("pk", CharField()))
        .exclude(pk_as_text__in=indexed)
    )


def index_missing(progress: Callable[[int, int], None] | None = None) -> int:
    """Index whatever is not in the index yet (the seed's bulk inserts, a fresh database).

    Idempotent and cheap when nothing is missing; the whole-index rebuild is Wagtail's
    ``update_index`` command (docs/search.md).
    """
    todo = [
        (model, list(missing_from_index(model).values_list("pk", flat=True)))
        for model in get_indexed_models()
    ]
    total, done = sum(len(ids) for _, ids in todo), 0
    for model, ids in todo:
        loader = model.get_indexed_objects()
        for start in range(0, len(ids), BATCH):
            index(model, loader.filter(pk__in=ids[start : start + BATCH]))
            done += len(ids[start : start + BATCH])
            if progress:
                progress(done, total)
    if progress and not total:
        progress(0, 0)
    if total:
        from .queries import new_generation

        new_generation()  # results cached before these were indexed are out of date
    return total
