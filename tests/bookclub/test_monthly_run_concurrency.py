"""Several workers on one month at once, on PostgreSQL (R-S10): cycles claimed with SKIP LOCKED
and leases, so every subscriber gets one order, one charge and one confirmation."""

import threading
from collections import Counter
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from oscar.core.loading import get_model

from bookclub import billing
from bookclub.models import BillingCycle, Plan
from tests.factories import UserFactory

from .run_helpers import at, intents, plan_with_selections, subscriber

Order = get_model("order", "Order")
MAY = date(2027, 5, 1)
PER_PLAN = 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_S10_two_workers_at_once_make_one_order_one_charge_one_confirmation_each(localstripe):
    plans = {kind: plan_with_selections(kind, [MAY]) for kind in Plan.Kind.values}
    people = []
    with at(2027, 3, 10, 12, 0):
        people += [subscriber(plans[Plan.Kind.EBOOK], UserFactory(), localstripe) for _ in range(PER_PLAN)]
    with at(2027, 4, 10, 12, 0):
        for kind in (Plan.Kind.PREPAID, Plan.Kind.PAY_MONTHLY):
            people += [subscriber(plans[kind], UserFactory(), localstripe) for _ in range(PER_PLAN)]
    mail.outbox.clear()
    start = threading.Barrier(2)
    summaries, errors = {}, []

    def worker(name):
        try:
            start.wait()
            summaries[name] = billing.run_period(MAY, worker=name, batch=4)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    with at(2027, 5, 1, 0, 5):
        threads = [threading.Thread(target=worker, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert all(summary.processed > 0 for summary in summaries.values())  # both did some of it
    assert sum(summary.processed for summary in summaries.values()) == 3 * PER_PLAN
    assert BillingCycle.objects.count() == 3 * PER_PLAN
    assert Counter(BillingCycle.objects.values_list("state", flat=True)) == {
        "paid": 2 * PER_PLAN,
        "invoiced": PER_PLAN,
    }
    assert Order.objects.filter(billing_cycle__isnull=False).count() == 3 * PER_PLAN
    charged = [intent for intent in intents(localstripe) if intent["metadata"].get("billing_cycle")]
    assert len(charged) == PER_PLAN and len({i["metadata"]["billing_cycle"] for i in charged}) == PER_PLAN
    confirmations = Counter(m.to[0] for m in mail.outbox if m.subject.startswith("Order confirmation"))
    assert confirmations == {person.customer.email: 1 for person in people}
