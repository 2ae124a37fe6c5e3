"""Wagtail's database search backend, with SQLite's match driven from the full-text index.

Wagtail's SQLite compiler joins the FTS5 table to the index entries in a way SQLite plans
from the entries side: one FTS5 lookup per indexed object of the model, so a search cost grew
with the size of the catalogue (0.4 s at 2,000 books). Asking FTS5 for the matching rows once
(``rowid IN (... MATCH ...)``) makes it grow with the number of matches instead. On PostgreSQL
the match is answered from a GIN index on the expression Wagtail compares (postgres_backend).
Everything else is Wagtail's own backend unchanged.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "shop.search.backend"}}
"""

from wagtail.search.backends import database


def SearchBackend(params):
    backend = database.SearchBackend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":  # FTS5 is there (else Wagtail falls back)
        from .sqlite_backend import MatchFirstSQLiteSearchBackend

        return MatchFirstSQLiteSearchBackend(params)
    if type(backend).__name__ == "PostgresSearchBackend":
        from .postgres_backend import IndexedPostgresSearchBackend

        return IndexedPostgresSearchBackend(params)
    return backend
