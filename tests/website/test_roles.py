"""Who may do what (R-U1, R-U2, R-U3): each role reaches its tools and is refused the others."""

import pytest
from django.urls import reverse
from oscar.test.factories import create_order

from tests.factories import UserFactory, make_book
from website.roles import Role, assign_role, remove_role

pytestmark = pytest.mark.django_db

EDITOR_PAGES = [
    "/cms/",
    "/cms/pages/",
    "/cms/images/",
    "/cms/documents/",
    "/cms/settings/website/navigationsettings/",
    "/cms/bookclub/calendar/",  # the editorial calendar (R-S2)
    "/cms/bookclub/books/choose/",  # the book chooser for the monthly picks (R-S2)
]
ORDER_ADMIN_PAGES = [
    "/dashboard/",
    "/dashboard/orders/",
    "/dashboard/catalogue/",  # products: stock and prices
    "/dashboard/shipping/weight-based/",
    "/dashboard/offers/",
    "/dashboard/users/",
]
SUPERUSER_ONLY = ["/django-admin/"]


def refused(response) -> bool:
    """403, or a redirect away to a login page or the tool's own home (never a 200)."""
    return response.status_code == 403 or (
        response.status_code == 302 and ("login" in response.url or response.url.rstrip("/") == "/cms")
    )


def get(client, user, url):
    client.force_login(user)
    return client.get(url, follow=False)


def reaches(client, user, url) -> bool:
    """The tool answers 200, after any redirect inside it (never to a login page)."""
    client.force_login(user)
    response = client.get(url, follow=True)
    final_path = response.redirect_chain[-1][0] if response.redirect_chain else url
    return response.status_code == 200 and "login" not in final_path


@pytest.mark.parametrize("url", EDITOR_PAGES)
def test_R_U1_editor_reaches_the_wagtail_admin(client, url):
    editor = UserFactory(editor=True)
    assert reaches(client, editor, url)


@pytest.mark.parametrize("url", ORDER_ADMIN_PAGES + SUPERUSER_ONLY + ["/cms/users/", "/cms/groups/"])
def test_R_U1_editor_is_refused_orders_customers_and_raw_data(client, url):
    editor = UserFactory(editor=True)
    assert refused(get(client, editor, url)), url


@pytest.mark.parametrize("url", ORDER_ADMIN_PAGES)
def test_R_U2_order_admin_reaches_the_dashboard(client, url):
    order_admin = UserFactory(order_admin=True)
    assert reaches(client, order_admin, url)


@pytest.mark.parametrize("url", EDITOR_PAGES + SUPERUSER_ONLY)
def test_R_U2_order_admin_cannot_edit_pages(client, url):
    order_admin = UserFactory(order_admin=True)
    assert refused(get(client, order_admin, url)), url


def test_R_U2_order_admin_cannot_reach_the_page_editor_of_a_legal_page(client):
    from wagtail.models import Page

    order_admin = UserFactory(order_admin=True)
    page = Page.objects.get(depth=2)
    assert refused(get(client, order_admin, f"/cms/pages/{page.pk}/edit/"))


@pytest.mark.parametrize("url", EDITOR_PAGES + ORDER_ADMIN_PAGES + SUPERUSER_ONLY)
def test_R_U3_reader_is_refused_every_staff_tool(client, url):
    reader = UserFactory()
    assert refused(get(client, reader, url)), url


@pytest.mark.parametrize("url", EDITOR_PAGES + ORDER_ADMIN_PAGES + SUPERUSER_ONLY)
def test_R_U3_anonymous_visitor_is_sent_to_a_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("url", EDITOR_PAGES + ORDER_ADMIN_PAGES + SUPERUSER_ONLY)
def test_superuser_reaches_every_tool(client, url):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert reaches(client, admin, url)


def test_R_U3_reader_sees_only_their_own_orders(client):
    make_book()
    reader, someone_else = UserFactory(), UserFactory()
    own = create_order(user=reader)
    theirs = create_order(user=someone_else)
    client.force_login(reader)
    assert client.get(reverse("customer:order", kwargs={"order_number": own.number})).status_code == 200
    assert client.get(reverse("customer:order", kwargs={"order_number": theirs.number})).status_code == 404
    listing = client.get(reverse("customer:order-list")).content.decode()
    assert str(own.number) in listing and str(theirs.number) not in listing


def test_R_U2_order_admin_role_brings_and_takes_dashboard_access():
    person = UserFactory()
    assign_role(person, role=Role.ORDER_ADMIN)
    assert person.is_staff and person.has_perm("order.change_order")
    remove_role(person, role=Role.ORDER_ADMIN)
    person.refresh_from_db()
    assert not person.is_staff


def test_R_U1_editor_role_grants_no_staff_status_and_no_order_permissions():
    editor = UserFactory(editor=True)
    assert not editor.is_staff
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not editor.has_perm("order.view_order")
    assert not editor.has_perm("accounts.view_user")


def test_one_login_reaches_every_tool_a_role_allows(client):
    """A staff member signs in once, on the site's login page, and both tools open."""
    both = UserFactory(editor=True)
    assign_role(both, role=Role.ORDER_ADMIN)
    response = client.post(
        reverse("customer:login"),
        {"login-username": both.email, "login-password": "correct-horse-battery", "login_submit": "1"},
    )
    assert response.status_code == 302
    assert client.get("/cms/").status_code == 200
    assert client.get("/dashboard/").status_code == 200


def test_wagtail_admin_sends_visitors_to_a_staff_sign_in_page(client):
    """Issue 15: editors sign in on Wagtail's own page, not the shop's "Login or register"."""
    response = client.get("/cms/")
    assert response.url.startswith("/cms/login/")
    editor = UserFactory(editor=True)
    page = client.get(response.url).content.decode()
    assert "The Bookclub: staff sign-in" in page and "register" not in page.lower()
    signed_in = client.post(response.url, {"username": editor.email, "password": "correct-horse-battery"})
    assert signed_in.status_code == 302
    assert client.get("/cms/").status_code == 200


def test_grant_role_command(capsys):
    from django.core.management import call_command

    person = UserFactory(email="new.admin@example.com")
    call_command("grant_role", "new.admin@example.com", "order-admin")
    person.refresh_from_db()
    assert person.is_staff and person.groups.filter(name=Role.ORDER_ADMIN).exists()
    assert "added to Order admins" in capsys.readouterr().out
