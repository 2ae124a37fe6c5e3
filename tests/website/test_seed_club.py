"""seed_demo's club (R-S2): the plans index linked from the navigation and 'How the club works', a
page per demo plan, and a year of selections in every state the editorial calendar shows."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from bookclub import editorial_calendar, months, selection_rules, selections
from bookclub.editorial_calendar import Attention, State
from bookclub.models import MonthlySelectionPage, PlanPage, PlansIndexPage
from tests.bookclub.conftest import london
from website.demo import club
from website.demo.plans import PLANS, plans_by_sku

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = (months.month_of(london(2027, m, 1).date()) for m in (3, 4, 5))


def test_R_S2_demo_club_pages_and_a_year_of_selections_in_every_state():
    """One seed (it is the slow part), several checks."""
    with time_machine.travel(london(2027, 3, 10, 8, 0), tick=False):
        call_command("seed_demo", "--books", "60", "--covers", "3", "--quiet-users", stdout=io.StringIO())
        check_plan_pages_linked_from_the_navigation_and_the_guide()
        check_selections_cover_a_year_in_every_state()
        check_picks_respect_each_plans_rules()
        check_calendar_alerts_the_missing_month()


def check_plan_pages_linked_from_the_navigation_and_the_guide():
    index = PlansIndexPage.objects.get()
    assert PlanPage.objects.count() == len(PLANS) == 9
    visitor = Client()
    home = visitor.get("/").content.decode()
    assert f'href="{index.url}">Join the club</a>' in home
    assert f'href="{index.url}"' in visitor.get("/how-it-works/").content.decode()
    listing = visitor.get(index.url).content.decode()
    for plan_page in PlanPage.objects.all():
        assert plan_page.url in listing and plan_page.introduction
        assert visitor.get(plan_page.url).status_code == 200


def check_selections_cover_a_year_in_every_state():
    by_sku = plans_by_sku()
    for sku, plan in by_sku.items():
        chosen = {s.month: s for s in MonthlySelectionPage.objects.filter(plan=plan)}
        assert min(chosen) == months.add_months(MARCH, -club.PAST_MONTHS)
        past_and_now = [month for month in chosen if month <= MARCH]
        assert len(past_and_now) == club.PAST_MONTHS + 1
        assert all(chosen[month].live and selections.is_frozen(chosen[month]) for month in past_and_now)
        if sku == club.MISSING_NEXT_MONTH:
            assert APRIL not in chosen
        elif sku in club.SCHEDULED_NEXT_MONTH:
            assert not chosen[APRIL].live
            assert chosen[APRIL].scheduled_revision.approved_go_live_at <= selection_rules.run_starts_at(
                APRIL
            )
        else:
            assert chosen[APRIL].live
        assert not chosen[MAY].live and chosen[MAY].scheduled_revision is None


def check_picks_respect_each_plans_rules():
    for plan in plans_by_sku().values():
        for page in MonthlySelectionPage.objects.filter(plan=plan, month__gte=MARCH):
            products = [pick.product for pick in page.picks.all()]
            assert selection_rules.check_picks(plan, page.month, products) == [], (plan.name, page.month)
            assert all(pick.note for pick in page.picks.all())


def check_calendar_alerts_the_missing_month():
    _, rows = editorial_calendar.calendar()
    flagged = editorial_calendar.needing_attention(rows)
    assert [(slot.plan.name, slot.month, slot.state) for slot in flagged] == [
        ("The Bedside Stack", APRIL, State.MISSING)
    ]
    assert flagged[0].attention == Attention.DUE
