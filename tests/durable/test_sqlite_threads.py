"""R-L5 on the embedded profile: readers paying, staff signing in and editors editing pages at the
same time as the task worker, on one SQLite file, never meet "database is locked" (issue 10)."""

import threading
import traceback
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from oscar.core.loading import get_model
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from legal import acceptance
from tests.factories import BookFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.shop.checkout.helpers import UK_ADDRESS, card_payment_method, uk_shipping_country
from website.models import StandardPage

from .sqlite_file import sqlite_file_database

Order = get_model("order", "Order")
CommunicationEvent = get_model("order", "CommunicationEvent")

ROUNDS = 3  # each thread's journey, repeated


class Journeys:
    """Each journey runs in its own thread with its own Client (and so its own connection)."""

    def __init__(self, localstripe_url, book, page):
        self.localstripe_url = localstripe_url
        self.book = book
        self.page_id = page.pk
        self.statuses = Counter()
        self.errors = []
        self.requests = 0
        self.lock = threading.Lock()

    def hit(self, client, method, path, data=None, **extra):
        try:
            response = getattr(client, method)(path, data or {}, **extra)
        except Exception as error:
            with self.lock:
                self.requests += 1
                self.errors.append(f"{method.upper()} {path}: {error!r}\n{traceback.format_exc()}")
            return None
        with self.lock:
            self.requests += 1
            self.statuses[response.status_code] += 1
        return response

    def reader(self, email):
        client = Client()
        for _ in range(ROUNDS):
            self.hit(
                client,
                "post",
                reverse("customer:login"),
                {"login-username": email, "login-password": PASSWORD, "login_submit": "1"},
            )
            self.hit(client, "post", reverse("basket:add", kwargs={"pk": self.book.pk}), {"quantity": 1})
            self.hit(client, "get", reverse("checkout:index"))
            self.hit(client, "post", reverse("checkout:shipping-address"), UK_ADDRESS)
            self.hit(client, "get", reverse("checkout:shipping-method"))
            self.hit(client, "get", reverse("checkout:payment-details"))
            method = card_payment_method(self.localstripe_url, "4242424242424242")
            self.hit(client, "post", reverse("checkout:preview"), {"payment_method_id": method})
            review = self.hit(client, "get", reverse("checkout:preview"))
            if review is None or review.status_code != 200:
                continue
            terms, privacy = acceptance.versions_to_accept()
            placed = self.hit(
                client,
                "post",
                reverse("checkout:preview"),
                {
                    "action": "place_order",
                    "terms_version": terms.pk,
                    "privacy_version": privacy.pk,
                    "agree_terms": "on",
                    "confirm_age": "on",
                },
            )
            if placed is not None and placed.status_code == 302:
                self.hit(client, "get", placed.url)  # the thank-you page
            self.hit(client, "post", reverse("customer:logout"))

    def newcomer(self, number):
        for round_ in range(ROUNDS):
            client = Client()
            password = "a-long-new-password-for-tests"
            self.hit(
                client,
                "post",
                reverse("customer:register"),
                {
                    "registration-email": f"new{number}-{round_}@example.com",
                    "registration-password1": password,
                    "registration-password2": password,
                    "registration_submit": "1",
                },
            )
            self.hit(client, "get", reverse("customer:summary"))

    def order_admin(self, email):
        for _ in range(ROUNDS):
            client = Client()
            self.hit(client, "post", "/dashboard/login/", {"username": email, "password": PASSWORD})
            self.hit(client, "get", "/dashboard/")
            self.hit(client, "get", "/dashboard/orders/")

    def editor(self, email, number):
        for round_ in range(ROUNDS):
            client = Client()
            self.hit(client, "post", "/cms/login/", {"username": email, "password": PASSWORD})
            edit = reverse("wagtailadmin_pages:edit", args=(self.page_id,))
            self.hit(client, "get", edit)
            data = nested_form_data(
                {
                    "title": "How the club works",
                    "slug": "how-it-works",
                    "intro": f"Edited by editor {number}, round {round_}",
                    "body": streamfield([]),
                    "comments": inline_formset([]),
                }
            )
            self.hit(client, "post", edit, data)  # a draft
            self.hit(client, "post", edit, {**data, "action-publish": "action-publish"})
            self.hit(client, "get", reverse("wagtailadmin_pages:view_draft", args=(self.page_id,)))


def _run(target, *args):
    try:
        target(*args)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_L5_nine_threads_and_a_worker_on_one_sqlite_file_meet_no_lock_and_confirm_each_order_once(
    tmp_path, localstripe, legal_documents_in_force, settings
):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded profile's database: SQLite")
    # The demo's queue: tasks are rows, a db_worker runs them (here in a thread).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    uk_shipping_country()
    book = BookFactory(stockrecord__price="8.00", stockrecord__stock=1000)
    page = Page.objects.get(depth=2).add_child(
        instance=StandardPage(title="How it works", slug="how-it-works")
    )
    readers = [UserFactory(email=f"reader{n}@example.com").email for n in range(4)]
    admins = [UserFactory(email=f"admin{n}@example.com", order_admin=True).email for n in range(2)]
    editors = [UserFactory(email=f"editor{n}@example.com", editor=True).email for n in range(2)]

    journeys = Journeys(localstripe, book, page)
    plan = (
        [(journeys.reader, email) for email in readers]
        + [(journeys.order_admin, email) for email in admins]
        + [(journeys.editor, email, n) for n, email in enumerate(editors)]
        + [(journeys.newcomer, 0)]
    )
    with sqlite_file_database(tmp_path / "db.sqlite3"):
        worker = Worker(
            queue_names=["default"],
            interval=0.05,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        worker_thread = threading.Thread(target=_run, args=(worker.run,))
        worker_thread.start()
        threads = [threading.Thread(target=_run, args=job) for job in plan]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(600)
        finally:
            worker.running = False  # finishes the task in hand, then stops
            worker_thread.join(60)
        # What the worker left undone, run now: the queue is drained, nothing is lost.
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="drain",
            excluded_queue_names=[],
        ).run()

        print(  # the figures for the closing note (pytest -s)
            f"\n{len(threads)} threads + 1 worker, {journeys.requests} requests: {dict(journeys.statuses)}, "
            f"{len(journeys.errors)} errors"
        )
        assert journeys.errors == [], journeys.errors[0]
        assert len(threads) >= 8 and journeys.statuses[500] == 0
        orders = list(Order.objects.values_list("pk", flat=True))
        assert len(orders) == len(readers) * ROUNDS
        confirmations = Counter(
            CommunicationEvent.objects.filter(event_type__code="ORDER_PLACED").values_list(
                "order_id", flat=True
            )
        )
        assert confirmations == Counter(orders)  # every order confirmed, exactly once
        sent = Counter(
            message.subject for message in mail.outbox if "confirmation" in message.subject.lower()
        )
        assert sum(sent.values()) == len(orders)
