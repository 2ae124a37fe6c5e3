"""The production shape, proven (issue 10): the processes of Procfile.production, driven from outside.

Two gunicorn processes (two workers each) and two task workers (`bin/worker`, `manage.py
db_worker`), started by honcho as `make serve-production` starts them, with the production
settings, on a PostgreSQL database of their own (cloned from the migrated test database, dropped
afterwards), the Redis cache and localstripe, whose webhooks go to the second web process. The
test is a customer, Stripe and an operator: it speaks HTTP to the web processes, reads the
database with SQL, receives the mail over SMTP, and kills a worker with SIGKILL.

- R-C2: six readers pay at once for the last three copies, their requests spread over both web
  processes: three orders, three payments refunded and explained, never a fourth copy sold.
- R-P2: one payment's browser return (3-D Secure) reaches one web process while its webhook
  reaches the other: one order, one confirmation.
- R-L5: a worker killed with SIGKILL while it sends a confirmation loses nothing: once its lease
  has run out, `manage.py sweep_tasks` hands the task to another worker and the confirmation is
  sent, once.

The figures measured go to test-results/production-shape.json.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
import redis
import requests
from django.db import connection, connections
from wagtail.models import Page

from tests.conftest import RESULTS
from tests.shop.checkout.helpers import authenticate_3ds
from tests.shop.payment.test_webhooks import signed

from .harness import ROOT, Database, MailRelay, Shape, Shopper, challenge_of, environment, wait_for

pytestmark = pytest.mark.postgres

LAST_COPIES = 3
BUYERS = 6
REDIS_DB = 13  # CACHE_URL=redis://127.0.0.1:6379/13, emptied before and after
WEBHOOK_SECRET = "whsec_production_shape"
STRIPE_KEY = {"Authorization": "Bearer sk_test_localstripe"}
CONFIRMATION = "Order confirmation: your Bookclub order {}"
NOT_PLACED = "Your order {} could not be completed: you have been refunded"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def shape(transactional_db, localstripe, tmp_path):
    """The shape running on loopback; everything it made is removed afterwards."""
    # serialized_rollback has just restored what migrations wrote (roles, the page tree, product
    # classes): the clone starts as a freshly migrated database.
    if not Page.objects.filter(depth=2).exists():
        pytest.fail(
            "The test database holds no migrated rows to clone (pytest --reuse-db keeps a database that"
            " an earlier run flushed): run with --create-db."
        )
    database = Database(connection.settings_dict, f"shape_{os.getpid()}_{secrets.token_hex(3)}")
    connections.close_all()
    started = time.monotonic()
    database.create()
    timings = {"clone the database": time.monotonic() - started}
    mail = MailRelay().__enter__()
    cache = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    cache.flushdb()
    env = environment(
        DJANGO_SETTINGS_MODULE="website.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database.url,
        CACHE_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        EMAIL_URL=f"smtp://127.0.0.1:{mail.port}",
        LOCALSTRIPE_URL=localstripe,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        DJANGO_STATIC_ROOT=tmp_path / "static",
        DJANGO_MEDIA_ROOT=tmp_path / "media",
        DJANGO_PRIVATE_ROOT=tmp_path / "private",
        WEB_PORT_1=free_port(),
        WEB_PORT_2=free_port(),
        WEB_CONCURRENCY=2,
        LOG_LEVEL="WARNING",
    )
    env["SITE_URL"] = f"http://127.0.0.1:{env['WEB_PORT_1']}"
    shape = Shape(env, tmp_path / "honcho.log")
    webhook = f"{localstripe}/_config/webhooks/production-shape"
    try:
        python = str(ROOT / ".venv" / "bin" / "python")
        seeding = subprocess.Popen(
            [python, "-m", "tests.shape.seed", str(LAST_COPIES)], cwd=ROOT, env=env, stdout=subprocess.PIPE
        )
        collecting = subprocess.Popen(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env
        )
        products = json.loads(seeding.communicate(timeout=120)[0])
        assert seeding.returncode == 0 and collecting.wait(120) == 0
        timings["seed and collectstatic, side by side"] = time.monotonic() - started - sum(timings.values())
        # Stripe's webhooks reach the second web process; the browsers mostly start on the first.
        requests.post(
            webhook, json={"url": f"{shape.web[1]}/stripe/webhook/", "secret": WEBHOOK_SECRET}, timeout=5
        ).raise_for_status()
        shape.start()
        timings["start the four processes"] = time.monotonic() - started - sum(timings.values())
        yield SimpleNamespace(
            web=shape.web,
            shape=shape,
            db=database,
            mail=mail,
            cache=cache,
            localstripe=localstripe,
            products=products,
            figures={"start-up seconds": {what: round(seconds, 1) for what, seconds in timings.items()}},
        )
    finally:
        shape.stop()
        # localstripe keeps endpoints for its lifetime: this one now receives no event type.
        requests.post(webhook, json={"url": shape.web[1], "secret": WEBHOOK_SECRET, "events": []}, timeout=5)
        mail.__exit__(None, None, None)
        database.drop()
        cache.flushdb()
        cache.close()


def refunds_of(localstripe: str, payment_intent: str) -> list[int]:
    answer = requests.get(
        f"{localstripe}/v1/refunds", params={"payment_intent": payment_intent}, headers=STRIPE_KEY, timeout=5
    )
    answer.raise_for_status()
    return [refund["amount"] for refund in answer.json()["data"]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_C2_R_P2_R_L5_the_production_shape_sells_each_copy_once_places_each_payment_once_loses_no_task(
    shape,
):
    figures = shape.figures
    figures["processes"] = {
        "web": "2 gunicorn (2 sync workers each), web1 and web2",
        "workers": f"2 db_worker (bin/worker), pids {shape.shape.worker_pids()}",
        "database": "PostgreSQL, a clone of the migrated test database",
        "cache": f"Redis db {REDIS_DB}",
    }
    try:
        figures["last copies"] = last_copies_across_both_web_processes(shape)
        figures["return and webhook"] = browser_return_and_webhook_on_different_processes(shape)
        figures["shared cache keys"] = shape.cache.dbsize()
        assert figures["shared cache keys"] > 0  # pages, lists and generations: one Redis for all
        figures["killed worker"] = {}
        worker_killed_while_sending_a_confirmation(shape, figures["killed worker"])
    finally:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "production-shape.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")


def last_copies_across_both_web_processes(shape) -> dict:
    """R-C2: BUYERS readers press Pay at the same moment for LAST_COPIES copies, half of them on
    each web process (and each reader's earlier steps alternate between the two)."""
    scarce = shape.products["scarce"]
    shoppers = [Shopper(shape.web, shape.localstripe, f"reader{n}@example.com") for n in range(BUYERS)]
    with ThreadPoolExecutor(BUYERS) as pool:
        list(pool.map(lambda shopper: shopper.to_review(scarce), shoppers))

    start = threading.Barrier(BUYERS)

    def press_pay(number: int):
        start.wait()
        began = time.monotonic()
        answer = shoppers[number].pay(shape.web[number % 2])
        return answer, time.monotonic() - began

    with ThreadPoolExecutor(BUYERS) as pool:
        answers = list(pool.map(press_pay, range(BUYERS)))

    # Three are thanked. Each other reader either paid and was refunded at once (the copies went
    # while their payment was taken) or, arriving after the copies had gone, was sent back to
    # the basket before any payment was taken: the shop's two ways of saying no.
    landed = Counter(answer.headers.get("Location", answer.status_code) for answer, _ in answers)
    assert landed["/checkout/thank-you/"] == LAST_COPIES, landed
    assert landed["/checkout/unavailable/"] + landed["/basket/"] == BUYERS - LAST_COPIES, landed
    db = shape.db
    orders = [
        number
        for (number,) in db.rows(
            "SELECT DISTINCT o.number FROM order_order o JOIN order_line l ON l.order_id = o.id"
            " WHERE l.product_id = %s",
            scarce,
        )
    ]
    assert len(orders) == LAST_COPIES
    assert db.rows(
        "SELECT num_in_stock, num_allocated FROM partner_stockrecord WHERE product_id = %s", scarce
    ) == [(LAST_COPIES, LAST_COPIES)]
    payments = db.rows("SELECT status, payment_intent_id, order_number FROM payment_checkoutpayment")
    assert Counter(status for status, _, _ in payments) == {
        "placed": LAST_COPIES,
        "unavailable": landed["/checkout/unavailable/"],
    }  # nobody sent back to the basket was charged
    assert sorted(number for status, _, number in payments if status == "placed") == sorted(orders)
    for status, intent, _ in payments:
        expected = [] if status == "placed" else [999]
        wait_for(
            f"the refunds of {intent}", lambda i=intent, e=expected: refunds_of(shape.localstripe, i) == e
        )

    # Each reader learns the outcome by email once: a confirmation or a refund explained.
    expected = sorted(
        (CONFIRMATION if status == "placed" else NOT_PLACED).format(number) for status, _, number in payments
    )
    wait_for("one email per payment", lambda: sorted(shape.mail.subjects()) == expected, timeout=40)
    # The winners' thank-you pages, each asked of the web process that did not place the order.
    for (answer, _), number in zip(answers, range(BUYERS), strict=True):
        if answer.headers.get("Location") == "/checkout/thank-you/":
            page = shoppers[number].get("/checkout/thank-you/", web=shape.web[(number + 1) % 2])
            assert page.status_code == 200 and any(order in page.text for order in orders)
    # localstripe sent each payment's payment_intent.succeeded to web2; the workers processed them.
    events = wait_for(
        "every payment's webhook processed",
        lambda: (
            (
                rows := shape.db.rows(
                    "SELECT outcome FROM payment_stripeevent WHERE type = 'payment_intent.succeeded'"
                    " AND processed_at IS NOT NULL"
                )
            )
            and len(rows) == len(payments)
            and rows
        ),
    )
    time.sleep(0.5)
    assert sorted(shape.mail.subjects()) == expected  # the webhooks sent nothing more
    return {
        "copies": LAST_COPIES,
        "buyers": BUYERS,
        "orders": len(orders),
        "paid, then refunded": landed["/checkout/unavailable/"],
        "refused before paying": landed["/basket/"],
        "pay seconds (slowest)": round(max(seconds for _, seconds in answers), 2),
        "emails": len(expected),
        "webhook outcomes": dict(
            Counter("an order placed" if outcome.startswith("order ") else outcome for (outcome,) in events)
        ),
    }


def browser_return_and_webhook_on_different_processes(shape) -> dict:
    """R-P2: after 3-D Secure the browser comes back to web1 at the moment the signed
    payment_intent.succeeded reaches web2 (and localstripe's own delivery of it follows): one order."""
    shopper = Shopper([shape.web[0]], shape.localstripe, "secure@example.com")  # a browser on web1
    shopper.to_review(shape.products["plenty"], card="3ds")
    challenge = shopper.pay(shape.web[0])
    assert challenge.status_code == 200 and "data-client-secret" in challenge.text
    client_secret, return_url = challenge_of(challenge)
    intent = client_secret.split("_secret_")[0]
    authenticate_3ds(shape.localstripe, client_secret)
    authenticated = time.monotonic()

    def succeeded_event():
        answer = requests.get(
            f"{shape.localstripe}/v1/events",
            params={"type": "payment_intent.succeeded"},
            headers=STRIPE_KEY,
            timeout=5,
        )
        return next((e for e in answer.json()["data"] if e["data"]["object"]["id"] == intent), None)

    event = wait_for("localstripe's payment_intent.succeeded", succeeded_event)
    delivery = signed(SimpleNamespace(STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET), event)
    start = threading.Barrier(2)

    def come_back():
        start.wait()
        return shopper.get(return_url, web=shape.web[0])

    def deliver():
        start.wait()
        return requests.post(
            f"{shape.web[1]}/stripe/webhook/",
            data=delivery["data"],
            headers={
                "Content-Type": delivery["content_type"],
                "Stripe-Signature": delivery["HTTP_STRIPE_SIGNATURE"],
            },
            timeout=30,
        )

    with ThreadPoolExecutor(2) as pool:
        back, hook = (future.result() for future in [pool.submit(come_back), pool.submit(deliver)])
    assert back.headers.get("Location") == "/checkout/thank-you/" and hook.status_code == 200

    db = shape.db
    # localstripe posts its own copy to web2 a second after the payment succeeded.
    time.sleep(max(0, authenticated + 2 - time.monotonic()))
    outcome = wait_for(
        "the event processed",
        lambda: db.value(
            "SELECT outcome FROM payment_stripeevent WHERE stripe_id = %s AND processed_at IS NOT NULL",
            event["id"],
        ),
    )
    assert db.value("SELECT count(*) FROM payment_stripeevent WHERE stripe_id = %s", event["id"]) == 1
    number, status = db.rows(
        "SELECT order_number, status FROM payment_checkoutpayment WHERE payment_intent_id = %s", intent
    )[0]
    assert status == "placed"
    assert db.value("SELECT count(*) FROM order_order WHERE number = %s", number) == 1
    assert db.value("SELECT count(*) FROM payment_source WHERE reference = %s", intent) == 1
    confirmation = CONFIRMATION.format(number)
    wait_for("the confirmation", lambda: confirmation in shape.mail.subjects())
    time.sleep(1)
    assert shape.mail.subjects().count(confirmation) == 1
    return {"orders": 1, "deliveries of the event": 2 + 1, "event outcome": outcome, "confirmations": 1}


def worker_killed_while_sending_a_confirmation(shape, figures: dict) -> None:
    """R-L5: the mail relay hangs while a worker sends an order's confirmation; that worker is
    killed with SIGKILL and bin/worker starts another. Once the task's lease has run out, the
    sweep hands it out again: the confirmation is sent, once."""
    db, mail = shape.db, shape.mail
    shopper = Shopper(shape.web, shape.localstripe, "patient@example.com")
    shopper.to_review(shape.products["plenty"])
    mail.stall = True
    try:
        answer = shopper.pay(shape.web[1])
        assert answer.headers.get("Location") == "/checkout/thank-you/"
        number = db.value(
            "SELECT order_number FROM payment_checkoutpayment WHERE guest_email = %s", "patient@example.com"
        )
        assert mail.stalled.wait(60), "no worker began sending the confirmation"
        row, run = wait_for(
            "the confirmation's task running",
            lambda: db.rows(
                "SELECT id, result_id FROM durable_durabletask"
                " WHERE status = 'running' AND task_path LIKE %s",
                "%send_order_confirmation_task",
            ),
        )[0]
        worker_ids = db.value(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s::uuid", run
        )
        pid = int(worker_ids[-1].rsplit("-", 1)[1])  # bin/worker's ids are <host>-<pid>
        assert pid in shape.shape.worker_pids()
        os.kill(pid, signal.SIGKILL)  # mid-send: the message's DATA sent, no answer yet
        wait_for("the killed worker gone", lambda: pid not in shape.shape.worker_pids())
    finally:
        mail.stall = False
        mail.release.set()
    workers = wait_for(
        "bin/worker to start another",
        lambda: len(pids := shape.shape.worker_pids()) == 2 and pids,
        timeout=60,
    )
    confirmation = CONFIRMATION.format(number)
    figures.update({"killed pid": pid, "workers after": workers})
    time.sleep(1)
    assert db.value("SELECT status FROM durable_durabletask WHERE id = %s", row) == "running"
    assert mail.subjects().count(confirmation) == 0

    # Its lease is five minutes; rather than wait, the test moves the lease's end into the past.
    db.execute(
        "UPDATE durable_durabletask SET lease_expires_at = now() - interval '1 second' WHERE id = %s", row
    )
    swept = shape.shape.manage("sweep_tasks")
    assert swept.returncode == 0 and "Reclaimed 1 task" in swept.stdout, swept.stdout + swept.stderr
    wait_for("the confirmation, after the sweep", lambda: confirmation in mail.subjects(), timeout=60)
    final = wait_for(
        "the task recorded as done",
        lambda: (
            (r := db.rows("SELECT status, attempts FROM durable_durabletask WHERE id = %s", row)[0])
            and r[0] == "succeeded"
            and r
        ),
    )
    time.sleep(1)
    assert mail.subjects().count(confirmation) == 1
    figures.update(
        {
            "task": "send_order_confirmation_task",
            "sweep": swept.stdout.strip(),
            "attempts": final[1],
            "confirmations": 1,
        }
    )
