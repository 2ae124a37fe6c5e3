"""The timers: `manage.py run_timers` (APScheduler's cron triggers) runs the sweep every minute."""

import io
from datetime import timedelta

import pytest
import time_machine
from apscheduler.triggers.cron import CronTrigger
from django.core import mail
from django.core.management import call_command, get_commands
from django.utils import timezone

from durable.management.commands.run_timers import TIMERS
from tests.commit import committed


def test_every_timer_is_a_cron_line_and_a_command_of_the_site():
    assert "sweep_tasks" in TIMERS and "publish_scheduled" in TIMERS
    # The book club adds its own from ready(): the monthly run (R-S10) and the reminders (R-S3).
    assert "run_monthly" in TIMERS and "send_renewal_reminders" in TIMERS
    for command, cron in TIMERS.items():
        assert command in get_commands()
        CronTrigger.from_crontab(cron, timezone="UTC")


@pytest.mark.django_db
def test_R_L5_one_round_of_the_timers_sends_a_confirmation_that_was_owed(make_paid_order):
    order = make_paid_order()
    with time_machine.travel(timezone.now() + timedelta(minutes=3)), committed():
        call_command("run_timers", "--once", stdout=io.StringIO())
    assert len(mail.outbox) == 1 and str(order.number) in mail.outbox[0].body
