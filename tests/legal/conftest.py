"""Legal pages built the way editors build them: each version is a revision, published by Wagtail."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from wagtail.models import Page

from legal.models import LegalPage
from website.models import SectionPage

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def body(*sections) -> list:
    """StreamField data: ("Heading", ["clause", ...]) sections, or a plain string for a preamble."""
    blocks = []
    for section in sections:
        if isinstance(section, str):
            blocks.append(("preamble", f"<p>{section}</p>"))
        else:
            heading, clauses = section
            blocks.append(
                (
                    "section",
                    {"heading": heading, "intro": "", "clauses": [{"text": f"<p>{c}</p>"} for c in clauses]},
                )
            )
    return blocks


TERMS_V1 = body(
    "These terms apply to every order.",
    ("About us", ["We are a small book club.", "Write to us at hello@bookclub.test."]),
    ("Cancelling", ["You may cancel within 14 days.", "Refunds go back to your card."]),
)
TERMS_V2 = body(
    "These terms apply to every order.",
    ("About us", ["We are a small book club in Bristol.", "Write to us at hello@bookclub.test."]),
    (
        "Cancelling",
        [
            "You may cancel within 14 days.",
            "eBooks cannot be returned once downloaded.",
            "Refunds go back to your card.",
        ],
    ),
)


def publish(page, *, summary, content, effective_from=None, go_live_at=None, significant=False, user=None):
    """Save a new revision of ``page`` with these fields and publish (or schedule) it, as the admin does."""
    page = LegalPage.objects.get(pk=page.pk)
    page.change_summary, page.body = summary, content
    page.effective_from = effective_from or (go_live_at or timezone.now()).astimezone(LONDON).date()
    page.go_live_at, page.significant_change = go_live_at, significant
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    return revision


@pytest.fixture
def legal_section(db):
    home = Page.objects.get(depth=2)  # the site's root page
    return home.add_child(instance=SectionPage(title="Legal", slug="legal"))


def make_legal_page(section, kind, *, content=TERMS_V1, title=None, effective_from=None):
    page = LegalPage(
        title=title or kind.title(),
        slug=kind,
        kind=kind,
        change_summary="First version.",
        body=content,
        effective_from=effective_from or timezone.localdate(),
    )
    section.add_child(instance=page)
    revision = page.save_revision()
    revision.publish()
    return LegalPage.objects.get(pk=page.pk), revision


@pytest.fixture
def terms(legal_section):
    page, _revision = make_legal_page(legal_section, "terms", title="Terms and Conditions of Sale")
    return page


@pytest.fixture
def privacy(legal_section):
    page, _revision = make_legal_page(
        legal_section, "privacy", title="Privacy Policy", content=body(("Your data", ["We keep little."]))
    )
    return page
