"""Telling subscribers about a significant change before it takes effect (R-L4).

Who is told comes from a registry: ``bookclub`` registers its active subscribers in its
``ready()`` (legal sits below bookclub and never imports it). Each email is recorded in
``SignificantChangeNotice`` (unique per customer and revision) in the same transaction that
sends it, so a retried or duplicated task never sends one twice.
"""

import logging
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from wagtail.models import Revision

from legal import document, versions
from legal.models import LegalPage, SignificantChangeNotice

logger = logging.getLogger(__name__)
EVENT_CODE = "LEGAL_SIGNIFICANT_CHANGE"

_recipient_sources: list[Callable[[], Iterable]] = []


def register_recipients(source: Callable[[], Iterable]) -> None:
    """Add a function returning the customers to tell about significant changes (e.g. subscribers)."""
    if source not in _recipient_sources:
        _recipient_sources.append(source)


def recipients() -> list:
    """Every customer to tell, once each, in a stable order."""
    User = get_user_model()
    ids = set()
    for source in _recipient_sources:
        ids.update(user.pk for user in source())
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk"))


def is_significant_legal_revision(revision: Revision) -> bool:
    model = revision.content_type.model_class()
    return bool(model and issubclass(model, LegalPage) and revision.content.get("significant_change"))


def announce_if_significant(revision: Revision) -> None:
    """Queue the emails for a significant version that was just scheduled or published (R-L4)."""
    if not is_significant_legal_revision(revision):
        return
    from legal.tasks import send_significant_change_notices_task

    send_significant_change_notices_task.enqueue(revision.pk)


def takes_effect_at(revision: Revision):
    """When the revision goes (or went) live."""
    version = versions.version_of(revision)
    if version:
        return version.published_at
    return revision.approved_go_live_at or revision.as_object().go_live_at or timezone.now()


def notice_context(revision: Revision) -> dict:
    """What every email about this revision says: what changes, when, and the customer's rights."""
    new_text = revision.as_object()
    page = LegalPage.objects.get(pk=revision.object_id)
    current = versions.version_in_force(page.kind)
    changes = []
    if current and current.pk != revision.pk:
        changes, _unchanged = document.compare_versions(current.as_object(), new_text)
    return {
        "document": new_text,
        "page_url": page.full_url,
        "versions_url": page.full_url + page.reverse_subpage("version_list"),
        "takes_effect": timezone.localtime(takes_effect_at(revision)),
        "changes": changes,
    }


def notify_subscribers(revision: Revision) -> int:
    """Email every recipient not yet told about ``revision``; returns how many were emailed (R-L4)."""
    if not is_significant_legal_revision(revision):
        return 0
    context = notice_context(revision)
    sent = 0
    for customer in recipients():
        sent += notify(customer, revision, context=context)
    return sent


def notify(customer, revision: Revision, *, context: dict) -> bool:
    """Send one customer the notice, unless they already had it. The record and the email commit
    together: if sending fails, no record stays and the next run tries again."""
    CommunicationEventType = get_model("communication", "CommunicationEventType")
    Dispatcher = get_class("communication.utils", "Dispatcher")
    try:
        with transaction.atomic():
            SignificantChangeNotice.objects.create(customer=customer, revision=revision)
            messages = CommunicationEventType.objects.get_and_render(
                EVENT_CODE, {**context, "customer": customer}
            )
            Dispatcher(logger=logger).dispatch_user_messages(customer, messages)
    except IntegrityError:
        return False  # already told
    return True
