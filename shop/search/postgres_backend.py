"""The PostgreSQL half of shop.search.backend: the match answered from one GIN index.

Wagtail matches ``(title || body) @@ to_tsquery(...)`` against every index entry joined to the
model by ``object_id = id::varchar``. Its GIN indexes are on ``title`` and ``body`` apart, which
that expression cannot use, so every search was a sequential scan of the whole index (160 to
240 ms at 100,000 books) and the text join forced a hash join. Migration
``search.0001_indexentry_title_body_gin`` indexes the very expression; here the matching entries
are found through it and joined to the model by integer id. Ranked searches, field-restricted,
fuzzy and negated ones, and models without an integer key stay Wagtail's. A query of stop words
alone ("the") matches nothing and is answered without the database.
"""

from django.db.models import F, IntegerField
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
from wagtail.search.backends.database.postgres import postgres
from wagtail.search.models import IndexEntry
from wagtail.search.query import Fuzzy, MatchAll, Not, PlainText
from wagtail.search.utils import get_descendants_content_types_pks

# PostgreSQL's English stop words (tsearch_data/english.stop, Snowball's list): its "english"
# configuration drops them from a query. A query of nothing else matches nothing, yet PostgreSQL
# still evaluated it against every entry, with a NOTICE per row (1.2 s for "the" at 100,000
# books); such a query is answered here without the database. A PostgreSQL test checks the list.
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)


def only_stop_words(query) -> bool:
    if not isinstance(query, PlainText):
        return False
    return all(word.lower() in STOP_WORDS for word in query.query_string.split())


def title_and_body():
    """The indexed expression, spelt as the migration's index has it."""
    return CombinedExpression(F("title"), "||", F("body"))


class IndexedPostgresQueryCompiler(postgres.PostgresSearchQueryCompiler):
    def search(self, config, start, stop, score_field=None, backend=None):
        model = self.queryset.model
        if (
            self.order_by_relevance
            or score_field is not None
            or self.fields is not None
            or isinstance(self.query, MatchAll | Not | Fuzzy)
            or not isinstance(model._meta.pk, IntegerField)
        ):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        if only_stop_words(self.query):
            return self.queryset.none()
        matching = (
            IndexEntry.objects.annotate(text=title_and_body())
            .filter(
                content_type_id__in=get_descendants_content_types_pks(model),
                text=self.build_tsquery(self.query, config=config),
            )
            .values(object_pk=Cast("object_id", IntegerField()))
        )
        queryset = self.queryset.filter(pk__in=matching)
        if not queryset.query.order_by:
            queryset = queryset.order_by("-pk")  # stable pages, as Wagtail does
        return queryset[start:stop]


class IndexedPostgresSearchBackend(postgres.PostgresSearchBackend):
    query_compiler_class = IndexedPostgresQueryCompiler
