"""Durable tasks: a failed send is retried with backoff and sent once; a task run twice sends
once; the sweep finds a paid order whose confirmation was never recorded (R-L5, issue 10)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from durable import durable_task, heartbeat, once
from durable.models import DurableTask, Receipt
from durable.sweep import sweep
from shop.order.tasks import send_order_confirmation_task
from tests.commit import committed

from .smtp import FakeSMTP

pytestmark = pytest.mark.django_db

CommunicationEvent = get_model("order", "CommunicationEvent")


def confirmations(order) -> int:
    return CommunicationEvent.objects.filter(order=order, event_type__code="ORDER_PLACED").count()


def test_R_L5_a_confirmation_the_mail_server_refused_is_retried_with_backoff_and_sent_once(
    make_paid_order, smtp_settings
):
    order = make_paid_order()
    start = timezone.now()
    with FakeSMTP(refuse=2) as server, time_machine.travel(start, tick=False) as clock:
        smtp_settings(server)
        with committed():
            send_order_confirmation_task.enqueue(order.pk)  # as placing the order does
        row = DurableTask.objects.get()
        assert (row.status, row.attempts, server.refused, confirmations(order)) == ("retrying", 1, 1, 0)
        assert row.run_after == start + timedelta(minutes=1) and "451" in row.last_error

        with committed():
            assert sweep().retried == 0  # not due yet
        clock.shift(timedelta(minutes=1))
        with committed():
            assert sweep().retried == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, server.refused) == ("retrying", 2, 2)
        assert row.run_after == start + timedelta(minutes=1 + 5)  # backing off

        clock.shift(timedelta(minutes=5))
        with committed():
            assert sweep().retried == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("succeeded", 3)
        assert [entry["outcome"] for entry in row.log] == ["failed", "failed", "succeeded"]
        assert len(server.delivered) == 1 and confirmations(order) == 1
        assert str(order.number).encode() in server.delivered[0]

        clock.shift(timedelta(hours=1))
        with committed():
            sweep()
    assert len(server.delivered) == 1 and confirmations(order) == 1


def test_R_L5_a_mail_server_down_for_good_ends_in_failed_after_the_last_attempt(
    make_paid_order, smtp_settings
):
    order = make_paid_order()
    with FakeSMTP(refuse=100) as server, time_machine.travel(timezone.now(), tick=False) as clock:
        smtp_settings(server)
        with committed():
            send_order_confirmation_task.enqueue(order.pk)
        for _ in range(10):
            clock.shift(timedelta(hours=13))
            with committed():
                sweep()
    row = DurableTask.objects.get()
    assert (row.status, row.attempts, row.max_attempts, server.refused) == ("failed", 6, 6, 6)
    assert confirmations(order) == 0 and Receipt.objects.count() == 0  # rolled back with each send


def test_R_L5_a_confirmation_task_run_twice_sends_one_email(make_paid_order):
    order = make_paid_order()
    with committed():
        send_order_confirmation_task.enqueue(order.pk)
    with committed():
        send_order_confirmation_task.enqueue(order.pk)  # a second delivery: runs again, sends nothing
    row = DurableTask.objects.get()
    assert row.status == "succeeded" and row.log[-1]["outcome"] == "succeeded"
    assert send_order_confirmation_task.call(order.pk) is False
    assert len(mail.outbox) == 1 and confirmations(order) == 1
    assert Receipt.objects.filter(kind="order-confirmation", key=order.number).count() == 1


def test_once_is_true_the_first_time_and_rolls_back_with_the_work():
    with transaction.atomic():
        assert once("test", 1) is True
        assert once("test", 1) is False
    try:
        with transaction.atomic():
            assert once("test", 2) is True
            raise RuntimeError("the email could not be sent")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert once("test", 2) is True  # the failed attempt left no receipt behind


def test_R_L5_the_sweep_sends_the_confirmation_of_a_paid_order_that_has_none(make_paid_order):
    order = make_paid_order()  # its task lost (or gave up before this app existed)
    with committed():
        assert sweep().found == {"unconfirmed paid orders": 0}  # too young: its own task may be on the way
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        with committed():
            assert sweep().found == {"unconfirmed paid orders": 1}
        with committed():
            assert sweep().found == {"unconfirmed paid orders": 0}
    assert len(mail.outbox) == 1 and confirmations(order) == 1


LEASES = []


@durable_task(lease=timedelta(minutes=1))
def long_task_for_tests(number: int) -> int:
    """A monthly run in miniature: it renews its lease between its steps."""
    row = DurableTask.objects.get(task_path=long_task_for_tests.module_path, key=str(number))
    LEASES.append(row.lease_expires_at)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):  # a long first step
        heartbeat()
    row.refresh_from_db()
    LEASES.append(row.lease_expires_at)
    return number


def test_a_long_task_renews_its_lease_with_a_heartbeat():
    LEASES.clear()
    with committed():
        long_task_for_tests.enqueue(7)
    first, renewed = LEASES
    assert timedelta(minutes=10) <= renewed - first < timedelta(minutes=11)
    assert DurableTask.objects.get(key="7").status == "succeeded"
    heartbeat()  # outside a task: nothing to renew
