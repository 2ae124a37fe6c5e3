"""Background work of the legal app."""

from django_tasks import task
from wagtail.models import Revision

from legal import notices


@task()
def send_significant_change_notices_task(revision_id: int) -> int:
    """R-L4: email active subscribers about a significant version."""
    return notices.notify_subscribers(Revision.objects.get(pk=revision_id))
