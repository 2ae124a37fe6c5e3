"""An editor's monthly selection must fit its plan (R-S2): the Wagtail admin refuses, in plain
words on the form, what the month's orders could not be made from; nothing half-saved."""

import datetime

import pytest
import time_machine

from bookclub import selection_rules
from bookclub.models import MonthlySelectionPage, Plan
from tests.bookclub.conftest import london
from tests.bookclub.editing import add_url, edit_url, form_errors, selection_form, text
from tests.factories import BookFactory, make_book
from tests.factories.bookclub import make_plan, plan_page, selection

pytestmark = pytest.mark.django_db

TODAY = london(2027, 3, 10, 11, 0)


@pytest.fixture(autouse=True)
def march_2027():
    with time_machine.travel(TODAY, tick=False):
        yield


def paperbacks(count: int, **fields):
    return [make_book(ebook=False, **fields)[0] for _ in range(count)]


def ebooks(count: int):
    return [BookFactory(format="ebook", stockrecord__stock=None) for _ in range(count)]


def test_R_S2_editor_adds_a_selection_under_its_plan_page_and_the_plan_comes_from_it(client, editor):
    plan = make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post", books_per_month=2)
    page = plan_page(plan)
    books = paperbacks(2)

    response = client.post(add_url(page), selection_form("2027-04", books))

    assert response.status_code == 302, form_errors(response)
    april = MonthlySelectionPage.objects.get()
    assert april.plan == plan and april.live
    assert april.month == datetime.date(2027, 4, 1)
    assert april.title == "Paperback Post, April 2027"  # named after its plan and month when left empty
    assert [pick.product for pick in april.picks.all()] == books


def test_R_S2_any_day_of_a_month_is_stored_as_its_first_day(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    response = client.post(add_url(page), selection_form("2027-05-17", paperbacks(1)))
    assert response.status_code == 302
    assert MonthlySelectionPage.objects.get().month == datetime.date(2027, 5, 1)


def test_R_S2_the_form_offers_the_first_month_without_a_selection(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    selection(page, datetime.date(2027, 3, 1), paperbacks(1))
    selection(page, datetime.date(2027, 4, 1), paperbacks(1))
    response = client.get(add_url(page))
    assert 'type="month"' in text(response)
    assert 'value="2027-05"' in text(response)


def test_R_S2_a_second_selection_for_the_same_month_is_a_form_error_not_a_crash(client, editor):
    page = plan_page(make_plan(title="One Good Book", books_per_month=1))
    selection(page, datetime.date(2027, 4, 1), paperbacks(1), publish=False)

    response = client.post(add_url(page), selection_form("2027-04", paperbacks(1)))

    assert response.status_code == 200
    assert "One Good Book already has a selection for April 2027" in text(response)
    assert MonthlySelectionPage.objects.count() == 1


def test_R_S2_a_saved_selection_keeps_its_month(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    april = selection(page, datetime.date(2027, 4, 1), paperbacks(1), publish=False)
    response = client.post(edit_url(april), selection_form("2027-09", paperbacks(1), title=april.title))
    assert response.status_code == 302
    april.refresh_from_db()
    assert april.month == datetime.date(2027, 4, 1)


def test_R_S2_paperback_plan_needs_exactly_its_books_per_month_to_publish(client, editor):
    page = plan_page(make_plan(title="Paperback Post", books_per_month=2))

    too_few = client.post(add_url(page), selection_form("2027-04", paperbacks(1)))
    too_many = client.post(add_url(page), selection_form("2027-04", paperbacks(3)))

    assert "Paperback Post sends 2 paperbacks a month" in text(too_few)
    assert "You have 1: add 1 more." in text(too_few)
    assert "You have 3: remove 1." in text(too_many)
    assert not MonthlySelectionPage.objects.exists()


def test_R_S2_a_draft_may_be_saved_before_every_pick_is_chosen(client, editor):
    page = plan_page(make_plan(books_per_month=2))
    response = client.post(add_url(page), selection_form("2027-04", paperbacks(1), action="save"))
    assert response.status_code == 302
    draft = MonthlySelectionPage.objects.get()
    assert not draft.live


def test_R_S2_paperback_plan_refuses_an_ebook_wrong_format(client, editor):
    page = plan_page(make_plan(title="Paperback Post", books_per_month=2))
    ebook = ebooks(1)[0]

    response = client.post(add_url(page), selection_form("2027-04", [paperbacks(1)[0], ebook]))

    assert f"“{ebook.title}” is an eBook; Paperback Post sends paperbacks." in text(response)
    assert not MonthlySelectionPage.objects.exists()


def test_R_S2_R_C2_an_out_of_stock_paperback_is_refused(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    sold_out = paperbacks(1, title="The Last Copy")[0]
    sold_out.stockrecords.update(num_in_stock=0)

    response = client.post(add_url(page), selection_form("2027-04", [sold_out]))

    assert "“The Last Copy” cannot be ordered now: this book is out of stock." in text(response)
    assert not MonthlySelectionPage.objects.exists()


def test_R_S2_R_C3_a_preorder_paperback_published_by_the_dispatch_date_is_accepted(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    preorder = BookFactory(publication_date=datetime.date(2027, 4, 1), stockrecord__stock=20)
    response = client.post(add_url(page), selection_form("2027-04", [preorder]))
    assert response.status_code == 302, form_errors(response)


def test_R_S2_R_C3_a_paperback_published_after_the_dispatch_date_is_refused(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    later = BookFactory(title="Not Yet", publication_date=datetime.date(2027, 4, 2), stockrecord__stock=20)

    response = client.post(add_url(page), selection_form("2027-04", [later]))

    assert (
        "“Not Yet” is published on 2 April 2027, after this month's parcels go out on 1 April 2027."
        in text(response)
    )


def test_R_S2_the_same_book_twice_is_refused(client, editor):
    page = plan_page(make_plan(books_per_month=2))
    book = paperbacks(1, title="Twice Told")[0]
    response = client.post(add_url(page), selection_form("2027-04", [book, book]))
    assert "“Twice Told” is already pick 1: choose another book." in text(response)
    assert not MonthlySelectionPage.objects.exists()


def test_R_S2_R_S7_ebook_plan_lists_exactly_its_most_titles(client, editor):
    plan = make_plan(Plan.Kind.EBOOK, title="eReader Monthly", min_titles=1, default_titles=2, max_titles=3)
    page = plan_page(plan)

    short = client.post(add_url(page), selection_form("2027-04", ebooks(2)))
    assert "eReader Monthly members choose up to 3 eBooks a month" in text(short)
    assert "You have 2: add 1 more." in text(short)

    response = client.post(add_url(page), selection_form("2027-04", ebooks(3)))
    assert response.status_code == 302
    assert MonthlySelectionPage.objects.get().picks.count() == 3


def test_R_S2_R_C3_ebook_plan_refuses_paperbacks_and_ebooks_not_out_by_the_1st(client, editor):
    page = plan_page(
        make_plan(Plan.Kind.EBOOK, title="Pocket eBooks", min_titles=1, default_titles=1, max_titles=2)
    )
    paperback = paperbacks(1)[0]
    future = BookFactory(format="ebook", title="Tomorrow's Tale", publication_date=datetime.date(2027, 4, 20))

    response = client.post(add_url(page), selection_form("2027-04", [paperback, future]))

    assert f"“{paperback.title}” is a paperback; Pocket eBooks sends eBooks." in text(response)
    assert (
        "“Tomorrow's Tale” is published on 20 April 2027, after this month's eBooks reach the eBookshelf"
        in text(response)
    )


def test_R_S2_a_selection_cannot_be_scheduled_to_go_live_after_its_run_date(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    response = client.post(
        add_url(page), selection_form("2027-04", paperbacks(1), go_live_at="2027-04-02 09:00")
    )
    assert "April 2027's orders are made from this selection at 00:00 on 1 April 2027" in text(response)
    assert not MonthlySelectionPage.objects.exists()


def test_R_S2_a_selection_never_expires(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    response = client.post(
        add_url(page), selection_form("2027-04", paperbacks(1), expire_at="2027-06-01 09:00")
    )
    assert "A monthly selection does not expire" in text(response)


def test_R_S2_the_rules_in_words_for_each_kind_of_plan():
    prepaid = make_plan(Plan.Kind.PREPAID, title="The Reading Season", books_per_month=2)
    problems = selection_rules.check_picks(prepaid, datetime.date(2027, 4, 1), [])
    assert [p.message for p in problems] == [
        "The Reading Season sends 2 paperbacks a month, so the selection holds exactly 2 paperbacks. "
        "You have 0: add 2 more."
    ]
    assert selection_rules.check_picks(prepaid, datetime.date(2027, 4, 1), [], complete=False) == []
    assert selection_rules.dispatch_date(datetime.date(2027, 4, 19)) == datetime.date(2027, 4, 1)


def test_R_S2_the_plan_is_never_a_field_of_the_selection_form(client, editor):
    page = plan_page(make_plan(books_per_month=1))
    form = text(client.get(add_url(page)))
    assert 'name="plan"' not in form


def test_R_S2_a_plan_page_offers_only_plans_without_a_page_and_keeps_its_plan(client, editor):
    from django.urls import reverse
    from wagtail.test.utils.form_data import rich_text

    from bookclub.models import PlanPage
    from tests.factories.bookclub import plans_index

    taken = make_plan(title="Already Paged")
    plan_page(taken)
    free = make_plan(title="Still Pageless")
    add = reverse("wagtailadmin_pages:add", args=("bookclub", "planpage", plans_index().pk))
    form = text(client.get(add))
    assert "Still Pageless" in form and "Already Paged" not in form

    response = client.post(
        add,
        {
            "title": "Still Pageless",
            "slug": "still-pageless",
            "plan": free.pk,
            "introduction": "A new plan.",
            "how_it_works": rich_text(""),
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 302, form_errors(response)
    created = PlanPage.objects.get(plan=free)
    edit = text(client.get(edit_url(created)))
    assert 'name="plan"' in edit and "disabled" in edit.split('name="plan"')[1].split(">")[0]
