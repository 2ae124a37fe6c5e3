"""One entry per title in book lists, kept up to date as formats change."""

import pytest
from oscar.core.loading import get_model

from shop.catalogue import listing
from tests.factories import BookFactory, WorkFactory, make_book

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


def listed_ids():
    return set(listing.listed().values_list("id", flat=True))


def test_R_C1_a_title_with_a_paperback_is_listed_once_by_its_paperback():
    paperback, _ebook = make_book()
    assert listed_ids() == {paperback.id}


def test_R_C1_an_ebook_only_title_is_listed_by_its_ebook():
    work = WorkFactory()
    ebook = BookFactory(work=work, format="ebook", stockrecord__stock=None)
    assert listed_ids() == {ebook.id}


def test_R_C1_withdrawing_the_paperback_lists_the_ebook_instead():
    paperback, ebook = make_book()
    paperback.is_public = False
    paperback.save()
    assert listed_ids() == {ebook.id}
    paperback.is_public = True
    paperback.save()
    assert listed_ids() == {paperback.id}


def test_R_C1_moving_a_format_to_another_title_relists_both_titles():
    paperback, ebook = make_book()
    other = WorkFactory()
    paperback.work = other
    paperback.save()
    assert listed_ids() == {paperback.id, ebook.id}


def test_R_C1_deleting_the_paperback_lists_the_ebook():
    paperback, ebook = make_book()
    paperback.stockrecords.all().delete()
    paperback.delete()
    assert listed_ids() == {ebook.id}


def test_refresh_listing_costs_three_queries_for_a_whole_batch(django_assert_num_queries):
    books = [make_book() for _ in range(30)]
    Product.objects.update(is_listed=False)
    with django_assert_num_queries(3):  # read the formats, then mark; nothing was listed to unmark
        listing.refresh_listing(paperback.work_id for paperback, _ in books)
    assert listed_ids() == {paperback.id for paperback, _ in books}
