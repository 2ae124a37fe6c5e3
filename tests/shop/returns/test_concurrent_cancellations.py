"""Two cancellations of one line at the same moment refund it once (R-X1, R-P4)."""

import threading

import pytest
from django.db import close_old_connections
from oscar.core.loading import get_model

from shop.payment.models import Refund
from shop.returns import cancelling
from shop.returns.models import Cancellation
from tests.factories import BookFactory, UserFactory
from tests.shop.ebooks.helpers import buy

Order = get_model("order", "Order")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_X1_two_cancellations_of_one_line_at_once_refund_it_once(
    client, localstripe, legal_documents_in_force
):
    reader = UserFactory()
    buy(client, localstripe, reader, BookFactory(stockrecord__price="7.00"))
    order = Order.objects.get(user=reader)
    line = order.lines.get()
    barrier = threading.Barrier(2)
    outcomes = []

    def cancel():
        try:
            barrier.wait()
            cancelling.cancel(order, {line.pk: 1}, channel=Cancellation.Channel.ACCOUNT)
            outcomes.append("cancelled")
        except cancelling.CannotCancel:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["cancelled", "refused"]
    assert Refund.objects.filter(order=order).count() == 1 and Cancellation.objects.count() == 1
