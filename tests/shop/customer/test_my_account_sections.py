"""Issue 15: My Account has the sections a book club's member needs, and none of Oscar's that
nobody designed for this shop (stock alerts, notifications, wish lists)."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from oscar.test.factories import create_order

from tests.factories import BookFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every My Account page a member reaches from the tabs (and the summary that redirects to one).
SECTIONS = {
    "customer:profile-view": "Profile",
    "customer:order-list": "Order History",
    "bookclub:subscriptions": "Subscriptions",
    "ebooks:shelf": "eBookshelf",
    "customer:address-list": "Address Book",
    "customer:email-list": "Email History",
    "customer:marketing-preferences": "Marketing emails",
    "customer:privacy": "Privacy and security",
}


@pytest.fixture
def member(client):
    user = UserFactory(first_name="Ada", last_name="Byron")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "name",
    [
        "alerts-list",
        "alert-create",
        "alerts-confirm",
        "notifications-inbox",
        "notifications-archive",
        "notifications-detail",
        "wishlists-list",
        "wishlists-create",
        "wishlists-detail",
    ],
)
def test_the_removed_sections_have_no_address(name):
    with pytest.raises(NoReverseMatch):
        reverse(f"customer:{name}", args=[1] if name.endswith(("create", "detail")) else [])


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/alerts/",
        "/accounts/alerts/create/{book}/",
        "/accounts/notifications/",
        "/accounts/notifications/inbox/",
        "/accounts/wishlists/",
        "/accounts/wishlists/add/{book}/",
        "/wishlists/some-key/",
    ],
)
def test_the_removed_sections_answer_404(client, member, path):
    book = BookFactory()
    assert client.get(path.format(book=book.pk)).status_code == 404
    assert client.post(path.format(book=book.pk), {"email": "ada@example.com"}).status_code == 404


def test_every_section_a_member_needs_is_a_tab_and_opens(client, member):
    create_order(user=member)
    for name in SECTIONS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        tabs = re.findall(r'class="nav-link[^"]*">([^<]+)</a>', html)
        assert tabs[: len(SECTIONS)] == list(SECTIONS.values()), (name, tabs)
        for gone in ("/alerts/", "/notifications/", "wishlists", "Product Alerts", "Wish List"):
            assert gone not in html, (name, gone)


def test_the_profile_shows_a_members_details_not_the_session_counter(client, member):
    html = client.get(reverse("customer:profile-view")).content.decode()
    assert "Ada Byron" in html and member.email in html
    assert "session epoch" not in html.lower()


def test_a_book_page_offers_no_wish_list_or_stock_alert(client, member):
    book = BookFactory()
    html = client.get(book.get_absolute_url()).content.decode()
    assert "wishlist" not in html.lower() and "/alerts/" not in html
