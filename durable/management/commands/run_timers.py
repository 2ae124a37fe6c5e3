"""The timers of the site, in one process beside the workers: the sweep of durable tasks and
scheduled publishing every minute, the payment retries every five (docs/background-work.md).

APScheduler's cron triggers, as django-crontask uses them (django-crontask itself needs
Django 6 and Python 3.12: docs/dependencies.md). Run exactly one of these per site; a second one
is harmless (each command is safe to run twice at once) but does the work twice. In production a
systemd timer or cron running the same commands is as good: docs/background-work.md.
"""

import contextlib
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from durable.timers import TIMERS

logger = logging.getLogger(__name__)


def run(command: str) -> None:
    """One timer's command, in a long-lived process: connections dropped meanwhile are renewed."""
    close_old_connections()
    try:
        call_command(command, verbosity=0)
    except Exception:  # one failed run must not stop the timers; the next minute tries again
        logger.exception("Timer %s failed", command)
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Run the site's timers (durable/timers.py): sweep, publishing, payment retries, monthly run."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each timer's command once, then exit.")

    def handle(self, *args, once, **options):
        if once:
            for command in TIMERS:
                call_command(command, verbosity=0)
            return
        scheduler = BlockingScheduler(timezone="UTC")
        for command, cron in TIMERS.items():
            scheduler.add_job(
                run,
                CronTrigger.from_crontab(cron, timezone="UTC"),
                args=[command],
                id=command,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=30,
            )
        self.stdout.write("Timers: " + ", ".join(f"{c} ({cron})" for c, cron in TIMERS.items()))
        with contextlib.suppress(KeyboardInterrupt, SystemExit):  # Ctrl-C, or the demo stopping
            scheduler.start()
