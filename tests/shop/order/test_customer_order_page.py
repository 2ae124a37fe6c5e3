"""The customer's order page: VAT (R-C4), the estimated delivery date (R-D6), the duties notice (R-D2)."""

from bs4 import BeautifulSoup
from django.urls import reverse

from shop.shipping.defaults import install_default_rules
from tests.factories import BookFactory, UserFactory
from tests.factories.orders import make_basket, place_order, shipping_address


def order_page_text(client, order) -> str:
    client.force_login(order.user)
    response = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_R_C4_R_D6_the_order_page_shows_vat_and_the_estimated_delivery(client, db):
    install_default_rules()
    gift = BookFactory(
        format="gift", work=None, upc=None, title="Tote", slug="tote", stockrecord__price="12.00"
    )
    order = place_order(make_basket(gift, owner=UserFactory()))
    line = order.lines.get()
    assert (line.line_price_incl_tax, line.line_price_excl_tax) == (12, 10)  # the order line stores the VAT

    text = order_page_text(client, order)
    assert "VAT included in the total £2.00" in text
    assert f"Estimated delivery {order.estimated_delivery:%A %-d %B %Y}" in text
    assert "import duties" not in text


def test_R_D2_an_order_going_abroad_shows_the_duties_notice(client, db):
    install_default_rules()
    paperback = BookFactory()
    order = place_order(make_basket(paperback, owner=UserFactory()), address=shipping_address("US"))
    assert "Import duties and taxes" in order_page_text(client, order)


def test_a_line_of_another_order_is_not_found_not_a_500(client, db):
    """Issue 10: /accounts/orders/<own order>/<another order's line>/ raised Line.DoesNotExist."""
    install_default_rules()
    reader = UserFactory()
    own = place_order(make_basket(BookFactory(), owner=reader))
    theirs = place_order(make_basket(BookFactory(), owner=UserFactory()))
    client.force_login(reader)

    def line_page(order, line):
        return client.get(
            reverse("customer:order-line", kwargs={"order_number": order.number, "line_id": line.pk})
        )

    assert line_page(own, theirs.lines.get()).status_code == 404
    assert line_page(theirs, theirs.lines.get()).status_code == 404
    assert (
        client.post(
            reverse(
                "customer:order-line", kwargs={"order_number": own.number, "line_id": theirs.lines.get().pk}
            ),
            {"action": "reorder"},
        ).status_code
        == 404
    )
