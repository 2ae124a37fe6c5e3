"""R-D1: the public delivery page is drawn from the live rules and matches what checkout charges."""

from decimal import Decimal

from bs4 import BeautifulSoup
from oscar.core.loading import get_model

from shop.shipping.repository import Repository
from tests.factories import BookFactory, make_book
from tests.factories.orders import make_basket, shipping_address

WeightBased = get_model("shipping", "WeightBased")
WeightBand = get_model("shipping", "WeightBand")
Country = get_model("address", "Country")

# A sample destination for each zone.
SAMPLE_DESTINATION = {"United Kingdom": "GB", "Europe": "FR", "Rest of the world": "JP"}


def page_figures(html: str) -> dict:
    """{method code: {"threshold": Decimal|None, "bands": [(from, to, charge)]}} as the page shows them."""
    soup = BeautifulSoup(html, "html.parser")
    figures = {}
    for block in soup.select("[data-method]"):
        free = block.select_one("[data-threshold]")
        figures[block["data-method"]] = {
            "threshold": Decimal(free["data-threshold"]) if free else None,
            "bands": [
                tuple(Decimal(row[key]) for key in ("data-weight-from", "data-weight-to", "data-charge"))
                for row in block.select("tr[data-charge]")
            ],
            "text": block.get_text(" ", strip=True),
        }
    return figures


def charged(basket, method_code: str, country: str) -> Decimal:
    methods = Repository().get_shipping_methods(basket, shipping_addr=shipping_address(country))
    method = next(m for m in methods if m.code == method_code)
    return method.calculate(basket).incl_tax


def test_R_D1_the_delivery_page_charges_match_what_checkout_charges(client, delivery_rules):
    response = client.get("/delivery/")
    assert response.status_code == 200
    figures = page_figures(response.content.decode())
    assert set(figures) == set(WeightBased.objects.values_list("code", flat=True))
    cheap = BookFactory(stockrecord__price="0.50", stockrecord__stock=1000)

    for method in WeightBased.objects.all():
        shown = figures[method.code]
        country = SAMPLE_DESTINATION[method.zone]
        assert shown["bands"], method.name
        for weight_from, weight_to, charge in shown["bands"]:
            # The most books that still fit the band, each weighing the method's default weight.
            copies = int(weight_to / method.default_weight)
            assert copies * method.default_weight > weight_from
            basket = make_basket((cheap, copies))
            assert charged(basket, method.code, country) == charge, (method.name, weight_to)
        if shown["threshold"] is not None:
            dear = BookFactory(stockrecord__price=str(shown["threshold"]))
            assert charged(make_basket(dear), method.code, country) == Decimal("0.00")
            just_under = BookFactory(stockrecord__price=str(shown["threshold"] - Decimal("0.01")))
            assert charged(make_basket(just_under), method.code, country) > 0


def test_R_D1_the_delivery_page_lists_zones_times_and_blocked_countries(client, delivery_rules):
    html = client.get("/delivery/").content.decode()
    text = BeautifulSoup(html, "html.parser").get_text(" ", strip=True)
    for zone in ("United Kingdom", "Europe", "Rest of the world"):
        assert zone in text
    for method in WeightBased.objects.all():
        assert method.name in text
        assert method.typical_days in text
    assert "Free when the goods we post cost £25.00 or more" in text
    blocked = BeautifulSoup(html, "html.parser").select_one(".blocked-countries").get_text()
    assert blocked == "Nigeria, Somalia, Zimbabwe"
    assert "import duties" in text
    assert "14:00" in text


def test_R_D1_an_admin_edit_shows_on_the_delivery_page_at_once(client, delivery_rules):
    """The anonymous page cache is retired when a band, method or blocked country changes."""
    from wagtail.models import Site

    from website.models import FooterSettings, NavigationSettings

    site = Site.objects.get(is_default_site=True)  # made on first use, which counts as a change
    NavigationSettings.for_site(site)
    FooterSettings.for_site(site)
    first = client.get("/delivery/")
    assert client.get("/delivery/")["X-Page-Cache"] == "hit"
    assert "£2.99" in first.content.decode()

    band = WeightBand.objects.get(method__name="UK Standard", upper_limit=1)
    band.charge = Decimal("3.19")
    band.save()
    html = client.get("/delivery/").content.decode()
    assert "£3.19" in html and "£2.99" not in html

    Country.objects.filter(iso_3166_1_a2="ZW").update(is_shipping_country=True)  # no signal:
    country = Country.objects.get(iso_3166_1_a2="SO")  # a dashboard save sends one
    country.is_shipping_country = True
    country.save()
    blocked = BeautifulSoup(client.get("/delivery/").content, "html.parser").select_one(".blocked-countries")
    assert blocked.get_text() == "Nigeria"

    europe = WeightBased.objects.get(name="Europe Tracked")
    europe.countries.remove(Country.objects.get(iso_3166_1_a2="FR"))
    assert (
        "France"
        not in client.get("/delivery/")
        .content.decode()
        .split("Rest of the world")[0]
        .split("Europe Tracked")[0]
        .split("Delivery abroad")[-1]
    )


def test_R_D1_the_footer_links_the_delivery_page(client, delivery_rules, django_user_model):
    paperback, _ = make_book()
    assert 'href="/delivery/"' in client.get(paperback.get_absolute_url()).content.decode()


def test_R_D1_an_ebook_basket_is_charged_no_delivery_whatever_the_rules(delivery_rules):
    _, ebook = make_book()
    methods = Repository().get_shipping_methods(make_basket(ebook))
    assert [m.code for m in methods] == ["no-shipping-required"]
