"""The editors' book chooser (R-S2, R-U1): Wagtail's generic chooser over Oscar's products, found
by title, author or ISBN, with covers, formats and availability, filtered by format; only books."""

import json

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from bookclub.models import Plan
from tests.bookclub.editing import add_url, text
from tests.factories import AuthorFactory, make_book
from tests.factories.bookclub import make_plan, plan_page

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
CHOOSE = reverse("book_chooser:choose")
RESULTS = reverse("book_chooser:choose_results")


@pytest.fixture
def shelf():
    author = AuthorFactory(name="Marguerite Halloway")
    lantern, lantern_ebook = make_book(title="The Lantern Keeper", authors=[author])
    orchard, _ = make_book(title="Orchard Weather", ebook=False)
    sold_out, _ = make_book(title="Sold Clean Out", ebook=False, stock=0)
    ProductImage.objects.create(product=lantern, original="covers/lantern.png", display_order=0)
    return {"lantern": lantern, "lantern_ebook": lantern_ebook, "orchard": orchard, "sold_out": sold_out}


def results(client, **params) -> str:
    response = client.get(RESULTS, params)
    assert response.status_code == 200
    return text(response)


def test_R_S2_chooser_finds_books_by_title_author_and_isbn(client, editor, shelf):
    by_title = results(client, q="lantern")
    assert "The Lantern Keeper" in by_title and "Orchard Weather" not in by_title

    by_author = results(client, q="Halloway")
    assert by_author.count("The Lantern Keeper") == 2  # the paperback and the eBook
    assert "Orchard Weather" not in by_author

    isbn = shelf["orchard"].upc
    by_isbn = results(client, q=f"{isbn[:3]}-{isbn[3:]}")
    assert "Orchard Weather" in by_isbn and "The Lantern Keeper" not in by_isbn
    assert "There is 1 match" in by_isbn


def test_R_S2_chooser_filters_by_format_and_shows_cover_format_and_availability(client, editor, shelf):
    ebooks_only = results(client, format="ebook")
    assert "The Lantern Keeper" in ebooks_only and "Orchard Weather" not in ebooks_only

    listing = results(client)
    assert 'src="/media/covers/lantern.png"' in listing
    assert "Paperback" in listing and "eBook" in listing
    assert "In stock" in listing and "Out of stock" in listing
    assert shelf["orchard"].upc in listing


def test_R_S2_chooser_lists_books_only_never_plans(client, editor, shelf):
    make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post")
    assert "Paperback Post" not in results(client, q="paperback post")
    assert "Paperback Post" not in results(client)


def test_R_S2_the_modal_opens_with_search_and_format_filter(client, editor, shelf):
    response = client.get(CHOOSE)
    payload = json.loads(response.content)
    assert payload["step"] == "choose"
    assert 'id="id_q"' in payload["html"] and "Title, author or ISBN" in payload["html"]
    assert 'name="format"' in payload["html"]


def test_R_S2_choosing_a_book_names_title_author_format_and_isbn(client, editor, shelf):
    lantern = shelf["lantern"]
    response = client.get(reverse("book_chooser:chosen", args=(lantern.pk,)))
    result = json.loads(response.content)["result"]
    assert result["id"] == str(lantern.pk)
    assert result["title"] == f"The Lantern Keeper, Marguerite Halloway (Paperback, ISBN {lantern.upc})"


def test_R_S2_a_picks_product_field_is_the_book_chooser(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    form = text(client.get(add_url(page)))
    assert reverse("book_chooser:choose") in form
    assert "Choose a book" in form


def test_R_U1_a_product_that_is_not_a_book_cannot_be_chosen(client, editor):
    plan = make_plan()
    assert client.get(reverse("book_chooser:chosen", args=(plan.product_id,))).status_code == 404
    gift = Product.objects.create(title="Canvas tote", product_class=ProductClass.objects.get(slug="gift"))
    assert client.get(reverse("book_chooser:chosen", args=(gift.pk,))).status_code == 404


def test_a_mistyped_choice_is_not_found_rather_than_an_error(client, editor):
    assert client.get(reverse("book_chooser:chosen", args=("not-a-number",))).status_code == 404
    assert client.get(RESULTS, {"format": "audiobook", "q": "x" * 500}).status_code == 200
