"""Run the club's month: every due subscriber's order and charge, once (R-S10).

    manage.py run_monthly                      # this month (London), in this process
    manage.py run_monthly --period 2027-05     # a given month, once it has begun
    manage.py run_monthly --plan 3             # one plan only
    manage.py run_monthly --enqueue 4          # open the month and start 4 workers as tasks

Safe to run again, on several machines at once: each cycle is claimed by one worker.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bookclub import billing, months
from bookclub.exceptions import NotAllowed
from bookclub.models import Plan


def parse_period(value: str) -> date:
    try:
        year, month = value.split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError as error:
        raise CommandError(f"--period wants a month as YYYY-MM, not {value!r}") from error


class Progress:
    """A one-line progress bar on a terminal, every 1 % elsewhere."""

    def __init__(self, stdout, width: int = 40):
        self.stdout, self.width, self.last = stdout, width, -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent == self.last and done != total:
            return
        self.last = percent
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} ({percent}%)", ending="")
        self.stdout.flush()


class Command(BaseCommand):
    help = "Form, charge and confirm the month's order of every due subscriber, once (R-S10)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="The month, YYYY-MM (default: this month in London).")
        parser.add_argument("--plan", type=int, help="Only this plan (its id).")
        parser.add_argument("--enqueue", type=int, default=0, help="Start this many worker tasks instead.")
        parser.add_argument("--batch", type=int, default=billing.BATCH, help="Cycles claimed at a time.")

    def handle(self, *args, period=None, plan=None, enqueue=0, batch=billing.BATCH, **options):
        month = parse_period(period) if period else months.month_of(months.london_today())
        chosen = None
        if plan is not None:
            chosen = Plan.objects.filter(pk=plan).first()
            if chosen is None:
                raise CommandError(f"There is no plan {plan}.")
        try:
            if enqueue:
                from bookclub.tasks import run_monthly_task

                opened = billing.open_period(month, plan=chosen)
                for _ in range(enqueue):
                    run_monthly_task.enqueue(month.isoformat(), chosen.pk if chosen else None)
                self.stdout.write(
                    f"{months.describe(month)}: {opened.created} cycles opened, {enqueue} workers started."
                )
                for alert in opened.alerts:
                    self.stderr.write(f"Stopped: {alert.message}")
                return
            summary = billing.run_period(month, plan=chosen, batch=batch, progress=Progress(self.stdout))
        except NotAllowed as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write("")
        self.stdout.write(summary.line())
        for alert in summary.alerts:
            self.stderr.write(f"Stopped: {alert}")
