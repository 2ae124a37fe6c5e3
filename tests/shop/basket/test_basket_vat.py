"""R-C4: the basket shows VAT-inclusive prices, the VAT each line contains and the total; R-D2 notice."""

from bs4 import BeautifulSoup
from django.urls import reverse

from shop.shipping.defaults import install_default_rules
from tests.factories import BookFactory, make_book


def test_R_C4_the_basket_shows_the_vat_in_each_line_and_in_total(client, db):
    install_default_rules()
    paperback = BookFactory(stockrecord__price="8.99")
    gift = BookFactory(
        format="gift", work=None, upc=None, title="Tote", slug="tote", stockrecord__price="12.00"
    )
    for product in (paperback, gift):
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})

    soup = BeautifulSoup(client.get(reverse("basket:summary")).content, "html.parser")
    line_vat = [note.get_text(" ", strip=True) for note in soup.select(".line-vat")]
    assert line_vat == ["VAT 0% (zero-rated)", "includes VAT £2.00"]
    assert soup.select_one(".vat-total").get_text(" ", strip=True) == "VAT included in the goods £2.00"
    text = soup.get_text(" ", strip=True)
    assert "Order total £23.98" in text  # £20.99 of goods and £2.99 UK Standard delivery, shown apart
    assert "UK Standard £2.99" in text


def test_R_D2_the_basket_tells_buyers_abroad_about_import_duties(client, db):
    install_default_rules()
    paperback, _ = make_book()
    client.post(reverse("basket:add", kwargs={"pk": paperback.pk}), {"quantity": 1})
    assert "import duties" in client.get(reverse("basket:summary")).content.decode()


def test_R_D4_an_ebook_basket_shows_no_delivery_charge(client, db):
    install_default_rules()
    _, ebook = make_book()
    client.post(reverse("basket:add", kwargs={"pk": ebook.pk}), {"quantity": 1})
    text = BeautifulSoup(client.get(reverse("basket:summary")).content, "html.parser").get_text(
        " ", strip=True
    )
    assert "there is no delivery charge" in text
