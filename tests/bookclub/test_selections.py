"""What the rest of the club reads of the editors' selections: only what is live (R-S2)."""

from datetime import date

import pytest

from bookclub import selections
from tests.factories.bookclub import make_plan, plan_page, selection
from tests.factories.catalogue import make_book

pytestmark = pytest.mark.django_db


def test_R_S2_only_a_live_selection_gives_the_month_its_picks():
    plan = make_plan()
    page = plan_page(plan)
    paperbacks = [make_book(ebook=False)[0] for _ in range(2)]
    selection(page, date(2027, 1, 1), paperbacks, publish=True)
    selection(page, date(2027, 2, 1), paperbacks[:1], publish=False)

    january = selections.picks_for(plan, date(2027, 1, 20))
    assert [pick.product_id for pick in january] == [p.pk for p in paperbacks]
    assert [pick.position for pick in january] == [1, 2]
    assert january[0].note == f"Why {paperbacks[0].title}"
    assert selections.picks_for(plan, date(2027, 2, 1)) == []  # a draft is the editors' business
    assert selections.live_selection(plan, date(2027, 2, 1)) is None


def test_R_S2_a_live_selection_is_frozen_once_its_month_has_begun():
    plan = make_plan()
    march = selection(plan_page(plan), date(2027, 3, 1), [make_book(ebook=False)[0]], publish=True)
    assert not selections.is_frozen(march, today=date(2027, 2, 28))
    assert selections.is_frozen(march, today=date(2027, 3, 1))


def test_R_S2_a_draft_is_never_frozen():
    plan = make_plan()
    draft = selection(plan_page(plan), date(2027, 3, 1), [make_book(ebook=False)[0]], publish=False)
    assert not selections.is_frozen(draft, today=date(2027, 3, 15))


def test_live_months_loads_each_month_with_its_picks_in_order():
    plan = make_plan(books_per_month=2)
    page = plan_page(plan)
    books = [make_book(ebook=False)[0] for _ in range(4)]
    selection(page, date(2027, 1, 1), books[:2])
    selection(page, date(2027, 2, 1), books[2:])
    entries = selections.live_months(plan, [date(2027, 2, 1), date(2027, 1, 1), date(2027, 3, 1)])
    assert [entry.month for entry in entries] == [date(2027, 1, 1), date(2027, 2, 1)]
    assert [[pick.product_id for pick in entry.picks] for entry in entries] == [
        [books[0].pk, books[1].pk],
        [books[2].pk, books[3].pk],
    ]
