"""R-L5: two workers running the same confirmation at the same moment send it once
(PostgreSQL: the receipt's unique row makes the second wait for the first, then send nothing)."""

import threading

import pytest
from django.core import mail
from django.db import connection
from oscar.core.loading import get_model

from durable.models import Receipt
from shop.order.tasks import send_order_confirmation_task

CommunicationEvent = get_model("order", "CommunicationEvent")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_L5_the_same_confirmation_run_by_two_workers_at_once_is_sent_once(make_paid_order):
    order = make_paid_order()
    start = threading.Barrier(2)
    answers = []

    def run():
        try:
            start.wait()
            answers.append(send_order_confirmation_task.call(order.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [False, True]
    assert len(mail.outbox) == 1
    assert CommunicationEvent.objects.filter(order=order, event_type__code="ORDER_PLACED").count() == 1
    assert Receipt.objects.filter(key=order.number).count() == 1
