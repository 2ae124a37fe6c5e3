"""Declaring durable tasks, running one attempt, and the receipts that make work happen once.

``@durable_task()`` wraps a function the way ``@task()`` does, and its ``enqueue(*ids)`` writes
a ``DurableTask`` row in the caller's transaction; once that commits, one generic django-tasks
task (``durable.tasks.run_durable_task``) runs an attempt. An attempt:

1. claims the row (locked): only a queued row, a retry that is due, or a running row whose lease
   ran out; it sets a lease (``lease``, default five minutes) and counts the attempt;
2. calls the function;
3. records success, or the error and the next attempt (``retry_delays``, backing off), or gives
   up after the last one (status "failed", shown in the dashboard with a Retry button).

The worker that ran it may die at any point: the row stays "running" until its lease runs out,
and ``sweep_tasks`` hands it out again. So a function can run twice (a lease that ran out on a
slow but living worker, a retry after a failure that happened after the side effect): each one
must be idempotent, usually through ``once(kind, key)``.
"""

import contextvars
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from durable.models import DurableTask, Receipt

logger = logging.getLogger(__name__)

# A minute, five, half an hour, two hours, twelve: a mail server or Stripe that is down for an
# afternoon is waited out; then the task is "failed" and an order admin sees it.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
LEASE = timedelta(minutes=5)

_current: contextvars.ContextVar[tuple[int, int, timedelta] | None] = contextvars.ContextVar(
    "durable_current", default=None
)


@dataclass(frozen=True)
class DurableTaskDefinition:
    """What ``@durable_task()`` makes of a function: ``enqueue`` it, or ``call`` it directly."""

    func: Callable[..., Any]
    retry_delays: Sequence[timedelta]
    lease: timedelta

    @property
    def name(self) -> str:
        return self.func.__name__

    @property
    def module_path(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1

    def call(self, *args):
        """Run the function here and now (tests, management commands); no row, no retries."""
        return self.func(*args)

    def enqueue(self, *args) -> DurableTask:
        """Owe this work (again): a row written in the caller's transaction, run once it commits.

        Work queued or running is not queued twice; work waiting to retry is tried now; work
        that ended (succeeded or failed) is owed again, with its attempts counted from nought."""
        return self._owe(args, again=True)[0]

    def ensure(self, *args) -> tuple[DurableTask, bool]:
        """Owe this work unless a row for it exists already, whatever its state (the sweep's
        finders: what gave up stays given up, for an order admin to see); True if it is new."""
        return self._owe(args, again=False)

    def key_for(self, args) -> str:
        return ":".join(str(arg) for arg in args) or "-"

    def _owe(self, args, *, again: bool) -> tuple[DurableTask, bool]:
        key = self.key_for(args)
        with transaction.atomic():
            row, created = DurableTask.objects.select_for_update().get_or_create(
                task_path=self.module_path,
                key=key,
                defaults={"args": list(args), "max_attempts": self.max_attempts},
            )
            if created:
                transaction.on_commit(lambda: dispatch(row.pk))
            elif again and row.status == DurableTask.Status.RETRYING:
                row.status = DurableTask.Status.QUEUED
                row.run_after = timezone.now()
                row.save()
                transaction.on_commit(lambda: dispatch(row.pk))
            elif again and row.status not in DurableTask.ACTIVE:
                row.status = DurableTask.Status.QUEUED
                row.attempts = 0
                row.max_attempts = self.max_attempts
                row.run_after = timezone.now()
                row.lease_expires_at = None
                row.finished_at = None
                row.save()
                transaction.on_commit(lambda: dispatch(row.pk))
        return row, created


def durable_task(*, retry_delays: Sequence[timedelta] = RETRY_DELAYS, lease: timedelta = LEASE):
    """Declare a durable task; its arguments are ids (JSON), which also make its key."""

    def decorate(func):
        return DurableTaskDefinition(func=func, retry_delays=tuple(retry_delays), lease=lease)

    return decorate


def dispatch(durable_id: int, *, run_after=None) -> None:
    """Hand a row to django-tasks: a run of ``run_durable_task``, now or at ``run_after``."""
    from durable.tasks import run_durable_task

    runner = run_durable_task.using(run_after=run_after) if run_after else run_durable_task
    result = runner.enqueue(durable_id)
    DurableTask.objects.filter(pk=durable_id).update(result_id=str(result.id))


def run_attempt(durable_id: int, result_id: str = "") -> Any:
    """One attempt at a row's work (the body of ``run_durable_task``)."""
    now = timezone.now()
    with transaction.atomic():
        row = DurableTask.objects.select_for_update().filter(pk=durable_id).first()
        if row is None or not _claimable(row, now):
            logger.info("Durable task %s not run: %s", durable_id, row.status if row else "gone")
            return None
        definition = import_string(row.task_path)
        row.status = DurableTask.Status.RUNNING
        row.attempts += 1
        row.lease_expires_at = now + definition.lease
        row.result_id = result_id or row.result_id
        row.save()
    attempt = row.attempts
    token = _current.set((row.pk, attempt, definition.lease))
    try:
        value = definition.func(*row.args)
    except Exception as error:
        _failed(row, attempt, definition, error)
        raise
    finally:
        _current.reset(token)
    _succeeded(row, attempt)
    return value


def _claimable(row: DurableTask, now) -> bool:
    Status = DurableTask.Status
    if row.status == Status.QUEUED:
        return True
    if row.status == Status.RETRYING:
        return row.run_after <= now
    if row.status == Status.RUNNING:  # a dead worker's, whose lease ran out
        return row.lease_expires_at is None or row.lease_expires_at < now
    return False


def _attempt_log(row: DurableTask, attempt: int, outcome: str, error: str = "") -> list:
    entry = {"attempt": attempt, "at": timezone.now().isoformat(), "outcome": outcome}
    if error:
        entry["error"] = error
    return [*row.log, entry][-20:]


def _succeeded(row: DurableTask, attempt: int) -> None:
    with transaction.atomic():
        # Not if the sweep took the row back and a later attempt has it now.
        row = DurableTask.objects.select_for_update().get(pk=row.pk)
        if row.attempts != attempt or row.status not in (
            DurableTask.Status.RUNNING,
            DurableTask.Status.QUEUED,
        ):
            return
        row.status = DurableTask.Status.SUCCEEDED
        row.finished_at = timezone.now()
        row.lease_expires_at = None
        row.log = _attempt_log(row, attempt, "succeeded")
        row.save()


def _failed(row: DurableTask, attempt: int, definition: DurableTaskDefinition, error: Exception) -> None:
    summary = f"{type(error).__module__}.{type(error).__qualname__}: {error}"[:500]
    logger.warning("Durable task %s (%s) attempt %s failed: %s", row.name, row.key, attempt, summary)
    with transaction.atomic():
        row = DurableTask.objects.select_for_update().get(pk=row.pk)
        if row.attempts != attempt or row.status not in (
            DurableTask.Status.RUNNING,
            DurableTask.Status.QUEUED,
        ):
            return
        now = timezone.now()
        row.last_error = "".join(traceback.format_exception(error))[-5000:]
        row.lease_expires_at = None
        row.log = _attempt_log(row, attempt, "failed", summary)
        if attempt >= row.max_attempts:
            row.status = DurableTask.Status.FAILED
            row.finished_at = now
            row.save()
            logger.error("Durable task %s (%s) gave up after %s attempts", row.name, row.key, attempt)
            return
        delays = definition.retry_delays
        row.status = DurableTask.Status.RETRYING
        row.run_after = now + delays[min(attempt - 1, len(delays) - 1)]
        row.save()
        if _backend_defers():  # the database backend: the worker itself runs the retry when due
            run_after = row.run_after
            transaction.on_commit(lambda: dispatch(row.pk, run_after=run_after))


def _backend_defers() -> bool:
    from durable.tasks import run_durable_task

    return run_durable_task.get_backend().supports_defer


def heartbeat() -> None:
    """A long task (the monthly run) calls this between its transactions: its lease starts again."""
    current = _current.get()
    if current is None:
        return
    pk, attempt, lease = current
    DurableTask.objects.filter(pk=pk, attempts=attempt, status=DurableTask.Status.RUNNING).update(
        lease_expires_at=timezone.now() + lease
    )


def once(kind: str, key) -> bool:
    """True the first time (kind, key) is done, False ever after: call it inside the transaction
    that does the work, before the side effect. If that transaction rolls back (the email could
    not be sent), the receipt goes with it and a retry does the work."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("durable.once() belongs inside the transaction that does the work")
    try:
        with transaction.atomic():
            Receipt.objects.create(kind=kind, key=str(key))
    except IntegrityError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Finders: the apps above say what work is owed but has no row (the sweep asks them)
# ---------------------------------------------------------------------------------------------
_finders: dict[str, Callable[[], int]] = {}


def register_finder(name: str, finder: Callable[[], int]) -> None:
    """``finder()`` ensures a durable task for each piece of work that is owed and has none
    (``definition.ensure(...)``), and returns how many it found; called by every sweep."""
    _finders[name] = finder


def finders() -> dict[str, Callable[[], int]]:
    return dict(_finders)
