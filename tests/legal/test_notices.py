"""R-L4: a significant version makes every active subscriber get an email before it takes effect."""

import pytest
import time_machine

from bookclub.models import Subscription
from legal import notices
from legal.models import LegalPage, SignificantChangeNotice
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan
from tests.legal.conftest import TERMS_V2, london, make_legal_page, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers():
    plan, other_plan = (
        make_plan(title="Monthly paperback plan"),
        make_plan(title="Monthly eBook plan", kind="ebook"),
    )
    active = UserFactory(email="active@example.com", first_name="Ada", last_name="Reader")
    Subscription.objects.create(customer=active, plan=plan, state=Subscription.State.ACTIVE)
    Subscription.objects.create(
        customer=active, plan=other_plan, state=Subscription.State.ACTIVE
    )  # still one email
    cancelled = UserFactory(email="gone@example.com")
    Subscription.objects.create(customer=cancelled, plan=plan, state=Subscription.State.CANCELLED)
    UserFactory(email="never@example.com")
    return active


@pytest.fixture
def terms_in_may(legal_section):
    with time_machine.travel(london(2026, 5, 1, 9, 0), tick=False):
        page, _revision = make_legal_page(legal_section, "terms", title="Terms and Conditions of Sale")
    return page


def schedule_significant(page, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(london(2026, 5, 10, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return publish(
            page,
            summary="We are moving to a new address.",
            content=TERMS_V2,
            go_live_at=london(2026, 6, 1, 0, 0),
            significant=True,
        )


def test_R_L4_scheduling_a_significant_version_emails_each_active_subscriber_once(
    terms_in_may, subscribers, mailoutbox, django_capture_on_commit_callbacks
):
    revision = schedule_significant(terms_in_may, django_capture_on_commit_callbacks)

    assert [mail.to for mail in mailoutbox] == [["active@example.com"]]
    mail = mailoutbox[0]
    assert "1 June 2026" in mail.subject and "Terms and Conditions of Sale" in mail.subject
    assert "We are moving to a new address." in mail.body
    assert "refund" in mail.body and "end your subscription before 1 June 2026" in mail.body
    assert "We are a small book club in Bristol." in mail.body  # the changed clause, in its new wording
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and "<ins>club in Bristol.</ins>" in html and "refund" in html
    assert SignificantChangeNotice.objects.filter(customer=subscribers, revision=revision).count() == 1

    # The task runs again (a retry, a second worker, the publish itself): nobody is told twice.
    assert notices.notify_subscribers(revision) == 0
    with time_machine.travel(london(2026, 6, 1, 0, 5), tick=False):
        from django.core.management import call_command

        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled")
    assert len(mailoutbox) == 1


def test_R_L4_email_goes_out_before_the_version_takes_effect(
    terms_in_may, subscribers, mailoutbox, django_capture_on_commit_callbacks
):
    revision = schedule_significant(terms_in_may, django_capture_on_commit_callbacks)
    notice = SignificantChangeNotice.objects.get(revision=revision)
    revision.refresh_from_db()
    assert notice.sent_at < revision.approved_go_live_at


def test_R_L4_a_minor_version_emails_nobody(
    terms_in_may, subscribers, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(london(2026, 5, 10, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish(terms_in_may, summary="Typo fixed.", content=TERMS_V2)
    assert mailoutbox == []
    assert not SignificantChangeNotice.objects.exists()


def test_R_L4_a_significant_version_must_be_scheduled_with_notice():
    from legal.versions import notice_error

    with time_machine.travel(london(2026, 5, 10, 9, 0), tick=False):
        assert notice_error(significant=True, go_live_at=None)  # published at once: no notice
        assert notice_error(significant=True, go_live_at=london(2026, 5, 15, 0, 0))  # five days
        assert notice_error(significant=True, go_live_at=london(2026, 6, 1, 0, 0)) is None
        assert notice_error(significant=False, go_live_at=None) is None


def test_R_L4_the_editor_form_refuses_an_unscheduled_significant_version(terms_in_may):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    editor = UserFactory(editor=True)
    page = LegalPage.objects.get(pk=terms_in_may.pk)
    form_class = LegalPage.get_edit_handler().get_form_class()

    def form(**changes):
        data = {
            "title": page.title,
            "slug": page.slug,
            "kind": "terms",
            "effective_from": "2026-06-01",
            "change_summary": "New address.",
            "significant_change": "on",
            "body": streamfield([]),
            "comments": inline_formset([]),
        }
        return form_class(
            nested_form_data({**data, **changes}),
            instance=page,
            for_user=editor,
            parent_page=page.get_parent(),
        )

    with time_machine.travel(london(2026, 5, 10, 9, 0), tick=False):
        unscheduled = form()
        assert not unscheduled.is_valid()
        assert "significant_change" in unscheduled.errors
        scheduled = form(go_live_at="2026-06-01 00:00")
        assert scheduled.is_valid(), scheduled.errors


def test_R_L4_a_failed_send_is_not_recorded_and_is_tried_again(
    terms_in_may, subscribers, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.legal.test_notices.BrokenBackend"
    schedule_significant(terms_in_may, django_capture_on_commit_callbacks)  # the task fails
    assert not SignificantChangeNotice.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    revision = LegalPage.objects.get(pk=terms_in_may.pk).revisions.order_by("-pk").first()
    assert notices.notify_subscribers(revision) == 1
    assert SignificantChangeNotice.objects.count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_L4_two_workers_at_once_still_send_each_notice_once(terms_in_may, mailoutbox):
    """Two task runs for the same version at the same moment: the unique record lets one send."""
    import threading

    from django.db import connection

    revision = schedule_significant(terms_in_may, _run_now)  # nobody subscribes yet: no email
    plan = make_plan(title="Monthly eBook plan", kind="ebook")
    for n in range(5):
        Subscription.objects.create(
            customer=UserFactory(email=f"sub{n}@example.com"), plan=plan, state=Subscription.State.ACTIVE
        )

    start = threading.Barrier(2)
    sent = []

    def worker():
        try:
            start.wait()
            sent.append(notices.notify_subscribers(revision))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(sent) == 5
    assert sorted(mail.to[0] for mail in mailoutbox) == [f"sub{n}@example.com" for n in range(5)]
    assert SignificantChangeNotice.objects.filter(revision=revision).count() == 5


def _run_now(execute=True):
    """Stands in for django_capture_on_commit_callbacks: outside a test transaction on_commit runs at once."""
    import contextlib

    return contextlib.nullcontext()
