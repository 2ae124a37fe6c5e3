"""Background work of the legal app (durable: retried, reclaimed; docs/background-work.md)."""

from wagtail.models import Revision

from durable import durable_task
from legal import notices


@durable_task()
def send_significant_change_notices_task(revision_id: int) -> int:
    """R-L4: email active subscribers about a significant version."""
    return notices.notify_subscribers(Revision.objects.get(pk=revision_id))
