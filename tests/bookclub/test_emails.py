"""Every change the customer should hear of sends one email, HTML and text, through Oscar's
communication app, after the transaction commits, and never twice (a unique row per history
row and email code decides)."""

from datetime import date

import pytest
import time_machine
from django.db import transaction
from oscar.core.loading import get_model

from bookclub import emails, lifecycle
from bookclub.models import Plan, SubscriptionEmail
from bookclub.tasks import send_subscription_email_task
from legal.privacy import personal_data as privacy
from tests.bookclub.conftest import london
from tests.factories.bookclub import make_plan, subscribe, uk_address

pytestmark = pytest.mark.django_db
Kind = Plan.Kind
CommunicationEventType = get_model("communication", "CommunicationEventType")
Email = get_model("communication", "Email")


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel(london(2026, 3, 10, 12, 0), tick=False) as traveller:
        yield traveller


SCENARIOS = {
    "confirm-prepaid": (
        Kind.PREPAID,
        None,
        "Your {plan} subscription is confirmed",
        "renews automatically on 1 June 2026",
    ),
    "confirm-paperbacks": (
        Kind.PAY_MONTHLY,
        None,
        "Your {plan} subscription is confirmed",
        "Total monthly cost: £15.99",
    ),
    "confirm-ebook": (
        Kind.EBOOK,
        None,
        "Your {plan} subscription is confirmed",
        "on your eBookshelf on 1 April 2026",
    ),
    "cancel": (
        Kind.EBOOK,
        lambda s, c, a: lifecycle.cancel(s, by=c, reason="customer_request"),
        "Your {plan} subscription is cancelled",
        "We keep your details until 8 June 2026",
    ),
    "suspend": (
        Kind.PAY_MONTHLY,
        lambda s, c, a: lifecycle.suspend(s, by=a, reason="non_payment"),
        "Your {plan} subscription is suspended",
        "Reason: Non-payment after a reminder.",
    ),
    "reinstate": (
        Kind.PAY_MONTHLY,
        lambda s, c, a: (lifecycle.suspend(s, by=a, reason="breach"), lifecycle.reinstate(s, by=a))[1],
        "Your {plan} subscription is running again",
        "The next order will be for April 2026",
    ),
    "resume": (
        Kind.EBOOK,
        lambda s, c, a: (lifecycle.cancel(s, by=c, reason="customer_request"), lifecycle.resume(s, by=c))[1],
        "Your {plan} eSubscription is running again",
        "on your eBookshelf on 1 May 2026",
    ),
    "auto-renewal": (
        Kind.PREPAID,
        lambda s, c, a: lifecycle.set_auto_renewal(s, on=False, by=c),
        "Automatic renewal of {plan} is off",
        "You can change your mind until 23:59 (London time) on 31 May 2026",
    ),
    "skip": (
        Kind.PAY_MONTHLY,
        lambda s, c, a: lifecycle.skip_month(s, date(2026, 5, 1), by=c),
        "{plan}: May 2026 skipped",
        "May 2026 is skipped",
    ),
    "restore": (
        Kind.PAY_MONTHLY,
        lambda s, c, a: (
            lifecycle.skip_month(s, date(2026, 5, 1), by=c),
            lifecycle.restore_month(s, date(2026, 5, 1), by=c),
        )[1],
        "{plan}: May 2026 restored",
        "for £15.99",
    ),
    "month-titles": (
        Kind.EBOOK,
        lambda s, c, a: lifecycle.set_month_titles(s, date(2026, 5, 1), titles=5, by=c),
        "{plan}: May 2026 changed",
        "In May 2026 you will receive 5 eBooks: £19.95, charged on 1 May 2026.",
    ),
    "usual-titles": (
        Kind.EBOOK,
        lambda s, c, a: lifecycle.set_usual_titles(s, titles=4, by=c),
        "{plan}: 4 eBooks a month from May 2026",
        "Total monthly cost: £15.96",
    ),
    "address": (
        Kind.PAY_MONTHLY,
        lambda s, c, a: lifecycle.set_delivery_address(s, address=uk_address(line1="2 Quiet Lane"), by=c),
        "{plan}: new delivery address",
        "2 Quiet Lane",
    ),
    "card": (
        Kind.EBOOK,
        lambda s, c, a: lifecycle.record_card(
            s,
            by=c,
            stripe_customer_id="cus_1",
            payment_method_id="pm_replacement",
            brand="visa",
            last4="1881",
        ),
        "{plan}: your card has been replaced",
        "Visa ending 1881",
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_change_emails_the_customer_once_in_html_and_text(
    scenario, customer, order_admin, mailoutbox, django_capture_on_commit_callbacks
):
    kind, action, subject, sentence = SCENARIOS[scenario]
    plan = make_plan(kind, price={Kind.EBOOK: "3.99", Kind.PAY_MONTHLY: "15.99"}.get(kind, "29.97"))
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscribe(plan, customer)
    if action:
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            outcome = action(subscription, customer, order_admin)
        assert outcome.email
    (mail,) = [m for m in mailoutbox if m.subject == subject.format(plan=plan.name)] or [None]
    assert mail is not None, [m.subject for m in mailoutbox]
    assert mail.to == ["ada.reader@example.com"]
    assert sentence in mail.body, mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and plan.name in html
    for text in (mail.body, html, mail.subject):
        assert "{{" not in text and "None" not in text
    assert (
        Email.objects.filter(user=customer, subject=mail.subject).count() == 1
    )  # kept in My Account's emails


def test_a_retried_task_never_sends_twice(customer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscribe(make_plan(Kind.EBOOK), customer)
    row = SubscriptionEmail.objects.get(event__subscription=subscription, code=emails.CONFIRMED)
    assert row.sent_at is not None and len(mailoutbox) == 1
    send_subscription_email_task.call(row.pk)
    assert emails.send_queued(row.pk) is False
    assert emails.queue(row.event, emails.CONFIRMED) == row  # queued again: the same row
    assert len(mailoutbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


def test_a_failed_send_is_not_marked_sent_and_the_retry_sends_it(customer, mailoutbox, settings):
    subscription = subscribe(
        make_plan(Kind.PAY_MONTHLY), customer
    )  # tests run on-commit hooks only when asked
    row = SubscriptionEmail.objects.get(event__subscription=subscription)
    settings.EMAIL_BACKEND = "tests.bookclub.test_emails.BrokenBackend"
    with pytest.raises(ConnectionError):
        emails.send_queued(row.pk)
    row.refresh_from_db()
    assert row.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails.send_queued(row.pk) is True
    assert len(mailoutbox) == 1


def test_nothing_is_sent_for_a_change_that_was_rolled_back(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    subscription = subscribe(make_plan(Kind.EBOOK), customer)
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        lifecycle.cancel(subscription, by=customer, reason="customer_request")
        raise RuntimeError("something later in the same request failed")
    assert callbacks == [] and mailoutbox == []
    subscription.refresh_from_db()
    assert subscription.state == "active"
    assert not SubscriptionEmail.objects.filter(code=emails.CANCELLED).exists()


def test_an_email_to_a_closed_account_is_skipped(customer, mailoutbox):
    subscription = subscribe(make_plan(Kind.EBOOK), customer)
    row = SubscriptionEmail.objects.get(event__subscription=subscription)
    privacy.close_account(customer)
    assert emails.send_queued(row.pk) is False
    row.refresh_from_db()
    assert row.skipped and mailoutbox == []


def test_every_email_code_is_a_dashboard_email_template_with_its_three_files():
    from django.template.loader import get_template

    assert set(
        CommunicationEventType.objects.filter(code__startswith="BOOKCLUB_").values_list("code", flat=True)
    ) == set(emails.EVENT_TYPES)
    for code in emails.EVENT_TYPES:
        for part in ("subject.txt", "body.txt", "body.html"):
            get_template(f"oscar/communication/emails/commtype_{code.lower()}_{part}")
