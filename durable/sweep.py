"""The sweep (``manage.py sweep_tasks``, every minute on a timer): nothing owed stays lost.

1. Reclaim: a row "running" past its lease lost its worker (killed, out of memory, the machine
   gone); its django-tasks run is marked failed and the row is handed out again.
2. Retry: a row waiting to retry whose time has come and no run of it is waiting in the queue.
3. Requeue: a row queued for a while with no run waiting (the process died between committing
   the work and queueing its run).
4. Find: each registered finder ensures a row for work owed without one (a paid order whose
   confirmation was never recorded, from before this app or from a lost queue).
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from durable.models import DurableTask
from durable.work import dispatch, finders

logger = logging.getLogger(__name__)

# A run queued this long ago and not started is taken as lost (workers poll every second).
QUEUED_GRACE = timedelta(minutes=2)


@dataclass
class SweepReport:
    reclaimed: int = 0
    retried: int = 0
    requeued: int = 0
    found: dict[str, int] = field(default_factory=dict)

    def __str__(self):
        found = ", ".join(f"{count} {name}" for name, count in self.found.items()) or "none"
        return (
            f"Reclaimed {self.reclaimed} task(s) whose worker died, retried {self.retried}, "
            f"queued {self.requeued} again; found owed: {found}."
        )


def _run_of(row: DurableTask):
    """django-tasks' row of the last run handed out (none with the immediate backend of tests)."""
    try:
        return DBTaskResult.objects.filter(id=uuid.UUID(row.result_id))
    except ValueError:
        return DBTaskResult.objects.none()


def _waiting_run(row: DurableTask) -> bool:
    """A run of this row is in django-tasks' queue (or a worker has just taken it)."""
    return _run_of(row).filter(status__in=["READY", "RUNNING"]).exists()


def sweep(now=None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    Status = DurableTask.Status

    with transaction.atomic():
        expired = DurableTask.objects.select_for_update(skip_locked=True).filter(
            status=Status.RUNNING, lease_expires_at__lt=now
        )
        for row in expired:
            _run_of(row).filter(status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path="durable.LeaseExpired",
                traceback=f"Its worker held the lease until {row.lease_expires_at:%Y-%m-%d %H:%M:%S} "
                "and never finished: taken back by sweep_tasks.",
            )
            logger.warning(
                "Reclaiming %s (%s): its lease ran out, attempt %s", row.name, row.key, row.attempts
            )
            row.status = Status.QUEUED
            row.lease_expires_at = None
            row.log = [*row.log, {"attempt": row.attempts, "at": now.isoformat(), "outcome": "lease expired"}]
            row.save()
            transaction.on_commit(lambda pk=row.pk: dispatch(pk))
            report.reclaimed += 1

        due = DurableTask.objects.select_for_update(skip_locked=True).filter(
            status=Status.RETRYING, run_after__lte=now
        )
        for row in due:
            if not _waiting_run(row):
                transaction.on_commit(lambda pk=row.pk: dispatch(pk))
                report.retried += 1

        lost = DurableTask.objects.select_for_update(skip_locked=True).filter(
            status=Status.QUEUED, updated_at__lt=now - QUEUED_GRACE
        )
        for row in lost:
            if not _waiting_run(row):
                transaction.on_commit(lambda pk=row.pk: dispatch(pk))
                report.requeued += 1

    for name, finder in finders().items():
        with transaction.atomic():
            report.found[name] = finder()
    return report


def retry_now(row: DurableTask) -> DurableTask:
    """An order admin's Retry: a failed or stuck row gets one more attempt, now."""
    with transaction.atomic():
        row = DurableTask.objects.select_for_update().get(pk=row.pk)
        if row.status == DurableTask.Status.SUCCEEDED:
            return row
        if row.status == DurableTask.Status.RUNNING and not row.is_stuck():
            return row  # a worker has it, within its lease
        row.status = DurableTask.Status.QUEUED
        row.run_after = timezone.now()
        row.lease_expires_at = None
        row.finished_at = None
        row.max_attempts = max(row.max_attempts, row.attempts + 1)
        row.log = [
            *row.log,
            {"attempt": row.attempts, "at": timezone.now().isoformat(), "outcome": "retry asked"},
        ]
        row.save()
        transaction.on_commit(lambda: dispatch(row.pk))
    return row
