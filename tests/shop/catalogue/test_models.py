import pytest
from django.core.exceptions import ValidationError

from tests.factories import BookFactory, make_book

pytestmark = pytest.mark.django_db


def test_R_C1_a_book_product_refuses_an_invalid_isbn():
    book = BookFactory()
    book.upc = "9780141036145"  # wrong check digit
    with pytest.raises(ValidationError) as refused:
        book.full_clean()
    assert "upc" in refused.value.message_dict


def test_R_C1_formats_of_one_title_share_their_work():
    paperback, ebook = make_book()
    assert paperback.work_id == ebook.work_id
    assert paperback.get_product_class().requires_shipping and paperback.get_product_class().track_stock
    assert not ebook.get_product_class().requires_shipping and not ebook.get_product_class().track_stock


def test_R_C1_work_names_its_authors_in_credit_order():
    from tests.factories import AuthorFactory, WorkFactory

    first, second, third = (
        AuthorFactory(name="Ann Lee"),
        AuthorFactory(name="Bo Tan"),
        AuthorFactory(name="Cy Moor"),
    )
    assert WorkFactory(authors=[first]).author_names == "Ann Lee"
    assert WorkFactory(authors=[third, first, second]).author_names == "Cy Moor, Ann Lee and Bo Tan"
