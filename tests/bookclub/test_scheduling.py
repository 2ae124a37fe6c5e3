"""Scheduled publishing of a selection is Wagtail's own (R-S2): an editor schedules next month's
picks in the admin, and they are not live, nor read by anyone, until ``publish_scheduled`` runs at
their go-live time, London time on either side of the clock change."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from bookclub import selections
from bookclub.models import MonthlySelectionPage
from tests.bookclub.conftest import london
from tests.bookclub.editing import add_url, form_errors, selection_form
from tests.factories import UserFactory, make_book
from tests.factories.bookclub import make_plan, plan_page

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2027, 4, 1)


@pytest.mark.parametrize(
    "go_live, clock",
    [
        ("2027-03-25 09:00", (2027, 3, 25, 9, 0)),  # GMT: 09:00 UTC
        ("2027-03-31 09:00", (2027, 3, 31, 9, 0)),  # BST since 28 March: 08:00 UTC
    ],
)
def test_R_S2_a_scheduled_selection_goes_live_only_when_publish_scheduled_runs_at_its_time(
    client, go_live, clock
):
    plan = make_plan(books_per_month=2)
    page = plan_page(plan)
    books = [make_book(ebook=False)[0] for _ in range(2)]
    with time_machine.travel(london(2027, 3, 10, 11, 0), tick=False):
        client.force_login(UserFactory(editor=True))  # a session started now, not months ago
        response = client.post(add_url(page), selection_form("2027-04", books, go_live_at=go_live))
        assert response.status_code == 302, form_errors(response)

    april = MonthlySelectionPage.objects.get()
    assert not april.live
    assert april.scheduled_revision.approved_go_live_at == london(*clock)
    assert selections.picks_for(plan, APRIL) == []

    with time_machine.travel(london(*clock) - datetime.timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
    assert not MonthlySelectionPage.objects.get().live
    assert selections.picks_for(plan, APRIL) == []

    with time_machine.travel(london(*clock) + datetime.timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
    assert MonthlySelectionPage.objects.get().live
    assert [pick.product_id for pick in selections.picks_for(plan, APRIL)] == [book.pk for book in books]
