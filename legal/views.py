"""Public views of the legal documents: the version in force, the archive, one version, changes (R-L1).

They are routes of LegalPage (RoutablePageMixin); each reads published versions only.
"""

from django.http import Http404

from legal import document, versions
from legal.models import LegalPage, LegalVersion


def _version_context(page: LegalPage, version: LegalVersion | None, text: LegalPage) -> dict:
    """What a template needs to show one version: its text, number and dates."""
    all_versions = list(versions.published_versions(page))
    later = [v for v in all_versions if version and v.number > version.number]
    return {
        "document": text,
        "sections": document.numbered_sections(text.body),
        "version": version,
        "version_count": len(all_versions),
        "in_force_until": later[0].revision.as_object().effective_from if later else None,
        "is_current": version is not None and version.revision_id == page.live_revision_id,
        "previous_number": version.number - 1 if version and version.number > 1 else None,
    }


def in_force(request, page: LegalPage):
    if getattr(request, "is_preview", False):  # an editor's preview of unpublished text: no number yet
        return page.render(
            request, context_overrides={**_version_context(page, None, page), "is_preview": True}
        )
    version = versions.version_of(page.live_revision) if page.live_revision_id else None
    return page.render(request, context_overrides=_version_context(page, version, page))


def version_detail(request, page: LegalPage, number: int):
    version = LegalVersion.objects.filter(page=page, number=number).select_related("revision").first()
    if version is None:
        raise Http404("No such version")
    return page.render(
        request,
        context_overrides=_version_context(page, version, version.revision.as_object()),
        template="legal/legal_version.html",
    )


def version_list(request, page: LegalPage):
    rows = []
    for version in reversed(versions.published_versions(page)):
        text = version.revision.as_object()
        rows.append(
            {"version": version, "text": text, "is_current": version.revision_id == page.live_revision_id}
        )
    return page.render(request, context_overrides={"rows": rows}, template="legal/legal_version_list.html")


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        raise Http404("Not a version number") from None


def version_compare(request, page: LegalPage):
    all_versions = {v.number: v for v in versions.published_versions(page)}
    context = {"numbers": sorted(all_versions, reverse=True), "changes": None, "error": ""}
    asked_new, asked_old = _number(request.GET.get("to")), _number(request.GET.get("from"))
    if any(n is not None and n not in all_versions for n in (asked_new, asked_old)):
        raise Http404("No such version")
    new_number = asked_new or max(all_versions, default=None)
    old_number = asked_old or (new_number - 1 if new_number else None)
    context.update(old_number=old_number, new_number=new_number)
    if len(all_versions) < 2:
        context["error"] = "There is only one version of this document so far."
    elif old_number not in all_versions or new_number not in all_versions:
        raise Http404("No such version")
    elif old_number == new_number:
        context["error"] = "Choose two different versions to compare."
    else:
        old, new = all_versions[old_number], all_versions[new_number]
        old_text, new_text = old.revision.as_object(), new.revision.as_object()
        changes, unchanged = document.compare_versions(old_text, new_text)
        context.update(
            old=old, new=new, old_text=old_text, new_text=new_text, changes=changes, unchanged=unchanged
        )
    return page.render(request, context_overrides=context, template="legal/legal_version_compare.html")
