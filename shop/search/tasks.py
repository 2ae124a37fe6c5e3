from django_tasks import task

from . import indexing


@task()
def reindex_books_task(relation: str, pk: int) -> int:
    """Re-index the books of one work, author or series after it changed."""
    return indexing.reindex(indexing.books_of(**{relation: pk}))
