"""What the rest of the club reads of the editors' selections: only what is live (R-S2)."""

from datetime import date

import pytest
from wagtail.models import Page

from bookclub import selections
from bookclub.models import MonthlySelectionPage, PlanPage, PlansIndexPage, SelectionPick
from tests.factories.bookclub import make_plan
from tests.factories.catalogue import make_book

pytestmark = pytest.mark.django_db


def _plan_page(plan):
    home = Page.objects.get(depth=2)
    index = home.add_child(instance=PlansIndexPage(title="Plans", slug="plans"))
    return index.add_child(instance=PlanPage(title=plan.name, slug="a-plan", plan=plan))


def _selection(plan_page, month, products, *, publish):
    page = MonthlySelectionPage(title=f"Picks for {month:%B %Y}", slug=f"picks-{month:%Y-%m}", month=month)
    page.plan = plan_page.plan
    for product in products:
        page.picks.add(SelectionPick(product=product, note=f"Why {product.title}"))
    page.live = False
    plan_page.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return MonthlySelectionPage.objects.get(pk=page.pk)


def test_R_S2_only_a_live_selection_gives_the_month_its_picks():
    plan = make_plan()
    plan_page = _plan_page(plan)
    paperbacks = [make_book(ebook=False)[0] for _ in range(2)]
    _selection(plan_page, date(2027, 1, 1), paperbacks, publish=True)
    _selection(plan_page, date(2027, 2, 1), paperbacks[:1], publish=False)

    january = selections.picks_for(plan, date(2027, 1, 20))
    assert [pick.product_id for pick in january] == [p.pk for p in paperbacks]
    assert [pick.position for pick in january] == [1, 2]
    assert january[0].note == f"Why {paperbacks[0].title}"
    assert selections.picks_for(plan, date(2027, 2, 1)) == []  # a draft is the editors' business
    assert selections.live_selection(plan, date(2027, 2, 1)) is None


def test_R_S2_a_live_selection_is_frozen_once_its_month_has_begun():
    plan = make_plan()
    selection = _selection(_plan_page(plan), date(2027, 3, 1), [make_book(ebook=False)[0]], publish=True)
    assert not selections.is_frozen(selection, today=date(2027, 2, 28))
    assert selections.is_frozen(selection, today=date(2027, 3, 1))
