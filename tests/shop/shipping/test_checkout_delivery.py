"""Checkout's delivery steps: where a basket may go and what it is charged (R-D2, R-D3, R-D4)."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from oscar.core.loading import get_model

from shop.checkout.forms import BLOCKED_MESSAGE
from shop.shipping import rules
from shop.shipping.repository import Repository
from tests.factories import BookFactory, UserFactory, make_book
from tests.factories.orders import make_basket, place_order, shipping_address

Country = get_model("address", "Country")
UserAddress = get_model("address", "UserAddress")

ADDRESS = {
    "first_name": "Sam",
    "last_name": "Reader",
    "line1": "1 Rue de la Paix",
    "line4": "Paris",
    "postcode": "75002",
    "phone_number": "",
}


@pytest.fixture
def reader(client, delivery_rules):
    user = UserFactory()
    client.force_login(user)
    return user


def country_choices(response) -> set[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {option["value"] for option in soup.select("select[name=country] option")}


def test_R_D2_every_country_is_known_with_the_uk_first(db):
    assert Country.objects.count() == 249
    assert Country.objects.first().iso_3166_1_a2 == "GB"


def test_R_D2_blocked_countries_are_not_offered_at_checkout(client, reader):
    paperback, _ = make_book()
    make_basket(paperback, owner=reader)
    response = client.get(reverse("checkout:shipping-address"))
    choices = country_choices(response)
    assert {"GB", "FR", "US", "JP"} <= choices
    assert not {"NG", "SO", "ZW"} & choices
    assert "import duties" in response.content.decode()


def test_R_D2_a_forged_post_to_a_blocked_country_is_refused(client, reader):
    paperback, _ = make_book()
    make_basket(paperback, owner=reader)
    response = client.post(reverse("checkout:shipping-address"), {**ADDRESS, "country": "NG"})
    assert response.status_code == 200
    assert BLOCKED_MESSAGE in response.content.decode()
    assert not client.session.get("checkout_data", {}).get("shipping")


def test_R_D2_an_address_book_entry_in_a_blocked_country_is_refused(client, reader):
    paperback, _ = make_book()
    make_basket(paperback, owner=reader)
    blocked = UserAddress.objects.create(
        user=reader,
        first_name="Sam",
        last_name="R",
        line1="1 Road",
        line4="Lagos",
        postcode="100001",
        country=Country.objects.get(pk="NG"),
    )
    response = client.post(
        reverse("checkout:shipping-address"), {"address_id": blocked.pk, "action": "ship_to"}, follow=True
    )
    assert "cannot deliver to that country" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("checkout:shipping-address")


def test_R_D2_an_admin_can_unblock_and_block_countries(db):
    assert rules.is_blocked("NG") and not rules.is_blocked("FR")
    Country.objects.filter(pk="NG").update(is_shipping_country=True)
    Country.objects.filter(pk="FR").update(is_shipping_country=False)
    assert not rules.is_blocked("NG") and rules.is_blocked("FR")


def test_R_D2_no_delivery_method_reaches_a_blocked_country(delivery_rules):
    paperback, _ = make_book()
    basket = make_basket(paperback)

    def offered(country):
        methods = Repository().get_shipping_methods(basket, shipping_addr=shipping_address(country))
        return [method.name for method in methods]

    assert offered("SO") == []
    assert offered("FR") == ["Europe Tracked"]
    assert offered("BR") == ["Worldwide Tracked"]
    assert offered("GB") == ["UK Standard", "UK Tracked"]


def test_R_D2_international_means_outside_the_uk(db):
    assert rules.is_international(Country.objects.get(pk="FR"))
    assert rules.is_international("US")
    assert not rules.is_international(Country.objects.get(pk="GB"))
    assert not rules.is_international(None)


def test_R_D2_a_valid_address_abroad_goes_on_to_the_delivery_method(client, reader):
    paperback, _ = make_book()
    make_basket(paperback, owner=reader)
    response = client.post(reverse("checkout:shipping-address"), {**ADDRESS, "country": "FR"})
    assert response.status_code == 302
    assert response["Location"] == reverse("checkout:shipping-method")


def plan_product():
    return BookFactory(format="subscription-plan", work=None, title="Monthly paperback", upc="", slug="plan")


def test_R_D3_a_basket_with_a_plan_is_offered_uk_delivery_only(client, reader):
    paperback, _ = make_book()
    make_basket(paperback, plan_product(), owner=reader)
    response = client.get(reverse("checkout:shipping-address"))
    assert country_choices(response) == {"GB"}
    assert "UK address only" in response.content.decode()


def test_R_D3_a_forged_post_abroad_with_a_plan_is_refused(client, reader):
    paperback, _ = make_book()
    basket = make_basket(paperback, plan_product(), owner=reader)
    response = client.post(reverse("checkout:shipping-address"), {**ADDRESS, "country": "FR"})
    assert response.status_code == 200
    assert "Subscription plans are delivered to UK addresses only" in response.content.decode()
    # Were the address to reach the session some other way, no delivery method would take it.
    assert Repository().get_shipping_methods(basket, shipping_addr=shipping_address("FR")) == []
    assert "UK addresses only" in rules.destination_refusal(basket, "FR")


def test_R_D4_an_ebook_only_basket_skips_the_delivery_address_and_pays_no_delivery(client, reader):
    _, ebook = make_book()
    basket = make_basket(ebook, owner=reader)
    response = client.get(reverse("checkout:shipping-address"))
    assert response.status_code == 302 and response["Location"] == reverse("checkout:shipping-method")

    order = place_order(basket)
    assert order.shipping_address is None
    assert order.shipping_incl_tax == Decimal("0.00")
    assert order.shipping_code == "no-shipping-required"


def test_R_D4_a_mixed_basket_pays_delivery_on_its_paperbacks_only(delivery_rules):
    paperback = BookFactory(stockrecord__price="20.00")
    ebook = BookFactory(format="ebook", stockrecord__price="10.00", stockrecord__stock=None)
    alone = make_basket(paperback)
    mixed = make_basket(paperback, (ebook, 5))
    uk_standard = Repository().get_shipping_methods(mixed, shipping_addr=shipping_address())[0]

    # £70 of goods, but £20 of them posted: under the £25 free-delivery threshold.
    assert mixed.total_incl_tax == Decimal("70.00")
    assert uk_standard.calculate(mixed).incl_tax == uk_standard.calculate(alone).incl_tax == Decimal("2.99")
    assert rules.physical_goods_value(mixed) == Decimal("20.00")


def test_R_D2_R_D3_an_order_cannot_be_placed_for_a_refused_destination(delivery_rules):
    from oscar.apps.order.exceptions import UnableToPlaceOrder

    WeightBased = get_model("shipping", "WeightBased")
    paperback, _ = make_book()
    europe = WeightBased.objects.get(name="Europe Tracked")
    with pytest.raises(UnableToPlaceOrder, match="cannot deliver"):
        place_order(make_basket(paperback), address=shipping_address("NG"), method=europe)
    with pytest.raises(UnableToPlaceOrder, match="UK addresses only"):
        place_order(make_basket(paperback, plan_product()), address=shipping_address("FR"), method=europe)


def test_R_D1_the_dashboard_menu_leads_to_the_delivery_rules(client, delivery_rules):
    client.force_login(UserFactory(order_admin=True))
    html = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("dashboard:shipping-method-list") in html
    assert reverse("dashboard:shipping-blocked-destinations") in html
