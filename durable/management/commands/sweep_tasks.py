"""Take back tasks whose worker died, retry failed ones that are due, send what is owed.

Run it every minute (django-crontask does in the demo and in production: docs/background-work.md).
"""

from django.core.management.base import BaseCommand

from durable.sweep import sweep


class Command(BaseCommand):
    help = (
        "Reclaim durable tasks whose lease ran out, queue due retries, find owed work (e.g. confirmations)."
    )

    def handle(self, *args, **options):
        report = sweep()
        if options["verbosity"]:
            self.stdout.write(str(report))
