"""PostgreSQL search answers from its GIN index, and a query of stop words costs no query (issue 14 §3).

The plans are read with sequential scans discouraged: on a test database of a few rows a scan is
cheaper than any index, so the question asked is whether the index *can* serve the match, which
is what fails when the indexed expression and the searched one differ.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from shop.catalogue import listing
from shop.search import queries
from tests.factories import AuthorFactory, make_book

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
Product = get_model("catalogue", "Product")


def plan(queryset, *, count: bool = False) -> str:
    sql, params = queryset.query.sql_with_params()
    if count:
        sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    return plan


def other_books_in_the_index(rows: int) -> None:
    """Index entries of books that say other things, with fresh statistics: a catalogue's shape,
    where the content type alone narrows nothing and only the text index can."""
    content_type = ContentType.objects.get_for_model(Product)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title, body, autocomplete,"
            " title_norm, title_text, body_text) SELECT %s, (10000000 + n)::text,"
            " to_tsvector('english', 'another title ' || n), to_tsvector('english', 'someone else'),"
            " to_tsvector('simple', 'another'), 1.0, '', '' FROM generate_series(1, %s) AS n",
            [content_type.pk, rows],
        )
        cursor.execute("ANALYZE wagtailsearch_indexentry")


def test_R_C1_a_search_on_postgresql_matches_through_the_title_and_body_gin_index():
    make_book(title="The Orchard at Ashby", authors=[AuthorFactory(name="Wren Ashby")])
    make_book(title="Unrelated Tale")
    other_books_in_the_index(3000)
    found = queries.books(["ashby", "orchard"])
    assert [p.title for p in found] == ["The Orchard at Ashby"]

    explained = plan(found)
    assert "search_indexentry_title_body_gin" in explained, explained
    assert "Seq Scan on wagtailsearch_indexentry" not in explained, explained


def test_the_catalogue_count_can_read_the_listed_partial_index():
    """An index-only count once the table is vacuumed (seed_demo runs VACUUM ANALYZE): 1 ms
    instead of a scan of every product."""
    make_book(title="Counted")
    listed = listing.published(listing.listed()).order_by().values("pk")
    explained = plan(listed, count=True)
    assert "product_listed_by_date" in explained, explained
    assert "Seq Scan on catalogue_product" not in explained, explained


def test_a_search_of_stop_words_only_asks_nothing_of_the_database():
    make_book(title="The Orchard")
    with CaptureQueriesContext(connection) as captured:
        assert list(queries.books(["the", "And"])) == []
    assert len(captured) == 0
    assert [p.title for p in queries.books(["the", "orchard"])] == ["The Orchard"]  # stop words ignored


def test_our_stop_words_are_postgresqls():
    from shop.search.postgres_backend import STOP_WORDS

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word WHERE to_tsvector('english', word) <> ''::tsvector",
            [sorted(STOP_WORDS)],
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT to_tsvector('english', 'orchard ashby') <> ''::tsvector")
        assert cursor.fetchone()[0]
