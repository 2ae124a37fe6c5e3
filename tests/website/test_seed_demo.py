import io
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from shop.catalogue.isbn import validate_isbn13
from website.demo import catalogue
from website.demo.people import DEMO_USERS
from website.roles import Role

pytestmark = pytest.mark.django_db
Product = get_model("catalogue", "Product")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.app_label != "sessions"
    }


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--books", "60", "--covers", "5", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_is_idempotent():
    first = seed()
    counts = row_counts()
    second = seed()
    assert row_counts() == counts
    assert "Created 60 titles" in first and "Created 0 titles, 0 gift items, 0 pages and 0 users" in second


def test_seed_demo_makes_a_realistic_catalogue():
    output = seed()
    books = Product.objects.filter(work__isnull=False)
    for isbn in books.values_list("upc", flat=True):
        validate_isbn13(isbn)
    formats = Counter(books.values_list("product_class__slug", flat=True))
    assert formats["paperback"] == 60 and 0 < formats["ebook"] < 60
    today = timezone.localdate()
    assert books.filter(publication_date__gt=today).exists(), "some books are still to come"
    assert (
        books.filter(work__series__isnull=False).exists() and books.filter(work__series__isnull=True).exists()
    )
    assert Product.objects.filter(product_class__slug="gift").count() == 3
    assert Product.objects.filter(images__isnull=False).exists()
    assert "Books [" in output  # the progress bar


def test_seed_demo_creates_one_user_per_role_and_prints_their_logins():
    output = seed()
    User = get_user_model()
    editor = User.objects.get(email="editor@bookclub.test")
    orders = User.objects.get(email="orders@bookclub.test")
    assert editor.groups.filter(name=Role.EDITOR).exists() and not editor.is_staff
    assert orders.groups.filter(name=Role.ORDER_ADMIN).exists() and orders.is_staff
    for person in DEMO_USERS:
        assert person.email in output and person.password in output
        assert User.objects.get(email=person.email).check_password(person.password)


def test_seed_demo_builds_the_site_pages(client):
    seed("--quiet-users")
    home = client.get("/")
    assert home.status_code == 200
    assert b"Our editors recommend" in home.content
    for path in [
        "/legal/terms/",
        "/legal/privacy/",
        "/legal/website-terms/",
        "/legal/returns/",
        "/legal/cookies/",
    ]:
        assert client.get(path).status_code == 200, path
        assert path.encode() in home.content, f"footer links {path}"


def test_seeding_is_bulk_far_fewer_queries_than_rows():
    """--books 100000 must take minutes: rows go in by the hundred, not one INSERT each."""
    today = timezone.localdate()
    catalogue.seed_books(200, covers=0, today=today)
    before = Product.objects.count()
    with CaptureQueriesContext(connection) as captured:
        catalogue.seed_books(2000, covers=0, today=today)  # adds 1,800 titles
    rows = (Product.objects.count() - before) * 2 + 1800 * 2  # products and stock; works and credits
    assert Product.objects.filter(work__isnull=False).values("work").distinct().count() == 2000
    assert len(captured) * 40 < rows, f"{len(captured)} queries for {rows} rows"
