"""The editorial calendar (R-S2, R-U1): for each plan that needs picks, the coming months and where
each selection stands (live, scheduled with its go-live time, draft only, missing), with the ones
that will not be live by their run date (the 1st, 00:00 London) flagged when it is near or past."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from bookclub import editorial_calendar, plans
from bookclub.editorial_calendar import Attention, State
from tests.bookclub.conftest import london
from tests.bookclub.editing import text
from tests.factories import UserFactory, make_book
from tests.factories.bookclub import make_plan, plan_page, selection, subscribe

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY, JUNE = (datetime.date(2027, month, 1) for month in (3, 4, 5, 6))
NOW = london(2027, 3, 20, 10, 0)


@pytest.fixture(autouse=True)
def late_march():
    with time_machine.travel(NOW, tick=False):
        yield


def book():
    return [make_book(ebook=False)[0]]


@pytest.fixture
def club():
    ready = make_plan(title="Ready Reader", books_per_month=1)
    page = plan_page(ready)
    selection(page, MARCH, book())
    selection(page, APRIL, book(), go_live_at=london(2027, 3, 28, 9, 0))
    selection(page, MAY, book(), publish=False)

    behind = make_plan(title="Behind Schedule", books_per_month=1)
    plan_page(behind)
    subscribe(behind)
    plans.close_to_new_members(behind)  # closed, but its members still need their books

    late = make_plan(title="Late Starter", books_per_month=1)
    selection(plan_page(late), APRIL, book(), go_live_at=london(2027, 4, 3, 9, 0))  # after the run

    quiet = make_plan(title="Quietly Closed", books_per_month=1)
    plans.close_to_new_members(quiet)  # no members: nothing to choose
    no_page = make_plan(title="No Page Yet", books_per_month=1)
    return {"ready": ready, "behind": behind, "late": late, "quiet": quiet, "no_page": no_page}


def slots_of(rows, plan) -> dict:
    row = next(row for row in rows if row.plan == plan)
    return {slot.month: slot for slot in row.slots}


def test_R_S2_calendar_shows_each_months_state_for_every_plan_that_needs_picks(club):
    shown, rows = editorial_calendar.calendar()

    assert shown[0] == MARCH and len(shown) == 7  # this month and the next six
    assert [row.plan.name for row in rows] == [
        "Ready Reader",
        "Behind Schedule",
        "Late Starter",
        "No Page Yet",
    ]
    ready = slots_of(rows, club["ready"])
    assert [ready[month].state for month in (MARCH, APRIL, MAY, JUNE)] == [
        State.LIVE,
        State.SCHEDULED,
        State.DRAFT,
        State.MISSING,
    ]
    assert ready[MARCH].frozen and not ready[APRIL].frozen
    assert ready[APRIL].go_live_at == london(2027, 3, 28, 9, 0)
    assert not any(slot.attention for slot in ready.values())  # May's run date is six weeks off


def test_R_S2_calendar_flags_months_that_will_not_be_live_by_their_run_date(club):
    _, rows = editorial_calendar.calendar()

    behind = slots_of(rows, club["behind"])
    assert behind[MARCH].attention == Attention.OVERDUE  # the run date has passed
    assert behind[APRIL].attention == Attention.DUE  # twelve days to go
    assert behind[MAY].attention == Attention.NONE
    late = slots_of(rows, club["late"])
    assert late[APRIL].state == State.SCHEDULED and late[APRIL].attention == Attention.DUE
    flagged = editorial_calendar.needing_attention(rows)
    assert (flagged[0].plan, flagged[0].month) == (club["behind"], MARCH)  # overdue first
    assert {(slot.plan.name, slot.month) for slot in flagged} == {
        ("Behind Schedule", MARCH),
        ("Behind Schedule", APRIL),
        ("Late Starter", MARCH),
        ("Late Starter", APRIL),
        ("No Page Yet", MARCH),
        ("No Page Yet", APRIL),
    }


def test_R_S2_the_scheduled_selection_shows_live_once_it_has_gone_live(club):
    from django.core.management import call_command

    with time_machine.travel(london(2027, 3, 28, 9, 1), tick=False):
        call_command("publish_scheduled")
        _, rows = editorial_calendar.calendar()
    assert slots_of(rows, club["ready"])[APRIL].state == State.LIVE


def test_R_S2_R_U1_editor_reads_the_calendar_with_links_to_add_and_edit(client, club):
    client.force_login(UserFactory(editor=True))
    response = client.get(reverse("editorial_calendar:index"))
    page = text(response)

    assert response.status_code == 200
    assert "Editorial calendar" in page
    assert "goes live 28 Mar 2027, 09:00" in page
    assert "Overdue" in page and "Due by 1 April" in page
    assert "Behind Schedule, March 2027</strong>: missing; the run date, 1 March, has passed" in page
    behind_page = club["behind"].page
    assert (
        reverse("wagtailadmin_pages:add", args=("bookclub", "monthlyselectionpage", behind_page.pk)) in page
    )
    assert "Add its plan page first" in page  # No Page Yet
    assert "Quietly Closed" not in page


def test_R_S2_the_admin_home_shows_what_needs_doing(client, club):
    client.force_login(UserFactory(editor=True))
    page = text(client.get(reverse("wagtailadmin_home")))
    assert "6 selections need attention" in page
    assert "Behind Schedule, March 2027" in page
    assert reverse("editorial_calendar:index") in page
