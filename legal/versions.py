"""Versions of the legal documents: which one is in force, where each lives, how they are made (R-L1, R-L4).

A version is a published ``wagtailcore.Revision`` of a ``LegalPage``. ``record_publication``
(called when Wagtail publishes a revision, also from ``publish_scheduled``) numbers it; drafts
and revisions scheduled for later have no number, so they never appear in the public archive.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Revision

from legal import document
from legal.models import SIGNIFICANT_CHANGE_NOTICE_DAYS, LegalPage, LegalVersion


def legal_page(kind: str) -> LegalPage | None:
    """The live page of a kind ("terms", "privacy", "website-terms", "returns", "cookies")."""
    return LegalPage.objects.live().filter(kind=kind).first()


def published_versions(page: LegalPage):
    """Every published version of ``page``, oldest first, with its revision."""
    return LegalVersion.objects.filter(page=page).select_related("revision").order_by("number")


def version_in_force(kind: str, at: datetime.datetime | None = None) -> Revision | None:
    """The revision of the ``kind`` document in force at ``at`` (default: now), or None (R-L3)."""
    at = at or timezone.now()
    version = (
        LegalVersion.objects.filter(page__kind=kind, page__live=True, published_at__lte=at)
        .select_related("revision")
        .order_by("-published_at", "-number")
        .first()
    )
    return version.revision if version else None


def version_of(revision: Revision) -> LegalVersion | None:
    """The published version a revision is, or None for a draft or a scheduled revision."""
    try:
        return revision.legal_version
    except LegalVersion.DoesNotExist:
        return None


def version_url(revision: Revision) -> str:
    """The stable public path of exactly this version, e.g. /legal/terms/versions/2/ (R-L1, R-L3)."""
    version = LegalVersion.objects.select_related("page").get(revision=revision)
    return version.page.url + version.page.reverse_subpage("version_detail", args=[version.number])


def version_full_url(revision: Revision) -> str:
    """``version_url`` with the site's scheme and host, for emails."""
    version = LegalVersion.objects.select_related("page").get(revision=revision)
    return version.page.full_url + version.page.reverse_subpage("version_detail", args=[version.number])


def record_publication(page: LegalPage, revision: Revision, *, published_at=None) -> LegalVersion:
    """Number a revision that has just gone live (R-L1). Publishing the same revision again is a no-op."""
    existing = LegalVersion.objects.filter(revision=revision).first()
    if existing:
        return existing
    for _attempt in range(3):  # two publishes at once: the second takes the next number
        try:
            with transaction.atomic():
                last = LegalVersion.objects.filter(page=page).aggregate(last=Max("number"))["last"] or 0
                return LegalVersion.objects.create(
                    page=page,
                    revision=revision,
                    number=last + 1,
                    published_at=published_at or timezone.now(),
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not number revision {revision.pk} of page {page.pk}")


def scheduled_revision(page: LegalPage) -> Revision | None:
    """The revision approved to go live later, if any (not public until it does)."""
    return page.revisions.filter(approved_go_live_at__isnull=False).order_by("approved_go_live_at").first()


def notice_error(*, significant: bool, go_live_at: datetime.datetime | None) -> str | None:
    """Why a significant version cannot be saved with this schedule, or None (R-L4).

    Checked on the editor's form only: when publish_scheduled later publishes the revision, its
    go-live time has passed, and that is no reason to stop it.
    """
    if not significant:
        return None
    earliest = timezone.now() + datetime.timedelta(days=SIGNIFICANT_CHANGE_NOTICE_DAYS)
    if go_live_at is None or go_live_at < earliest:
        return (
            "Subscribers must be told of a significant change before it takes effect: schedule it "
            f"to go live on {timezone.localdate(earliest):%d %B %Y} or later "
            "(Publishing schedule, top right)."
        )
    return None


def version_errors(page: LegalPage) -> dict[str, str]:
    """What is wrong with a version being saved (model validation, also when Wagtail publishes)."""
    errors = {}
    now = timezone.now()
    go_live = page.go_live_at if page.go_live_at and page.go_live_at > now else None
    other = LegalPage.objects.filter(kind=page.kind).exclude(pk=page.pk).first()
    if other:
        errors["kind"] = (
            f"There is already a {page.get_kind_display()}: {other.title}. Edit that page instead."
        )
    if go_live and page.effective_from != timezone.localdate(go_live):
        errors["effective_from"] = (
            f"This version is scheduled to go live on {timezone.localdate(go_live):%d %B %Y}: "
            "set 'effective from' to the same day."
        )
    elif not go_live and page.effective_from and page.effective_from > timezone.localdate():
        errors["effective_from"] = (
            "A version that takes effect on a later day must be scheduled: set its go-live date "
            "under 'Publishing schedule' (top right) to that day."
        )
    live = page.live_revision.as_object() if page.pk and page.live_revision_id else None
    if (
        live
        and live.change_summary.strip() == page.change_summary.strip()
        and document.reader_wording(live) != document.reader_wording(page)
    ):
        errors["change_summary"] = (
            "Describe what changes in this version: this is the summary of the last one."
        )
    if live and page.kind != live.kind:
        errors["kind"] = "A published document cannot become another kind of document."
    if live and page.slug != live.slug:
        errors["slug"] = (
            "The address of a published legal document cannot change: orders and readers link to it."
        )
    return errors
