"""The order admins' monthly-run screen (R-S10, R-U2): counts by state per plan, a plan that did
not run, failures with a retry, and "run now" (safe: the run is idempotent)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookclub import billing
from bookclub.models import BillingCycle, Plan
from tests.commit import committed
from tests.factories import UserFactory

from .run_helpers import at, plan_with_selections, subscriber

MAY = date(2027, 5, 1)
State = BillingCycle.State

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(localstripe):
    ebook = plan_with_selections(Plan.Kind.EBOOK, [MAY])
    monthly = plan_with_selections(Plan.Kind.PAY_MONTHLY, [])  # no May selection: it stops
    with at(2027, 3, 10, 12, 0):
        subscriber(ebook, UserFactory(email="ok@example.com"), localstripe)
        subscriber(ebook, UserFactory(email="declined@example.com"), localstripe, card="declined")
    with at(2027, 4, 10, 12, 0):
        subscriber(monthly, UserFactory(), localstripe)
    with at(2027, 5, 1, 0, 5), committed():
        billing.run_period(MAY)
    return ebook, monthly


def test_R_S10_the_screen_counts_each_plans_month_by_state_and_shows_what_needs_attention(client, month):
    ebook, monthly = month
    url = reverse("dashboard:monthly-run") + "?period=2027-05"
    with at(2027, 5, 1, 9, 0):
        client.force_login(UserFactory(order_admin=True))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{monthly.name} did not run:" in html and "no complete live selection for May 2027" in html
    rows = {row["plan"].pk: row for row in page.context["rows"]}
    assert rows[ebook.pk]["cells"] == [0, 1, 0, 1, 0, 0, 0]  # one paid, one retrying
    assert rows[monthly.pk]["not_opened"] == 1
    [problem] = page.context["problems"]
    assert problem.subscription.customer.email == "declined@example.com" and problem.state == State.RETRYING
    assert len(queries) == 9, [q["sql"][:90] for q in queries.captured_queries]


def test_R_S10_retry_and_run_now_work_again_on_what_is_left(client, month):
    ebook, _ = month
    cycle = BillingCycle.objects.get(state=State.RETRYING)
    BillingCycle.objects.filter(pk=cycle.pk).update(state=State.FAILED, failure_code="card_declined")
    with at(2027, 5, 3, 9, 0):
        client.force_login(UserFactory(order_admin=True))
        with committed():
            client.post(reverse("dashboard:monthly-run-retry", kwargs={"pk": cycle.pk}))
        cycle.refresh_from_db()
        assert cycle.state == State.RETRYING and cycle.next_attempt_at is None
        with committed():
            response = client.post(
                reverse("dashboard:monthly-run-now"), {"plan": ebook.pk, "period": "2027-05"}
            )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.attempts == 2 and cycle.state == State.RETRYING  # tried again, declined again
    assert BillingCycle.objects.filter(state=State.PAID).count() == 1


def test_R_U2_readers_and_editors_cannot_see_or_run_it(client, month):
    with at(2027, 5, 1, 9, 0):
        for person in (UserFactory(), UserFactory(editor=True)):
            client.force_login(person)
            assert client.get(reverse("dashboard:monthly-run")).status_code in (302, 403)
            assert client.post(reverse("dashboard:monthly-run-now"), {"plan": 1}).status_code in (302, 403)
    assert BillingCycle.objects.count() == 2


def test_the_screen_takes_a_bad_period_as_this_month(client, month):
    with at(2027, 5, 1, 9, 0):
        client.force_login(UserFactory(order_admin=True))
        page = client.get(reverse("dashboard:monthly-run") + "?period=nonsense-99")
    assert page.status_code == 200 and page.context["period"] == MAY
