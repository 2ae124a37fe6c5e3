from django_tasks import task

from . import indexing, queries


@task()
def reindex_books_task(relation: str, pk: int) -> int:
    """Re-index the books of one work, author or series after it changed."""
    count = indexing.reindex(indexing.books_of(**{relation: pk}))
    queries.new_generation()  # results cached while the task waited are out of date
    return count
