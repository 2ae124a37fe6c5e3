"""The SQLite half of shop.search.backend; imported only on SQLite (its models exist only there)."""

from django.db.models import F
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
        # "+ 0" keeps SQLite from scanning the content type's whole index: the matching rowids
        # are looked up one by one and their content type checked afterwards.
        object_ids = (
            sqlite.IndexEntry.objects.annotate(kind=F("content_type_id") + 0)
            .filter(id__in=matching_rows, kind__in=get_descendants_content_types_pks(self.queryset.model))
            .values("object_id")
        )
        queryset = self.queryset.filter(pk__in=object_ids)
        if not queryset.query.order_by:
            queryset = queryset.order_by("-pk")  # stable pages, as Wagtail does
        return queryset[start:stop]


class MatchFirstSQLiteSearchBackend(sqlite.SQLiteSearchBackend):
    query_compiler_class = MatchFirstSQLiteQueryCompiler
