"""R-L5: a worker killed with SIGKILL while it sends an Order Confirmation loses nothing. The
row stays "running" until its lease runs out; then the sweep hands it to another worker, which
sends the confirmation, once (issue 10). On PostgreSQL, and on the SQLite file of the demo."""

import contextlib
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from oscar.core.loading import get_model

from durable.models import DurableTask, Receipt
from durable.sweep import sweep
from durable.work import LEASE
from shop.order.tasks import send_order_confirmation_task

from .smtp import FakeSMTP
from .sqlite_file import sqlite_file_database

ROOT = Path(__file__).resolve().parents[2]
CommunicationEvent = get_model("order", "CommunicationEvent")


def database_url(settings_dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def start_worker(smtp_port: int) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.durable.worker_settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "FAKE_SMTP_PORT": str(smtp_port),
    }
    command = ["manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
    return subprocess.Popen(
        [sys.executable, *command, "--worker-id", "doomed"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_L5_a_worker_killed_mid_send_is_reclaimed_after_its_lease_and_the_order_confirmed_once(
    make_paid_order, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    order = make_paid_order()
    send_order_confirmation_task.enqueue(order.pk)  # as placing the order does: a row and a run

    on_file = (
        sqlite_file_database(tmp_path / "db.sqlite3")  # a worker process needs a database file
        if connection.vendor == "sqlite"
        else contextlib.nullcontext()
    )
    with on_file, FakeSMTP(stall=True) as hanging_mail_server:
        worker = start_worker(hanging_mail_server.port)
        try:
            assert hanging_mail_server.stalled.wait(120), worker.stderr.read().decode()[-3000:]
            os.kill(worker.pid, signal.SIGKILL)  # mid-send: the message's DATA sent, no answer yet
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        killed_at = timezone.now()

        row = DurableTask.objects.get()
        run = DBTaskResult.objects.get(id=row.result_id)
        assert (row.status, row.attempts, run.status, run.worker_ids) == ("running", 1, "RUNNING", ["doomed"])
        assert sweep().reclaimed == 0  # within its lease the worker may still be alive

        with time_machine.travel(killed_at + LEASE + timedelta(seconds=1), tick=True):
            report = sweep()
            assert report.reclaimed == 1
            run.refresh_from_db()
            assert (run.status, run.exception_class_path) == ("FAILED", "durable.LeaseExpired")
            # Another worker (here in this process, with this process's mail outbox) takes it.
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="survivor",
                excluded_queue_names=[],
            ).run()

        row.refresh_from_db()
        assert (row.status, row.attempts) == ("succeeded", 2)
        assert [entry["outcome"] for entry in row.log] == ["lease expired", "succeeded"]
        assert hanging_mail_server.delivered == []  # the killed send never completed
        assert len(mail.outbox) == 1 and str(order.number) in mail.outbox[0].body
        assert CommunicationEvent.objects.filter(order=order, event_type__code="ORDER_PLACED").count() == 1
        assert Receipt.objects.filter(kind="order-confirmation", key=order.number).count() == 1
        assert sweep().found == {"unconfirmed paid orders": 0}
