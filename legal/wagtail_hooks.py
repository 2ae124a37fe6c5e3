"""Keep the public archive whole (R-L1): a published legal document is never deleted or moved."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from legal.models import LegalPage, LegalVersion


def _refuse(request, page, what: str):
    messages.error(
        request,
        f"“{page.title}” has published versions that orders and readers link to, so it cannot be {what}. "
        "Publish a new version instead.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_delete_page")
def keep_published_legal_pages(request, page):
    if isinstance(page.specific, LegalPage) and LegalVersion.objects.filter(page_id=page.pk).exists():
        return _refuse(request, page, "deleted")
    return None


@hooks.register("before_move_page")
def keep_legal_addresses(request, page, destination):
    if isinstance(page.specific, LegalPage) and LegalVersion.objects.filter(page_id=page.pk).exists():
        return _refuse(request, page, "moved")
    return None
