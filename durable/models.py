"""One row per piece of durable work, and the receipts that make work happen once."""

from django.db import models
from django.utils import timezone


class DurableTask(models.Model):
    """A piece of work owed until it succeeds: its task, its arguments, its attempts so far.

    django-tasks' own row (``DBTaskResult``) is one run; this row outlives the runs. The worker
    claims it with a lease (``lease_expires_at``); ``sweep_tasks`` hands it out again when the
    lease ran out (its worker died) or its next attempt is due (``run_after``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Waiting to retry"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed (gave up)"

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.RETRYING)

    task_path = models.CharField(max_length=200)
    key = models.CharField(max_length=200, help_text="What makes it one piece of work, e.g. the order's id.")
    args = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField()
    run_after = models.DateTimeField(default=timezone.now, help_text="The next attempt, not before.")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    result_id = models.CharField(max_length=64, blank=True, help_text="django-tasks' id of the last run.")
    last_error = models.TextField(blank=True)
    log = models.JSONField(default=list, help_text="One entry per attempt: when, and how it ended.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_path", "key"], name="durable_one_task_per_key")]
        indexes = [models.Index(fields=["status", "run_after"], name="durable_status_run_after")]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}({self.key}) {self.status}"

    @property
    def name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]

    @property
    def error_line(self) -> str:
        """The last line of the last traceback: the exception and its message."""
        lines = [line for line in self.last_error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def is_stuck(self, now=None) -> bool:
        """Running past its lease: its worker died or hangs; the next sweep takes it back."""
        now = now or timezone.now()
        return self.status == self.Status.RUNNING and bool(
            self.lease_expires_at and self.lease_expires_at < now
        )


class Receipt(models.Model):
    """Proof that a piece of work with a side effect was done: unique by (kind, key).

    Written in the transaction that does the work (``durable.once``): a second run of the same
    work finds it and does nothing; a run that failed rolled its receipt back with it."""

    kind = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="durable_one_receipt_per_key")]

    def __str__(self):
        return f"{self.kind} {self.key}"
