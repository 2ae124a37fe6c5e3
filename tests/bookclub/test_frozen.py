"""A live selection whose month has begun is frozen (R-S2): the month's orders are made from it,
so the Wagtail admin refuses to edit, republish, unpublish, move, delete or copy it, and a
scheduled change is called off when it would go live. Drafts and future months stay free."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from bookclub import selections
from bookclub.models import MonthlySelectionPage
from bookclub.pages import FROZEN_LOG_ACTION
from tests.bookclub.conftest import london
from tests.bookclub.editing import edit_url, selection_form, text
from tests.factories import UserFactory, make_book
from tests.factories.bookclub import make_plan, plan_page, selection

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = datetime.date(2027, 3, 1), datetime.date(2027, 4, 1), datetime.date(2027, 5, 1)


@pytest.fixture(autouse=True)
def mid_march():
    with time_machine.travel(london(2027, 3, 10, 11, 0), tick=False):
        yield


@pytest.fixture
def club():
    """A plan's page with March live (frozen), April live (future) and May a draft."""
    plan = make_plan(title="One Good Book", books_per_month=1)
    page = plan_page(plan)
    return {
        "plan": plan,
        "page": page,
        "march": selection(page, MARCH, [make_book(ebook=False)[0]]),
        "april": selection(page, APRIL, [make_book(ebook=False)[0]]),
        "may": selection(page, MAY, [make_book(ebook=False)[0]], publish=False),
    }


def refused_with(response, client, words: str) -> bool:
    followed = client.get(response["Location"])
    return response.status_code == 302 and words in text(followed)


def test_R_S2_a_frozen_selection_opens_locked_and_says_why(client, editor, club):
    response = client.get(edit_url(club["march"]))
    assert response.status_code == 200
    assert "is frozen: it is live and March 2027 has begun" in text(response)
    assert "Frozen: its month has begun" in text(response)  # the only action, disabled
    assert 'name="action-publish"' not in text(response)


def test_R_S2_saving_or_publishing_a_frozen_selection_is_refused(client, editor, club):
    march = club["march"]
    before = list(selections.picks_for(club["plan"], MARCH))
    revisions = Revision.objects.filter(object_id=str(march.pk)).count()

    response = client.post(edit_url(march), selection_form("2027-03", [make_book(ebook=False)[0]]))

    assert refused_with(response, client, "It can no longer be edited or published again.")
    assert selections.picks_for(club["plan"], MARCH) == before
    assert Revision.objects.filter(object_id=str(march.pk)).count() == revisions


def test_R_S2_unpublishing_a_frozen_selection_is_refused(client, editor, club):
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=(club["march"].pk,)))
    assert refused_with(response, client, "It can no longer be unpublished.")
    assert MonthlySelectionPage.objects.get(pk=club["march"].pk).live


def test_R_S2_unpublishing_the_plan_page_with_its_selections_is_refused(client, editor, club):
    response = client.post(
        reverse("wagtailadmin_pages:unpublish", args=(club["page"].pk,)), {"include_descendants": "on"}
    )
    assert refused_with(response, client, "holds frozen selections")
    assert MonthlySelectionPage.objects.get(pk=club["march"].pk).live


@pytest.mark.parametrize("which", ["march", "page"])
def test_R_S2_deleting_a_frozen_selection_or_the_page_holding_it_is_refused(client, club, which):
    # Editors may not delete a page with subpages at all (Wagtail's bulk_delete permission): a
    # superuser shows that the plan page is refused for what it holds.
    client.force_login(UserFactory(editor=which == "march", is_superuser=which == "page"))
    url = reverse("wagtailadmin_pages:delete", args=(club[which].pk,))
    assert refused_with(
        client.get(url), client, "cannot be deleted" if which == "page" else "no longer be deleted"
    )
    assert refused_with(client.post(url), client, "deleted")
    assert MonthlySelectionPage.objects.filter(pk=club["march"].pk).exists()


def test_R_S2_moving_a_selection_is_refused(client, editor, club):
    other = plan_page(make_plan(title="Another Plan", books_per_month=1))
    for name in ("march", "may"):
        url = reverse("wagtailadmin_pages:move_confirm", args=(club[name].pk, other.pk))
        assert refused_with(client.post(url), client, "“" + club[name].title + "”")
        assert MonthlySelectionPage.objects.get(pk=club[name].pk).get_parent().pk == club["page"].pk


def test_R_S2_copying_a_selection_or_a_plan_page_is_refused(client, editor, club):
    for name in ("april", "page"):
        response = client.get(reverse("wagtailadmin_pages:copy", args=(club[name].pk,)))
        assert refused_with(response, client, "cannot be copied")


def test_R_S2_bulk_actions_cannot_delete_a_frozen_selection_or_publish_any(client, editor, club):
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    response = client.post(f"{bulk}?id={club['march'].pk}")
    assert refused_with(response, client, "no longer be deleted")

    publish = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = client.post(f"{publish}?id={club['may'].pk}")
    assert refused_with(response, client, "from its own page, where its picks are checked")
    assert not MonthlySelectionPage.objects.get(pk=club["may"].pk).live


def test_R_S2_future_months_and_drafts_stay_free(client, editor, club):
    april, may = club["april"], club["may"]
    new_pick = make_book(ebook=False)[0]
    response = client.post(
        edit_url(april), selection_form("2027-04", [new_pick], remove=april.picks.all(), title=april.title)
    )
    assert response.status_code == 302
    assert [pick.product_id for pick in selections.picks_for(club["plan"], APRIL)] == [new_pick.pk]

    response = client.post(reverse("wagtailadmin_pages:unpublish", args=(april.pk,)))
    assert response.status_code == 302 and not MonthlySelectionPage.objects.get(pk=april.pk).live

    response = client.post(reverse("wagtailadmin_pages:delete", args=(may.pk,)))
    assert response.status_code == 302 and not MonthlySelectionPage.objects.filter(pk=may.pk).exists()


def test_R_S2_a_scheduled_change_that_would_go_live_after_the_month_began_is_called_off(club):
    april = club["april"]
    replacement = make_book(ebook=False)[0]
    original = [pick.product_id for pick in selections.picks_for(club["plan"], APRIL)]
    # Scheduled for the evening before the run, but publish_scheduled only runs after midnight.
    draft = MonthlySelectionPage.objects.get(pk=april.pk)
    draft.picks.first().product = replacement
    draft.go_live_at = london(2027, 3, 31, 23, 30)
    revision = draft.save_revision()
    revision.publish()
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is not None

    with time_machine.travel(london(2027, 4, 1, 0, 5), tick=False):
        call_command("publish_scheduled")

    assert [pick.product_id for pick in selections.picks_for(club["plan"], APRIL)] == original
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None
    assert PageLogEntry.objects.filter(page_id=april.pk, action=FROZEN_LOG_ACTION).exists()
    assert not ModelLogEntry.objects.filter(action=FROZEN_LOG_ACTION).exists()
