"""The editors' book chooser: Wagtail's generic chooser over Oscar's products (R-S2, R-U1).

Registered with ``register_admin_viewset`` (``bookclub.wagtail_hooks``), so it lives in the
Wagtail admin, behind its own login and ``access_admin`` permission: editors can use it, readers
and order admins cannot reach it. It shows books only (products with a work), never orders or
customers. It becomes the widget of every admin form field that points at a product (the
selection's picks, the home page's featured books).

Search goes through the shop's own search (``shop.search.queries.products_matching``): title,
authors, series or ISBN, every format; a format filter narrows it.
"""

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Prefetch
from django.urls import reverse
from oscar.core.loading import get_class, get_model
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from shop.search import queries

Product = get_model("catalogue", "Product")
Authorship = get_model("catalogue", "Authorship")
Selector = get_class("partner.strategy", "Selector")

FORMATS = [("", "All formats"), ("paperback", "Paperbacks"), ("ebook", "eBooks")]


def book_label(product) -> str:
    """'The Lantern Keeper, Marguerite Halloway (Paperback, ISBN 9791234567890)'."""
    author = f", {product.work.author_names}" if product.work_id else ""
    isbn = f", ISBN {product.upc}" if product.upc else ""
    return f"{product.title}{author} ({product.get_product_class().name}{isbn})"


def books():
    """Every book an editor may choose, with what a row of the chooser shows loaded in bulk."""
    return (
        Product.objects.browsable()
        .filter(work__isnull=False)
        .select_related("product_class", "work")
        .prefetch_related(
            Prefetch(
                "work__authorships",
                queryset=Authorship.objects.select_related("author").order_by("position", "id"),
            ),
            "stockrecords",
            "images",
        )
    )


class BookFilterForm(BaseFilterForm):
    q = forms.CharField(
        label="Title, author or ISBN",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Title, author or ISBN"}),
    )
    format = forms.ChoiceField(
        label="Format",
        choices=FORMATS,
        required=False,
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        if self.cleaned_data.get("format"):
            objects = objects.filter(product_class__slug=self.cleaned_data["format"])
        query = self.cleaned_data.get("q")
        if query:
            objects = queries.products_matching(objects, query)
            self.is_searching = True
            self.search_query = query
        return objects


class CoverColumn(Column):
    cell_template_name = "bookclub/admin/chooser/cover_cell.html"


class AvailabilityColumn(Column):
    cell_template_name = "bookclub/admin/chooser/availability_cell.html"

    def get_value(self, instance):
        return Selector().strategy().fetch_for_product(instance).availability


class BookListingMixin:
    """The columns and filters of the chooser's list of books."""

    filter_form_class = BookFilterForm
    ordering = ["-publication_date", "-id"]  # newest first, along the catalogue's own index
    per_page = 10

    def get_object_list(self):
        return books()

    @property
    def columns(self):
        return [
            CoverColumn(
                "cover",
                label="Cover",
                accessor=lambda product: product,
                classname="bookclub-chooser__cover-cell",
            ),
            TitleColumn(
                "title",
                label="Title",
                accessor="title",
                classname="bookclub-chooser__title",
                get_url=lambda product: self.append_preserved_url_parameters(
                    reverse(self.chosen_url_name, args=(quote(product.pk),))
                ),
                link_attrs={"data-chooser-modal-choice": True},
            ),
            Column("format", label="Format", accessor="product_class.name"),
            Column(
                "author", label="Author", accessor="work.author_names", classname="bookclub-chooser__author"
            ),
            AvailabilityColumn(
                "availability", label="Availability", classname="bookclub-chooser__availability"
            ),
            Column("isbn", label="ISBN", accessor="upc", classname="bookclub-chooser__isbn"),
        ]


class BookChooseView(BookListingMixin, ChooseView):
    pass


class BookChooseResultsView(BookListingMixin, ChooseResultsView):
    pass


class BookChosenView(ChosenView):
    def get_object(self, pk):
        try:
            return books().get(pk=int(pk))
        except ValueError as not_a_number:  # a mistyped address: "not found", not an error page
            raise Product.DoesNotExist from not_a_number

    def get_display_title(self, instance):
        return book_label(instance)


class BookChooserWidget(BaseChooser):
    def get_display_title(self, instance):
        return book_label(instance)


class BookChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "doc-full"
    choose_one_text = "Choose a book"
    choose_another_text = "Choose another book"
    edit_item_text = "Edit"
    page_title = "Choose a book"
    choose_view_class = BookChooseView
    choose_results_view_class = BookChooseResultsView
    chosen_view_class = BookChosenView
    base_widget_class = BookChooserWidget


book_chooser_viewset = BookChooserViewSet("book_chooser", url_prefix="bookclub/books/choose")
