"""Wagtail's database search backend, with SQLite's match driven from the full-text index.

Wagtail's SQLite compiler joins the FTS5 table to the index entries in a way SQLite plans
from the entries side: one FTS5 lookup per indexed object of the model, so a search cost grew
with the size of the catalogue (0.4 s at 2,000 books). Asking FTS5 for the matching rows once
(``rowid IN (... MATCH ...)``) makes it grow with the number of matches instead. Everything
else, and every other database, is Wagtail's own backend unchanged.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "shop.search.backend"}}
"""

from wagtail.search.backends import database
from wagtail.search.backends.database.sqlite import sqlite
from wagtail.search.backends.database.sqlite.query import MatchExpression, normalize
from wagtail.search.query import MatchAll, Not
from wagtail.search.utils import get_descendants_content_types_pks


class MatchFirstSQLiteQueryCompiler(sqlite.SQLiteSearchQueryCompiler):
    def search(self, config, start, stop, score_field=None):
        query = normalize(self.query)
        if self.order_by_relevance or score_field is not None or isinstance(query, MatchAll | Not):
            return super().search(config, start, stop, score_field=score_field)
        match = MatchExpression(
            self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config)
        )
        matching_rows = sqlite.SQLiteFTSIndexEntry.objects.filter(match).values("index_entry_id")
        object_ids = sqlite.IndexEntry.objects.filter(
            id__in=matching_rows,
            content_type_id__in=get_descendants_content_types_pks(self.queryset.model),
        ).values("object_id")
        queryset = self.queryset.filter(pk__in=object_ids)
        if not queryset.query.order_by:
            queryset = queryset.order_by("-pk")  # stable pages, as Wagtail does
        return queryset[start:stop]


class MatchFirstSQLiteSearchBackend(sqlite.SQLiteSearchBackend):
    query_compiler_class = MatchFirstSQLiteQueryCompiler


def SearchBackend(params):
    backend = database.SearchBackend(params)
    if isinstance(backend, sqlite.SQLiteSearchBackend):
        return MatchFirstSQLiteSearchBackend(params)
    return backend
