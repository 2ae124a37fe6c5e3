"""Books for tests: a work with its formats, each with a stock record at a VAT-inclusive price."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from oscar.core.loading import get_model

from shop.catalogue.isbn import isbn13_check_digit

Author = get_model("catalogue", "Author")
Authorship = get_model("catalogue", "Authorship")
Series = get_model("catalogue", "Series")
Work = get_model("catalogue", "Work")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")


def isbn(n: int) -> str:
    first_twelve = f"979{n:09d}"
    return first_twelve + isbn13_check_digit(first_twelve)


class AuthorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Author Number{n}")
    slug = factory.Sequence(lambda n: f"author-{n}")

    class Meta:
        model = Author


class SeriesFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")

    class Meta:
        model = Series


class WorkFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Test Title {n}")
    slug = factory.Sequence(lambda n: f"test-title-{n}")
    blurb = "A story told for the tests."

    class Meta:
        model = Work
        skip_postgeneration_save = True

    @factory.post_generation
    def authors(work, create, extracted, **kwargs):
        for position, author in enumerate(extracted or [AuthorFactory()]):
            Authorship.objects.create(work=work, author=author, position=position)


class BookFactory(factory.django.DjangoModelFactory):
    """One format of a work: ``BookFactory(format="ebook", stockrecord__price="4.99")``."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    class Params:
        format = "paperback"

    work = factory.SubFactory(WorkFactory)
    title = factory.LazyAttribute(lambda o: o.work.title)
    slug = factory.LazyAttribute(lambda o: o.work.slug)
    upc = factory.Sequence(isbn)
    product_class = factory.LazyAttribute(lambda o: ProductClass.objects.get(slug=o.format))
    publication_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    page_count = 320

    @factory.post_generation
    def stockrecord(product, create, extracted, price="8.99", stock=10, **kwargs):
        if create:
            StockRecord.objects.create(
                product=product,
                partner=Partner.objects.get_or_create(name="Warehouse")[0],
                partner_sku=product.upc or f"SKU-{product.pk}",
                price=Decimal(str(price)),
                num_in_stock=stock,
            )


def make_book(*, ebook: bool = True, stock: int = 10, **work_fields) -> tuple:
    """A work with a paperback and (by default) an eBook; returns (paperback, ebook or None)."""
    work = WorkFactory(**work_fields)
    paperback = BookFactory(work=work, stockrecord__stock=stock)
    if not ebook:
        return paperback, None
    return paperback, BookFactory(
        work=work, format="ebook", stockrecord__price="4.99", stockrecord__stock=None
    )
