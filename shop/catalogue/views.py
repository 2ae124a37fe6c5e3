"""Catalogue views: book lists and the book page, each a fixed number of queries."""

from datetime import timedelta
from functools import partial

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView
from oscar.apps.catalogue import views as oscar_views
from oscar.core.loading import get_model

from . import listing

Author = get_model("catalogue", "Author")
Product = get_model("catalogue", "Product")
Series = get_model("catalogue", "Series")
Work = get_model("catalogue", "Work")

NEWEST = ("Newest first", ["-publication_date", "-id"])
TITLE = ("Title A to Z", ["title", "id"])
# Price needs the stock record's price, so these sorts are functions of the queryset.
PRICE_LOW = ("Price, low to high", listing.by_price)
PRICE_HIGH = ("Price, high to low", partial(listing.by_price, descending=True))
NEW_RELEASE_DAYS = 90
FORMATS = {"paperback": "Paperbacks", "ebook": "eBooks"}


class BookListView(ListView):
    """A paginated, sortable list of books, one entry per title unless a format is chosen."""

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = 20
    paginator_class = listing.CachedCountPaginator
    # The first is the default; an unknown ?sort= falls back to it rather than failing.
    sorts = {"newest": NEWEST, "title": TITLE, "price-low": PRICE_LOW, "price-high": PRICE_HIGH}
    heading = "Books"
    intro = ""

    def get_sort(self) -> str:
        sort = self.request.GET.get("sort", "")
        return sort if sort in self.sorts else next(iter(self.sorts))

    def get_format(self) -> str:
        chosen = self.request.GET.get("format", "")
        return chosen if chosen in FORMATS else ""

    def narrow(self, queryset):
        return listing.published(queryset)

    def get_queryset(self):
        if chosen := self.get_format():
            queryset = listing.card_queryset().filter(product_class__slug=chosen)
        else:
            queryset = listing.card_queryset(listing.listed())
        queryset = self.narrow(queryset)
        order = self.sorts[self.get_sort()][1]
        return order(queryset) if callable(order) else queryset.order_by(*order)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            cards=listing.cards_for(context["page_obj"].object_list, request=self.request),
            sorts={key: label for key, (label, _) in self.sorts.items()},
            formats=FORMATS,
            current_sort=self.get_sort(),
            current_format=self.get_format(),
            heading=self.heading,
            intro=self.intro,
        )
        return context


class CatalogueView(BookListView):
    """/books/: every book out now."""

    heading = "All books"


class NewReleasesView(BookListView):
    """/books/new/: books published in the last three months, newest first."""

    heading = "New releases"
    intro = "Published in the last three months."

    def narrow(self, queryset):
        since = timezone.localdate() - timedelta(days=NEW_RELEASE_DAYS)
        return listing.published(queryset).filter(publication_date__gte=since)


class ComingSoonView(BookListView):
    """/books/coming-soon/: titles not yet published; paperbacks can be pre-ordered (R-C3)."""

    heading = "Coming soon"
    intro = (
        "Paperbacks can be pre-ordered and are posted on publication day; eBooks go on sale when published."
    )
    sorts = {
        "soonest": ("Soonest first", ["publication_date", "id"]),
        "title": TITLE,
        "price-low": PRICE_LOW,
        "price-high": PRICE_HIGH,
    }

    def narrow(self, queryset):
        return listing.coming_soon(queryset)


class SeriesView(BookListView):
    """/books/series/<slug>/: a series in reading order, forthcoming books included."""

    sorts = {
        "series": ("Reading order", ["work__series_position", "id"]),
        "newest": NEWEST,
        "title": TITLE,
        "price-low": PRICE_LOW,
        "price-high": PRICE_HIGH,
    }

    def get(self, request, *args, **kwargs):
        self.series = get_object_or_404(Series, slug=kwargs["slug"])
        self.heading, self.intro = self.series.name, self.series.description
        return super().get(request, *args, **kwargs)

    def narrow(self, queryset):
        return queryset.filter(work__series=self.series)


class AuthorView(BookListView):
    """/books/authors/<slug>/: everything by one author, forthcoming books included."""

    def get(self, request, *args, **kwargs):
        self.author = get_object_or_404(Author, slug=kwargs["slug"])
        self.heading, self.intro = self.author.name, self.author.biography
        return super().get(request, *args, **kwargs)

    def narrow(self, queryset):
        return queryset.filter(work__authorships__author=self.author)


class ProductDetailView(oscar_views.ProductDetailView):
    """The book page: its formats side by side and more from the same series."""

    # Oscar counts every view with a database write; we measure popularity by orders instead.
    view_signal = None
    related_limit = 6

    def get_object(self, queryset=None):
        if not hasattr(self, "object"):
            self.object = (
                Product.objects.select_related("product_class", "work__series")
                .filter(pk=self.kwargs["pk"])
                .first()
            )
            if self.object is None:
                raise Http404("No such book")
        return self.object

    def send_signal(self, request, response, product):
        pass

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formats, context["series_cards"] = self.related_cards(self.object)
        # The related query loaded this book too, with its prices and authors prefetched.
        this = next((card for card in formats if card.product.pk == self.object.pk), None)
        this = this or listing.cards_for([self.object], request=self.request)[0]
        context["product"], context["info"] = this.product, this.info
        context["formats"] = formats
        return context

    def get_alert_form(self):
        return None  # stock alerts are not offered; the alert form cost a query per view

    def related_cards(self, product):
        """(this book's formats including itself, other books of its series): one query."""
        work = product.work
        if work is None:
            return [], []
        # The works first, then their products by work: an OR across the join made the database
        # scan every product (340 ms at 100,000 books, 16 ms this way).
        works = Work.objects.filter(pk=work.pk)
        if work.series_id:
            works = Work.objects.filter(Q(pk=work.pk) | Q(series_id=work.series_id))
        candidates = list(
            listing.card_queryset()
            .filter(work_id__in=works.values("pk"))
            .order_by("work__series_position", "product_class__name", "id")
        )
        formats = [p for p in candidates if p.work_id == work.id]
        series_books, seen_works = [], {work.id}
        for candidate in candidates:
            if candidate.work_id not in seen_works:  # one card per book, its first format
                seen_works.add(candidate.work_id)
                series_books.append(candidate)
        return (
            listing.cards_for(formats, request=self.request),
            listing.cards_for(series_books[: self.related_limit], request=self.request),
        )
