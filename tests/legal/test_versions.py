"""R-L1: every published version of a legal document is kept, public and comparable; drafts never are."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from wagtail.models import Revision

from legal import document, versions
from legal.models import LegalPage, LegalVersion
from tests.legal.conftest import TERMS_V1, TERMS_V2, body, london, make_legal_page, publish

pytestmark = pytest.mark.django_db


def test_R_L1_page_shows_the_version_in_force_with_numbered_linkable_clauses(client, terms):
    response = client.get("/legal/terms/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in html and "We are a small book club." in html
    assert 'id="clause-2-1"' in html and 'href="#clause-2-1"' in html
    assert 'id="section-2"' in html and "Cancelling" in html


def test_R_L1_every_published_version_stays_readable_at_its_own_url(client, terms):
    first = terms.live_revision
    publish(terms, summary="Adds where we are and a clause on eBooks.", content=TERMS_V2)

    assert versions.version_url(first) == "/legal/terms/versions/1/"
    old = client.get("/legal/terms/versions/1/").content.decode()
    assert "We are a small book club." in old and "in Bristol" not in old
    assert "earlier version" in old
    current = client.get("/legal/terms/").content.decode()
    assert "We are a small book club in Bristol." in current and "Version 2" in current
    assert client.get("/legal/terms/versions/2/").status_code == 200


def test_R_L1_version_list_gives_each_version_its_date_and_summary(client, legal_section):
    with time_machine.travel(london(2026, 1, 5, 10, 0), tick=False):
        terms, _first = make_legal_page(legal_section, "terms")
    with time_machine.travel(london(2026, 3, 1, 9, 0), tick=False):
        publish(terms, summary="Adds where we are and a clause on eBooks.", content=TERMS_V2)
    html = client.get("/legal/terms/versions/").content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "1 March 2026" in html
    assert "Adds where we are and a clause on eBooks." in html and "First version." in html
    assert html.index("Version 2") < html.index("Version 1")  # newest first


def test_R_L1_a_draft_never_reaches_the_public_archive(client, terms):
    page = LegalPage.objects.get(pk=terms.pk)
    page.change_summary, page.body = "Secret draft.", body(("Draft", ["A draft clause nobody may see."]))
    page.save_revision()  # saved, not published

    assert LegalVersion.objects.filter(page=terms).count() == 1
    for url in ["/legal/terms/", "/legal/terms/versions/", "/legal/terms/versions/1/"]:
        assert "nobody may see" not in client.get(url).content.decode(), url
    assert client.get("/legal/terms/versions/2/").status_code == 404
    assert client.get("/legal/terms/versions/compare/?from=1&to=2").status_code == 404
    assert versions.version_in_force("terms") == terms.live_revision


def test_R_L1_R_L4_scheduled_version_goes_live_only_when_publish_scheduled_runs(client, legal_section):
    """Before the go-live time the old version is in force and the new one is nowhere public;
    after publish_scheduled runs, the new one is in force and numbered."""
    with time_machine.travel(london(2026, 1, 5, 10, 0), tick=False):
        terms, first = make_legal_page(legal_section, "terms")
    go_live = london(2026, 6, 1, 0, 0)
    with time_machine.travel(london(2026, 5, 1, 10, 0), tick=False):
        scheduled = publish(terms, summary="Adds where we are.", content=TERMS_V2, go_live_at=go_live)
        scheduled.refresh_from_db()
        assert scheduled.approved_go_live_at == go_live
        assert versions.version_in_force("terms") == first
        assert "in Bristol" not in client.get("/legal/terms/").content.decode()
        assert "in Bristol" not in client.get("/legal/terms/versions/").content.decode()
        assert client.get("/legal/terms/versions/2/").status_code == 404

    with time_machine.travel(london(2026, 5, 31, 23, 59), tick=False):
        call_command("publish_scheduled")
        assert versions.version_in_force("terms") == first  # not yet

    with time_machine.travel(london(2026, 6, 1, 0, 5), tick=False):
        call_command("publish_scheduled")
        assert versions.version_in_force("terms") == scheduled
        assert "in Bristol" in client.get("/legal/terms/").content.decode()
        assert versions.version_url(scheduled) == "/legal/terms/versions/2/"
    # Asked about a moment in the past, the old version is still the answer.
    assert versions.version_in_force("terms", at=london(2026, 5, 15, 12, 0)) == first


def test_R_L1_a_page_scheduled_before_it_was_ever_live_has_no_public_version(client, legal_section):
    """Wagtail sends page_published when it schedules a never-live page; that must not make a version."""
    with time_machine.travel(london(2026, 5, 1, 10, 0), tick=False):
        page = LegalPage(
            title="Returns Policy",
            slug="returns",
            kind="returns",
            change_summary="First version.",
            body=TERMS_V1,
        )
        page.go_live_at = london(2026, 6, 1, 0, 0)
        page.effective_from = datetime.date(2026, 6, 1)
        legal_section.add_child(instance=page)
        page.save_revision().publish()
        assert not LegalVersion.objects.exists()
        assert versions.version_in_force("returns") is None
        assert client.get("/legal/returns/").status_code == 404


def test_R_L1_version_numbers_never_change(terms):
    second = publish(terms, summary="Second.", content=TERMS_V2)
    version = versions.record_publication(terms, second)  # published again: same number
    assert version.number == 2 and LegalVersion.objects.filter(page=terms).count() == 2
    third = publish(terms, summary="Back to the first wording.", content=TERMS_V1)
    assert versions.version_of(third).number == 3
    assert versions.version_url(second) == "/legal/terms/versions/2/"


def test_R_L1_published_versions_are_protected_from_deletion_and_purging(terms):
    from django.db.models import ProtectedError

    revision = terms.live_revision
    with pytest.raises(ProtectedError):
        revision.delete()
    publish(terms, summary="Second.", content=TERMS_V2)
    call_command("purge_revisions", "--days", "0", verbosity=0)
    assert Revision.objects.filter(pk=revision.pk).exists()


def test_R_L1_compare_aligns_clauses_and_marks_words():
    changes, unchanged = document.compare(LegalPage(body=TERMS_V1).body, LegalPage(body=TERMS_V2).body)
    kinds = [(change.kind, (change.new or change.old).label) for change in changes]
    assert kinds == [("changed", "1.1"), ("added", "2.2")]
    assert (
        "<ins>club in Bristol.</ins>" in changes[0].marked_up and "<del>club.</del>" in changes[0].marked_up
    )
    # "Refunds go back to your card." moved from 2.2 to 2.3 but did not change.
    assert unchanged == 6  # introduction, two headings, 1.2, 2.1 and the moved clause


def test_R_L1_compare_view_shows_what_changed_between_any_two_versions(client, terms):
    publish(terms, summary="Adds where we are and a clause on eBooks.", content=TERMS_V2)
    publish(terms, summary="Drops the eBook clause.", content=TERMS_V1)
    html = client.get("/legal/terms/versions/compare/?from=1&to=2").content.decode()
    assert "Added:" in html and "eBooks cannot be returned once downloaded." in html
    assert "Changed:" in html and "<ins>club in Bristol.</ins>" in html
    html = client.get("/legal/terms/versions/compare/?from=2&to=3").content.decode()
    assert "Removed:" in html
    default = client.get("/legal/terms/versions/compare/").content.decode()  # previous to newest
    assert "Drops the eBook clause." in default
    assert client.get("/legal/terms/versions/compare/?from=1&to=1").status_code == 200
    assert client.get("/legal/terms/versions/compare/?from=one&to=2").status_code == 404
    assert client.get("/legal/terms/versions/compare/?from=1&to=9").status_code == 404


def test_R_L1_compare_with_a_single_version_says_so(client, terms):
    html = client.get("/legal/terms/versions/compare/").content.decode()
    assert "only one version" in html


def test_R_L1_editor_must_describe_each_new_version(terms):
    page = LegalPage.objects.get(pk=terms.pk)
    page.body = TERMS_V2  # new wording, old summary
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "change_summary" in error.value.message_dict


def test_R_L1_published_legal_page_keeps_its_address(terms):
    page = LegalPage.objects.get(pk=terms.pk)
    page.slug = "conditions"
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "slug" in error.value.message_dict


def test_R_L1_one_page_per_kind(terms, legal_section):
    with pytest.raises(ValidationError):
        make_legal_page(legal_section, "terms")


def test_R_L4_future_effective_date_must_match_the_schedule(terms):
    page = LegalPage.objects.get(pk=terms.pk)
    page.change_summary = "Later."
    page.effective_from = datetime.date.today() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "effective_from" in error.value.message_dict


def test_R_L1_a_published_document_keeps_its_kind(terms):
    page = LegalPage.objects.get(pk=terms.pk)
    page.kind = "privacy"
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "kind" in error.value.message_dict


def test_R_L1_editor_preview_of_a_draft_is_marked_unpublished(terms):
    page = LegalPage.objects.get(pk=terms.pk)
    page.change_summary, page.body = "Draft.", body(("Draft", ["A clause in preview."]))
    response = page.make_preview_request()
    html = response.content.decode()
    assert response.status_code == 200 and "A clause in preview." in html
    assert "not published" in html and "Version 1" not in html
