"""R-L1, R-L4: a significant change never goes live without its notice, whatever is pressed; a fix
goes live beside a scheduled version and is carried into it; readers' fields are in "what changed"."""

import copy

import pytest
import time_machine
from django.core.management import call_command
from wagtail.actions.publish_revision import PublishPermissionError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from bookclub.models import Subscription
from legal import scheduling, versions
from legal.models import LegalPage, LegalVersion, SignificantChangeNotice
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan
from tests.legal.conftest import london, make_legal_page, publish

pytestmark = pytest.mark.django_db

MOVED = "We are a small book club at 4 Quay Street, Bristol."
FIXED = "Refunds go back to the card you paid with."


def edited(page, changes: dict[str, str]) -> list:
    """The live body of ``page`` with clauses rewritten (``{"1.1": "new text"}``), block ids kept,
    as an editor's edit in the admin keeps them."""
    raw = copy.deepcopy(list(LegalPage.objects.get(pk=page.pk).body.raw_data))
    section = 0
    for block in raw:
        if block["type"] != "section":
            continue
        section += 1
        for number, clause in enumerate(block["value"]["clauses"], start=1):
            if f"{section}.{number}" in changes:
                clause["value"]["text"] = f"<p>{changes[f'{section}.{number}']}</p>"
    return raw


@pytest.fixture
def subscriber():
    customer = UserFactory(email="reader@example.com")
    Subscription.objects.create(customer=customer, plan=make_plan(), state=Subscription.State.ACTIVE)
    return customer


@pytest.fixture
def scheduled(legal_section, subscriber, mailoutbox, django_capture_on_commit_callbacks):
    """Terms in force since 1 May; a significant version (new address) scheduled on 10 May for 1 June."""
    with time_machine.travel(london(2026, 5, 1, 9, 0), tick=False):
        terms, _first = make_legal_page(legal_section, "terms", title="Terms and Conditions of Sale")
    with (
        time_machine.travel(london(2026, 5, 10, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        revision = publish(
            terms,
            summary="We are moving.",
            content=edited(terms, {"1.1": MOVED}),
            go_live_at=london(2026, 6, 1, 0, 0),
            significant=True,
        )
    assert len(mailoutbox) == 1
    return terms, revision


def cancel(revision):
    """Wagtail's "Cancel scheduled publish"."""
    revision.approved_go_live_at = None
    revision.save(update_fields=["approved_go_live_at"])


def body_form_data(raw: list) -> dict:
    """The POST data of the body field for ``raw`` stream data, with block ids as the admin sends them."""
    data = {"body-count": str(len(raw))}
    for i, block in enumerate(raw):
        prefix = f"body-{i}"
        data.update({f"{prefix}-type": block["type"], f"{prefix}-deleted": "", f"{prefix}-order": str(i)})
        data[f"{prefix}-id"] = block["id"]
        if block["type"] != "section":
            data[f"{prefix}-value"] = rich_text(block["value"])
            continue
        value = block["value"]
        data[f"{prefix}-value-heading"] = value["heading"]
        data[f"{prefix}-value-intro"] = rich_text(value["intro"] or "")
        data[f"{prefix}-value-clauses-count"] = str(len(value["clauses"]))
        for j, clause in enumerate(value["clauses"]):
            item = f"{prefix}-value-clauses-{j}"
            data.update({f"{item}-deleted": "", f"{item}-order": str(j), f"{item}-id": clause["id"]})
            data[f"{item}-value-text"] = rich_text(clause["value"]["text"])
    return data


def edit_form(page, *, body, go_live_at="", significant=False, intro=""):
    """The admin's edit form for ``page``, filled in as an editor would."""
    form_class = LegalPage.get_edit_handler().get_form_class()
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": "terms",
        "intro": intro,
        "effective_from": go_live_at[:10] if go_live_at else "2026-05-12",
        "change_summary": "Our new address.",
        "go_live_at": go_live_at,
        **body_form_data(body),
        **nested_form_data({"comments": inline_formset([])}),
    }
    if significant:
        data["significant_change"] = "on"
    return form_class(
        data,
        instance=LegalPage.objects.get(pk=page.pk),
        for_user=UserFactory(editor=True),
        parent_page=page.get_parent(),
    )


def test_R_L4_publishing_the_scheduled_changes_now_is_refused_after_the_schedule_is_cancelled(scheduled):
    """The hole of issue 15: cancel the schedule, clear the date, untick "significant", publish."""
    terms, waiting = scheduled
    first = terms.live_revision
    with time_machine.travel(london(2026, 5, 12, 9, 0), tick=False):
        cancel(waiting)
        form = edit_form(terms, body=edited(terms, {"1.1": MOVED}))
        assert not form.is_valid()
        message = " ".join(form.errors["significant_change"])
        assert "announced to subscribers for 1 June 2026 (1.1)" in message
        assert "26 May 2026 or later" in message

        # Any other button (bulk publish, a workflow, code) meets the same rule.
        page = LegalPage.objects.get(pk=terms.pk)
        page.change_summary, page.body = "Our new address.", edited(terms, {"1.1": MOVED})
        page.significant_change, page.go_live_at = False, None
        with pytest.raises(PublishPermissionError, match="14 days' notice"):
            page.save_revision().publish()
    assert versions.version_in_force("terms") == first
    assert LegalVersion.objects.filter(page=terms).count() == 1


def test_R_L4_carried_changes_scheduled_with_notice_are_significant_and_announced_again(
    scheduled, mailoutbox, django_capture_on_commit_callbacks
):
    terms, waiting = scheduled
    with time_machine.travel(london(2026, 5, 12, 9, 0), tick=False):
        cancel(waiting)
        too_soon = edit_form(terms, body=edited(terms, {"1.1": MOVED}), go_live_at="2026-05-20 00:00")
        assert not too_soon.is_valid()
        later = edit_form(terms, body=edited(terms, {"1.1": MOVED}), go_live_at="2026-06-15 00:00")
        assert later.is_valid(), later.errors
        assert later.cleaned_data["significant_change"] is True  # unticked, but it carries 1.1
        with django_capture_on_commit_callbacks(execute=True):
            page = later.save(commit=False)
            page.save_revision().publish()
    assert [mail.to for mail in mailoutbox] == [["reader@example.com"]] * 2
    assert "15 June 2026" in mailoutbox[1].subject


def test_R_L1_R_L4_a_minor_fix_goes_live_beside_the_scheduled_version_and_is_carried_into_it(
    scheduled, mailoutbox, django_capture_on_commit_callbacks, client
):
    terms, waiting = scheduled
    with time_machine.travel(london(2026, 5, 12, 9, 0), tick=False):
        form = edit_form(terms, body=edited(terms, {"2.2": FIXED}))
        assert form.is_valid(), form.errors
        with django_capture_on_commit_callbacks(execute=True):
            page = form.save(commit=False)
            fix = page.save_revision()
            fix.publish()
        assert versions.version_in_force("terms") == fix
        html = client.get("/legal/terms/").content.decode()
        assert FIXED in html and MOVED not in html
        waiting.refresh_from_db()
        assert waiting.approved_go_live_at == london(2026, 6, 1, 0, 0)  # still scheduled
        assert LegalPage.objects.get(pk=terms.pk).status_string == "live + scheduled"

    with (
        time_machine.travel(london(2026, 6, 1, 0, 5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("publish_scheduled")
        html = client.get("/legal/terms/").content.decode()
    assert MOVED in html and FIXED in html  # the fix was not lost when the schedule ran
    numbers = {v.revision_id: v.number for v in LegalVersion.objects.filter(page=terms)}
    assert numbers[fix.pk] == 2 and numbers[waiting.pk] == 3  # numbered in the order they went live
    assert len(mailoutbox) == 1  # the scheduled version's notice was not sent twice
    assert SignificantChangeNotice.objects.count() == 1


def test_R_L1_a_fix_that_rewrites_the_scheduled_words_is_refused(scheduled):
    terms, _waiting = scheduled
    with time_machine.travel(london(2026, 5, 12, 9, 0), tick=False):
        form = edit_form(terms, body=edited(terms, {"1.1": "We are a small book club, founded in 2019."}))
        assert not form.is_valid()
        assert "cannot be carried into the version scheduled for 1 June 2026" in str(form.errors)


def test_R_L4_a_second_schedule_beside_the_waiting_version_is_refused(scheduled):
    terms, _waiting = scheduled
    with time_machine.travel(london(2026, 5, 12, 9, 0), tick=False):
        form = edit_form(terms, body=edited(terms, {"2.2": FIXED}), go_live_at="2026-07-01 00:00")
        assert not form.is_valid()
        assert "already scheduled for 1 June 2026" in str(form.errors)


def test_R_L1_saving_a_draft_is_never_refused(scheduled):
    terms, waiting = scheduled
    with time_machine.travel(london(2026, 5, 12, 9, 0), tick=False):
        cancel(waiting)
        form = edit_form(terms, body=edited(terms, {"1.1": MOVED}))
        form.defer_required_fields()
        assert form.is_valid(), form.errors


def test_R_L1_R_L4_the_edit_screen_starts_from_the_version_in_force_and_says_what_is_scheduled(
    scheduled, client
):
    terms, _waiting = scheduled
    client.force_login(UserFactory(editor=True))
    with time_machine.travel(london(2026, 5, 12, 9, 0), tick=False):
        html = client.get(f"/cms/pages/{terms.pk}/edit/").content.decode()
    assert "Scheduled for 1 June 2026" in html and "a significant version" in html
    assert "1 subscriber has been told" in html
    assert "This form shows the version in force" in html
    assert "is locked" not in html
    assert "Quay Street" not in html  # the form holds the version in force, not the scheduled text


def test_R_L1_title_and_introduction_changes_appear_in_what_changed(client, terms):
    page = LegalPage.objects.get(pk=terms.pk)
    page.intro, page.title = "How we sell books and run the club.", "Terms of Sale"
    page.change_summary = "A new introduction."
    page.save_revision().publish()
    html = client.get("/legal/terms/versions/compare/?from=1&to=2").content.decode()
    assert "Added:</strong> Introduction" in html and "<ins>How we sell books and run the club.</ins>" in html
    assert "Changed:</strong> Title" in html and "<del>and Conditions</del>" in html


def test_R_L1_a_new_introduction_needs_its_own_summary(terms):
    from django.core.exceptions import ValidationError

    page = LegalPage.objects.get(pk=terms.pk)
    page.intro = "How we sell books."
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "change_summary" in error.value.message_dict


def test_R_L4_significance_of_a_version_without_a_schedule_is_the_editors_flag(terms):
    page = LegalPage.objects.get(pk=terms.pk)
    assert not scheduling.significance(page).significant
    page.significant_change = True
    assert scheduling.significance(page).significant
