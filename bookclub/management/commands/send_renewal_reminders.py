"""Email each pre-paid subscriber whose plan renews within 3 days, once per renewal (R-S3).

manage.py send_renewal_reminders            # daily, any time of day
"""

from django.core.management.base import BaseCommand

from bookclub import months, reminders
from bookclub.management.commands.run_monthly import Progress


class Command(BaseCommand):
    help = "Queue the renewal reminder of each pre-paid plan renewing within 3 days, once (R-S3)."

    def handle(self, *args, **options):
        today = months.london_today()
        result = reminders.send_renewal_reminders(today=today, progress=Progress(self.stdout))
        self.stdout.write("")
        self.stdout.write(
            f"{today:%d %B %Y}: {result.due} renewals within {reminders.REMINDER_DAYS} days, "
            f"{result.queued} reminders queued now, {result.due - result.queued} sent before."
        )
