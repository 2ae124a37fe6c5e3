"""Order admins see the background tasks that failed or are stuck, and retry them (issue 10)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from durable.models import DurableTask
from durable.sweep import sweep
from shop.order.tasks import send_order_confirmation_task
from tests.commit import committed
from tests.factories import UserFactory

from .smtp import FakeSMTP

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_admin_client(client):
    client.force_login(UserFactory(order_admin=True))
    return client


def stuck_and_waiting_rows(count: int, first: int = 0):
    """Rows as a dead worker leaves them (running, lease gone) and as a retry leaves them."""
    now = timezone.now()
    for n in range(count):
        DurableTask.objects.create(
            task_path="shop.payment.tasks.send_refund_task",
            key=str(1000 + first + n),
            max_attempts=6,
            attempts=1,
            status=DurableTask.Status.RUNNING,
            lease_expires_at=now - timedelta(minutes=1),
        )
        DurableTask.objects.create(
            task_path="shop.payment.tasks.process_stripe_event_task",
            key=str(2000 + first + n),
            max_attempts=6,
            attempts=2,
            status=DurableTask.Status.RETRYING,
            run_after=now + timedelta(minutes=5),
        )


def test_R_L5_a_confirmation_that_gave_up_is_shown_to_order_admins_and_sent_once_by_retry(
    make_paid_order, smtp_settings, settings, order_admin_client
):
    order = make_paid_order()
    locmem = settings.EMAIL_BACKEND
    with FakeSMTP(refuse=100) as server, time_machine.travel(timezone.now(), tick=False) as clock:
        smtp_settings(server)
        with committed():
            send_order_confirmation_task.enqueue(order.pk)
        for _ in range(6):
            clock.shift(timedelta(hours=13))
            with committed():
                sweep()
    row = DurableTask.objects.get()
    assert row.status == "failed"

    page = order_admin_client.get(reverse("dashboard:task-list")).content.decode()
    assert "send_order_confirmation_task" in page and "Failed (gave up)" in page
    assert "451" in page and "6 of 6" in page
    assert "Background tasks" in order_admin_client.get(reverse("dashboard:index")).content.decode()

    settings.EMAIL_BACKEND = locmem  # the mail server works again
    with committed():
        response = order_admin_client.post(reverse("dashboard:task-retry", kwargs={"pk": row.pk}))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("succeeded", 7)
    assert len(mail.outbox) == 1 and str(order.number) in mail.outbox[0].body
    with committed():  # a second press, or the sweep: nothing more is sent
        order_admin_client.post(reverse("dashboard:task-retry", kwargs={"pk": row.pk}))
        sweep()
    assert len(mail.outbox) == 1
    assert "nothing owed is lost" in order_admin_client.get(reverse("dashboard:task-list")).content.decode()


def test_stuck_tasks_are_listed_and_waiting_ones_under_their_own_filter(order_admin_client):
    stuck_and_waiting_rows(1)
    page = order_admin_client.get(reverse("dashboard:task-list")).content.decode()
    assert "Stuck (its worker stopped)" in page and "1000" in page and "2000" not in page
    waiting = order_admin_client.get(reverse("dashboard:task-list"), {"show": "retrying"}).content.decode()
    assert "Waiting to retry" in waiting and "2000" in waiting and "1000" not in waiting
    assert order_admin_client.get(reverse("dashboard:task-list"), {"show": "<script>"}).status_code == 200


def test_the_task_list_costs_the_same_queries_for_2_or_40_tasks(
    order_admin_client, django_assert_num_queries
):
    stuck_and_waiting_rows(1)
    order_admin_client.get(reverse("dashboard:task-list"))  # warm the session and the menu
    with django_assert_num_queries(8):
        order_admin_client.get(reverse("dashboard:task-list"), {"show": "recent"})
    stuck_and_waiting_rows(20, first=1)
    with django_assert_num_queries(8):
        order_admin_client.get(reverse("dashboard:task-list"), {"show": "recent"})


@pytest.mark.parametrize("role", [None, "editor"])
def test_readers_and_editors_cannot_reach_the_tasks(client, role):
    user = UserFactory(editor=True) if role == "editor" else UserFactory()
    client.force_login(user)
    assert client.get(reverse("dashboard:task-list")).status_code in (302, 403)
    stuck_and_waiting_rows(1)
    row = DurableTask.objects.filter(status="running").get()
    assert client.post(reverse("dashboard:task-retry", kwargs={"pk": row.pk})).status_code in (302, 403)
    row.refresh_from_db()
    assert row.status == "running"
