"""When a version may go live, and a fix beside a scheduled significant version (R-L1, R-L4).

A version is significant if the editor says so, or if it carries any change of a significant
version already announced to subscribers (scheduled, so emailed) that is not yet in force:
whatever boxes are ticked or dates cleared, those changes go live only on a date at least
``SIGNIFICANT_CHANGE_NOTICE_DAYS`` after the notice. A minor fix may go live while a
significant version waits: the fix is carried into the scheduled version, which keeps its date,
so the archive numbers the fix first and the scheduled version when it goes live.
"""

import copy
import datetime
import json
from dataclasses import dataclass, field

from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from legal import document, versions
from legal.models import SIGNIFICANT_CHANGE_NOTICE_DAYS, LegalPage, LegalVersion, SignificantChangeNotice

SCHEDULED, CANCELLED = "wagtail.publish.schedule", "wagtail.schedule.cancel"


class MayNotGoLive(Exception):
    """A version would break R-L4 if it went live (or was scheduled) like this."""


@dataclass
class Significance:
    flagged: bool  # the editor ticked "significant change"
    carried: list[document.Change] = field(default_factory=list)  # changes of an announced version
    announced: Revision | None = None  # the significant version those changes belong to

    @property
    def significant(self) -> bool:
        return self.flagged or bool(self.carried)


def _key(change: document.Change) -> tuple[str, str]:
    return (change.kind, change.new.text if change.new else change.old.text)


def _in_force(page: LegalPage) -> LegalPage | None:
    live = LegalPage.objects.filter(pk=page.pk).values_list("live_revision", flat=True).first()
    return Revision.objects.get(pk=live).as_object() if live else None


def announced_revisions(page: LegalPage) -> list[Revision]:
    """Significant revisions of ``page`` that were scheduled (so subscribers were told) and have
    not gone live, newest first."""
    ids = PageLogEntry.objects.filter(page_id=page.pk, action=SCHEDULED).values("revision_id")
    return [
        revision
        for revision in Revision.objects.filter(pk__in=ids).order_by("-created_at")
        if revision.content.get("significant_change")
        and not LegalVersion.objects.filter(revision=revision).exists()
    ]


def significance(candidate: LegalPage) -> Significance:
    """Whether ``candidate`` (a version about to be published or scheduled) is significant (R-L4)."""
    result = Significance(flagged=bool(candidate.significant_change))
    in_force = _in_force(candidate) if candidate.pk else None
    if in_force is None:
        return result
    changes, _unchanged = document.compare_versions(in_force, candidate)
    for announced in announced_revisions(candidate):
        announced_changes, _ = document.compare_versions(in_force, announced.as_object())
        keys = {_key(change) for change in announced_changes}
        carried = [change for change in changes if _key(change) in keys]
        if carried:
            result.carried, result.announced = carried, announced
            break
    return result


def earliest_go_live(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(days=SIGNIFICANT_CHANGE_NOTICE_DAYS)


def refusal(candidate: LegalPage, *, approved_schedule: bool = False) -> str | None:
    """Why ``candidate`` may not be published (or scheduled) as it stands, or None (R-L4).

    ``approved_schedule``: the revision was scheduled earlier, with its notice, and its time has
    come (``publish_scheduled``); it may go live.
    """
    now = timezone.now()
    go_live = candidate.go_live_at if candidate.go_live_at and candidate.go_live_at > now else None
    if approved_schedule and go_live is None:
        return None
    found = significance(candidate)
    if not found.significant or (go_live and go_live >= earliest_go_live(now)):
        return None
    earliest = f"{timezone.localdate(earliest_go_live(now)):%-d %B %Y}"
    if found.carried:
        when = found.announced.approved_go_live_at or found.announced.as_object().go_live_at
        labels = ", ".join((change.new or change.old).label for change in found.carried)
        return (
            f"This version includes significant changes announced to subscribers for "
            f"{timezone.localdate(when):%-d %B %Y} ({labels}). They need "
            f"{SIGNIFICANT_CHANGE_NOTICE_DAYS} days' notice: leave those parts as they are in the "
            f"version in force, or schedule this version for {earliest} or later."
        )
    return versions.notice_error(significant=True, go_live_at=go_live)


def form_refusal(candidate: LegalPage) -> str | None:
    """What the edit form says before a version is published or scheduled (R-L1, R-L4)."""
    reason = refusal(candidate)
    if reason:
        return reason
    now = timezone.now()
    waiting = versions.scheduled_revision(LegalPage.objects.get(pk=candidate.pk)) if candidate.pk else None
    if waiting is None:
        return None
    when = f"{timezone.localdate(waiting.approved_go_live_at):%-d %B %Y}"
    if candidate.go_live_at and candidate.go_live_at > now:
        return (
            f"Another version is already scheduled for {when}. Publish this one now as a fix (it is "
            "carried into the scheduled version), or cancel that schedule first (Status, top right)."
        )
    _waiting, conflicts = fix_conflicts(candidate)
    if conflicts:
        return (
            f"This fix cannot be carried into the version scheduled for {when}, which changes the same "
            f"words ({'; '.join(conflicts)}). Leave those words as they are, or cancel the schedule, "
            "make the fix in the scheduled version and schedule it again."
        )
    return None


def check_may_go_live(revision: Revision) -> None:
    """Raise ``MayNotGoLive`` unless ``revision`` may be published now (R-L4). Every way of
    publishing a legal page passes here (the edit form says the same earlier, in words)."""
    candidate = revision.as_object()
    reason = refusal(candidate, approved_schedule=revision.approved_go_live_at is not None)
    if reason:
        raise MayNotGoLive(reason)


# A fix beside a scheduled version ------------------------------------------------------------


def interrupted_schedule(page: LegalPage, published: Revision) -> tuple[Revision, datetime.datetime] | None:
    """The revision that was waiting to go live when ``published`` went live now (Wagtail clears
    every schedule when it publishes), with its go-live time; None if there was none."""
    entry = (
        PageLogEntry.objects.filter(page_id=page.pk, action__in=[SCHEDULED, CANCELLED])
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None or entry.action != SCHEDULED or entry.revision_id in (None, published.pk):
        return None
    waiting = entry.revision
    if LegalVersion.objects.filter(revision=waiting).exists():
        return None
    go_live = waiting.as_object().go_live_at
    if go_live is None or go_live <= timezone.now():
        return None
    return waiting, go_live


def _stream(data):
    return json.loads(data) if isinstance(data, str) else copy.deepcopy(data or [])


def _strip_ids(value):
    """Content without block ids, rich text as its words (the admin's editor adds markup)."""
    if isinstance(value, str) and value.lstrip().startswith("<"):
        return document.plain_text(value)
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def _same(a, b) -> bool:
    return _strip_ids(a) == _strip_ids(b)


def _find(items: list, wanted: dict) -> int | None:
    """Where ``wanted`` (an item of the old version) sits in ``items``: by id, else by its content."""
    for position, item in enumerate(items):
        if item.get("id") and item.get("id") == wanted.get("id") and _same(item, wanted):
            return position
    matches = [position for position, item in enumerate(items) if _same(item, wanted)]
    return matches[0] if len(matches) == 1 else None


def _merge_items(base: list, fix: list, target: list, conflicts: list[str], where: str) -> list:
    """Apply the differences ``base`` → ``fix`` to ``target`` (lists of stream or list items)."""
    result = copy.deepcopy(target)
    fixed = {item.get("id"): item for item in fix if item.get("id")}
    # Changed and removed items.
    for old in base:
        new = fixed.get(old.get("id"))
        if new is not None and _same(new, old):
            continue
        position = _find(result, old)
        if new is None:  # removed by the fix
            if position is None:
                conflicts.append(f"a removal in {where}")
            else:
                del result[position]
            continue
        if position is None:
            # The scheduled version changed this item too: merge inside it if both are sections.
            same_id = next((i for i, item in enumerate(result) if item.get("id") == old.get("id")), None)
            if same_id is not None and isinstance(old.get("value"), dict):
                result[same_id]["value"] = _merge_struct(
                    old["value"], new["value"], result[same_id]["value"], conflicts, where
                )
            else:
                conflicts.append(f"a change in {where}")
            continue
        if isinstance(old.get("value"), dict):
            result[position]["value"] = _merge_struct(
                old["value"], new["value"], result[position]["value"], conflicts, where
            )
        else:
            result[position]["value"] = copy.deepcopy(new["value"])
    # Added items go after the item they follow in the fix.
    base_ids = {item.get("id") for item in base}
    for index, item in enumerate(fix):
        if item.get("id") in base_ids:
            continue
        if index == 0:
            result.insert(0, copy.deepcopy(item))
            continue
        before = fix[index - 1]
        source = next((b for b in base if b.get("id") == before.get("id")), before)
        position = _find(result, source)
        if position is None:
            position = next((i for i, r in enumerate(result) if r.get("id") == before.get("id")), None)
        if position is None:
            conflicts.append(f"an addition in {where}")
        else:
            result.insert(position + 1, copy.deepcopy(item))
    return result


def _merge_struct(base: dict, fix: dict, target: dict, conflicts: list[str], where: str) -> dict:
    result = copy.deepcopy(target)
    for name, new in fix.items():
        old = base.get(name)
        if _same(new, old):
            continue
        if isinstance(new, list) and isinstance(old, list) and isinstance(result.get(name), list):
            heading = base.get("heading")
            result[name] = _merge_items(
                old, new, result[name], conflicts, f"section “{heading}”" if heading else where
            )
        elif _same(result.get(name), old):
            result[name] = copy.deepcopy(new)
        elif not _same(result.get(name), new):
            conflicts.append(f"the {name} of {where}")
    return result


def carry_fix(base: dict, fix: dict, scheduled: dict) -> tuple[dict, list[str]]:
    """The scheduled version's content with the fix (``base`` → ``fix``, revision contents) applied,
    and what could not be carried over (the scheduled version changes the same words)."""
    conflicts: list[str] = []
    result = copy.deepcopy(scheduled)
    for name, _label, _anchor in document.READER_FIELDS:
        if base.get(name) == fix.get(name):
            continue
        if scheduled.get(name) == base.get(name):
            result[name] = fix.get(name)
        elif scheduled.get(name) != fix.get(name):
            conflicts.append(f"the {name}")
    body = _merge_items(
        _stream(base.get("body")),
        _stream(fix.get("body")),
        _stream(scheduled.get("body")),
        conflicts,
        "the document",
    )
    result["body"] = json.dumps(body) if isinstance(scheduled.get("body"), str) else body
    return result, conflicts


def _content(page: LegalPage) -> dict:
    return page.serializable_data()


def fix_conflicts(candidate: LegalPage) -> tuple[Revision | None, list[str]]:
    """For a version about to go live now: the scheduled revision waiting beside it, and what of
    the fix could not be carried into it (R-L1: a fix never vanishes when the schedule runs)."""
    waiting = versions.scheduled_revision(LegalPage.objects.get(pk=candidate.pk)) if candidate.pk else None
    in_force = _in_force(candidate) if waiting else None
    if waiting is None or in_force is None:
        return None, []
    _merged, conflicts = carry_fix(_content(in_force), _content(candidate), waiting.content)
    return waiting, conflicts


def edit_from_version_in_force(scheduled: Revision) -> None:
    """While the newest revision of a live legal page waits for its date, the editor starts from
    the version in force (Wagtail's edit form reads the page itself when it has no unpublished
    changes): what they publish now is a fix beside the waiting version."""
    LegalPage.objects.filter(pk=scheduled.object_id, live=True, latest_revision=scheduled).update(
        has_unpublished_changes=False
    )


def keep_schedule(page: LegalPage, published: Revision) -> Revision | None:
    """After a fix went live now: put the interrupted scheduled version back on its date, with the
    fix carried into it. Its notices were sent for that revision, so none is sent twice."""
    interrupted = interrupted_schedule(page, published)
    if interrupted is None:
        return None
    waiting, go_live = interrupted
    number = LegalVersion.objects.filter(revision=published).values_list("number", flat=True).first()
    previous = (
        LegalVersion.objects.filter(page=page, number=(number or 0) - 1).select_related("revision").first()
    )
    if previous is not None:
        waiting.content, _conflicts = carry_fix(previous.revision.content, published.content, waiting.content)
    waiting.approved_go_live_at = go_live
    waiting.save(update_fields=["content", "approved_go_live_at"])
    return waiting


def editor_status(page: LegalPage) -> dict:
    """What the edit screen tells the editor about publishing ``page`` now (R-L1, R-L4)."""
    notice_days = SIGNIFICANT_CHANGE_NOTICE_DAYS
    status = {"notice_days": notice_days, "earliest": timezone.localdate(earliest_go_live())}
    if not page.pk:
        return status
    record = LegalPage.objects.get(pk=page.pk)
    if record.live_revision_id:
        status["in_force"] = LegalVersion.objects.filter(revision_id=record.live_revision_id).first()
    waiting = versions.scheduled_revision(record)
    if waiting is not None:
        text = waiting.as_object()
        in_force = record.live_revision.as_object() if record.live_revision_id else None
        changes = document.compare_versions(in_force, text)[0] if in_force else []
        status["waiting"] = {
            "go_live": timezone.localdate(waiting.approved_go_live_at),
            "significant": bool(text.significant_change),
            "summary": text.change_summary,
            "labels": [(change.new or change.old).label for change in changes],
            "told": SignificantChangeNotice.objects.filter(revision=waiting).count(),
        }
    elif announced := announced_revisions(record):
        text = announced[0].as_object()
        status["announced"] = {"go_live": text.go_live_at and timezone.localdate(text.go_live_at)}
    return status
