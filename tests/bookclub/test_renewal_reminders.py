"""The renewal reminder 3 days before a pre-paid plan renews, once per renewal (R-S3)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from bookclub import lifecycle
from bookclub.models import BillingEmail, Plan
from tests.commit import committed
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan

from .run_helpers import at, subscriber

pytestmark = pytest.mark.django_db


def remind() -> str:
    out = StringIO()
    with committed():
        call_command("send_renewal_reminders", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def reminders() -> list[str]:
    return [m.subject for m in mail.outbox if "renews on" in m.subject]


@pytest.fixture
def prepaid(localstripe):
    plan = make_plan(Plan.Kind.PREPAID, term_months=3)
    with at(2027, 4, 10, 12, 0):  # first term April to June: renews on 1 July
        person = subscriber(plan, UserFactory(email="p@example.com"), localstripe)
    mail.outbox.clear()
    return person


def test_R_S3_the_reminder_goes_3_days_before_the_renewal_once(prepaid):
    with at(2027, 6, 27, 9, 0):
        assert remind().endswith("0 renewals within 3 days, 0 reminders queued now, 0 sent before.")
    assert reminders() == []
    with at(2027, 6, 28, 0, 1):  # 3 days before 1 July, London time
        assert remind().endswith("1 renewals within 3 days, 1 reminders queued now, 0 sent before.")
    with at(2027, 6, 28, 18, 0):
        remind()
    with at(2027, 6, 30, 9, 0):
        assert remind().endswith("1 renewals within 3 days, 0 reminders queued now, 1 sent before.")
    assert reminders() == [f"{prepaid.plan.name} renews on 1 July 2027"]
    [email] = mail.outbox
    assert "29.97" in email.body and "23:59 on 30 June 2027" in email.body
    assert BillingEmail.objects.get().key == f"renewal-{prepaid.pk}-2027-07-01"


def test_R_S3_a_missed_day_is_caught_up_and_renewal_off_sends_none(prepaid, localstripe):
    with at(2027, 6, 29, 9, 0):  # the timer did not run on the 28th
        remind()
    assert len(reminders()) == 1

    plan = make_plan(Plan.Kind.PREPAID, term_months=3)
    with at(2027, 4, 10, 12, 0):
        other = subscriber(plan, UserFactory(), localstripe)
        lifecycle.set_auto_renewal(other, on=False, by=other.customer)
    with at(2027, 6, 29, 10, 0):
        remind()
    assert len(reminders()) == 1
