"""Catalogue fork: books as Oscar products.

A ``Work`` is a book as written (title, authors, series, blurb). Each format we sell
(paperback, eBook) is a stand-alone Oscar ``Product`` of its own product class, linked to
its work. Oscar's parent/child structure does not fit formats: a child product cannot
have a product class of its own, and shipping, stock tracking and VAT all hang off the
product class (docs/catalogue.md).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from oscar.apps.catalogue.abstract_models import AbstractProduct, AbstractProductClass
from wagtail.search import index

from .isbn import normalise_isbn, validate_isbn13


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    biography = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:author", kwargs={"slug": self.slug})


class Series(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:series", kwargs={"slug": self.slug})


class Work(models.Model):
    """A book as written; its formats are the products that point at it."""

    title = models.CharField(max_length=255, db_index=True)
    slug = models.SlugField(max_length=255, unique=True)
    authors = models.ManyToManyField(Author, through="Authorship", related_name="works")
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="works")
    series_position = models.PositiveSmallIntegerField(null=True, blank=True)
    blurb = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["series", "series_position"])]

    def __str__(self) -> str:
        return self.title

    @property
    def author_names(self) -> str:
        """'A, B and C' in credit order; uses prefetched authorships when present."""
        names = [credit.author.name for credit in self.authorships.all()]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]


class Authorship(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["work", "author"], name="unique_author_per_work")]

    def __str__(self) -> str:
        return f"{self.author} ({self.work})"


class ProductClass(AbstractProductClass):
    # VAT belongs to the kind of goods: printed books and eBooks are zero-rated in the UK (R-C4).
    vat_rate = models.DecimalField(
        "VAT rate",
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Fraction of the VAT-exclusive price, e.g. 0.200 for 20%.",
    )
    # Only some kinds of goods may be sold before publication (R-C3).
    allows_preorder = models.BooleanField(
        default=False, help_text="Can be ordered before its publication date."
    )


class Product(index.Indexed, AbstractProduct):
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.PROTECT, related_name="formats")
    publication_date = models.DateField(null=True, blank=True, db_index=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # Denormalised "shown in book lists" (one entry per title: see shop.catalogue.listing), kept
    # up to date on every save so that lists are an index range scan, not a scan of every format.
    is_listed = models.BooleanField(default=False, editable=False)

    # Wagtail's search index (docs/search.md): a book is found by its title, its authors, its
    # series and its ISBN (kept in ``upc``).
    search_fields = [
        index.SearchField("title"),
        index.SearchField("upc"),
        index.RelatedFields(
            "work",
            [
                index.RelatedFields("authors", [index.SearchField("name")]),
                index.RelatedFields("series", [index.SearchField("name")]),
            ],
        ),
    ]

    class Meta(AbstractProduct.Meta):
        indexes = [
            models.Index(fields=["is_public", "-publication_date"]),
            # Partial indexes: SQLite only uses an index for a bare boolean test through its condition.
            models.Index(
                fields=["publication_date", "id"], condition=Q(is_listed=True), name="product_listed_by_date"
            ),
            models.Index(fields=["title", "id"], condition=Q(is_listed=True), name="product_listed_by_title"),
        ]

    @classmethod
    def get_indexed_objects(cls):
        """Only books are searched; their authors and series come in two queries per batch."""
        return (
            cls.objects.filter(work__isnull=False)
            .select_related("work__series")
            .prefetch_related("work__authors")
        )

    @property
    def isbn(self) -> str | None:
        """The ISBN-13 lives in Oscar's UPC field, which is unique and indexed already."""
        return self.upc

    @property
    def format_name(self) -> str:
        return self.get_product_class().name

    def is_published(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.publication_date is None or self.publication_date <= on

    def clean(self):
        super().clean()
        if self.work_id and self.upc:
            self.upc = normalise_isbn(self.upc)
            try:
                validate_isbn13(self.upc)
            except ValidationError as error:
                raise ValidationError({"upc": error.messages}) from error


from oscar.apps.catalogue.models import *
