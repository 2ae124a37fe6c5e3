"""The monthly run's benchmark (not a test): seed N subscribers on PostgreSQL, run one month with
1 worker and the next with 2 worker processes against localstripe, and write a table.

    .venv/bin/python bench/run_monthly.py --subscribers 10000     (or: make bench-run SUBSCRIBERS=10000)

The subscribers are split evenly across the three kinds of plan (eBooks charged off-session,
pre-paid months inside a paid term, pay-monthly paperbacks invoiced). They are seeded straight
into the tables (bulk inserts), not through joining: the run is measured, not the seeding. All
eBook subscribers share one Stripe customer and card in localstripe. Writes
bench/results/<date>-<N>-monthly-run-postgresql.md and prints it.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
FIRST, SECOND = "2026-10-01", "2026-11-01"  # two months that have begun


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_for(database_url: str, stripe_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        # Production settings: the confirmations are queued as tasks (django-tasks' database
        # backend), not sent inside the run, as in production.
        DJANGO_SETTINGS_MODULE="website.settings.production",
        DJANGO_SECRET_KEY="bench-only-secret-key-that-is-long-enough-to-pass-checks-4f8a",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        SITE_URL="https://bench.example",
        DATABASE_URL=database_url,
        STRIPE_API_BASE=stripe_url,
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_PUBLISHABLE_KEY="pk_test_bench",
        DJANGO_MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
        DJANGO_PRIVATE_ROOT=str(ROOT / "var" / "bench-private"),
    )
    return env


SEED = r"""
import sys, django
django.setup()
from datetime import date, timedelta
from decimal import Decimal
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model
from bookclub import months
from bookclub.models import Plan, Subscription, SubscriptionAddress
from shop.payment import stripe_api
from tests.factories.bookclub import make_plan, plan_page, selection
from tests.factories.catalogue import make_book
from tests.shop.checkout.helpers import card_payment_method

n = int(sys.argv[1]); stripe_url = sys.argv[2]
first, second = date.fromisoformat(sys.argv[3]), date.fromisoformat(sys.argv[4])
Country = get_model("address", "Country")
User = get_user_model()
method = card_payment_method(stripe_url, "4242424242424242")
customer = stripe_api.client().v1.customers.create(params={"email": "bench@example.com"})
stripe_api.client().v1.payment_methods.attach(method, params={"customer": customer.id})
plans = {}
for kind in Plan.Kind.values:
    plan = make_plan(kind)
    page = plan_page(plan)
    count = plan.max_titles if plan.is_ebook else plan.books_per_month
    for month in (first, second):
        if plan.is_ebook:
            books = [make_book()[1] for _ in range(count)]
        else:
            books = [make_book(ebook=False, stock=10_000_000)[0] for _ in range(count)]
        selection(page, month, books)
    plans[kind] = plan
gb = Country.objects.get(iso_3166_1_a2="GB")
now = timezone.now()
kinds = list(Plan.Kind.values)
with transaction.atomic():
    users = User.objects.bulk_create(
        [User(email=f"reader{i}@bench.example", password="!") for i in range(n)],
        batch_size=5000,
    )
    physical = [u for i, u in enumerate(users) if kinds[i % 3] != Plan.Kind.EBOOK]
    addresses = iter(SubscriptionAddress.objects.bulk_create(
        [
            SubscriptionAddress(first_name="Sam", line1="1 High St", postcode="BA1 1AA", country=gb)
            for _ in physical
        ],
        batch_size=5000,
    ))
    rows = []
    for i, user in enumerate(users):
        plan = plans[kinds[i % 3]]
        row = Subscription(customer=user, plan=plan, state="active", created_at=now, started_at=now,
                           first_period=months.add_months(first, -1) if not plan.is_ebook else first,
                           next_order_on=first, updated_at=now, declared_uk_resident=True)
        if plan.is_ebook:
            row.ebook_titles = plan.default_titles
        else:
            row.delivery_address = next(addresses)
        if plan.is_prepaid:
            row.current_term_start = row.first_period
            row.renews_on = months.add_months(row.first_period, plan.term_months)
            row.current_term_end = row.renews_on - timedelta(days=1)
            row.term_price = Decimal("29.97")
        if not plan.is_pay_monthly:
            row.stripe_customer_id, row.stripe_payment_method_id = customer.id, method
            row.card_brand, row.card_last4 = "visa", "4242"
        rows.append(row)
    Subscription.objects.bulk_create(rows, batch_size=5000)
print("seeded", n)
"""

MEASURE = r"""
import sys, time, django
django.setup()
from datetime import date
from django.db import connection
from bookclub import billing
period = date.fromisoformat(sys.argv[1]); worker = sys.argv[2]; open_first = sys.argv[3] == "open"
count = [0]
def counter(execute, sql, params, many, context):
    count[0] += 1
    return execute(sql, params, many, context)
with connection.execute_wrapper(counter):
    started = time.monotonic()
    summary = billing.run_period(period, worker=worker, open_first=open_first, batch=100)
    elapsed = time.monotonic() - started
print(f"RESULT {summary.processed} {count[0]} {elapsed:.3f}")
"""


def start_localstripe() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [PY, "-m", "tests.stripe_fake.serve", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("localstripe did not start")


def intents(url: str) -> int:
    """PaymentIntents localstripe holds (paging through them)."""
    import json

    total, after = 0, None
    while True:
        query = "limit=100" + (f"&starting_after={after}" if after else "")
        request = urllib.request.Request(f"{url}/v1/payment_intents?{query}")
        request.add_header("Authorization", "Bearer sk_test_bench")
        page = json.loads(urllib.request.urlopen(request, timeout=30).read())
        total += len(page["data"])
        if not page.get("has_more") or not page["data"]:
            return total
        after = page["data"][-1]["id"]


def run_workers(period: str, workers: int, env: dict) -> tuple[int, int, float]:
    """Open the month, then ``workers`` processes at once; (processed, queries, wall seconds)."""
    subprocess.run(
        [
            PY,
            "-c",
            "import django;django.setup();from datetime import date;from bookclub import billing;"
            f"print(billing.open_period(date.fromisoformat('{period}')).created)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [PY, "-c", MEASURE, period, f"bench-{n}", "no"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    processed = queries = 0
    for process in processes:
        out, _ = process.communicate()
        line = next(line for line in out.splitlines() if line.startswith("RESULT"))
        _, done, counted, _ = line.split()
        processed += int(done)
        queries += int(counted)
    return processed, queries, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_monthly_run"),
    )
    parser.add_argument("--migrate", action="store_true", help="Migrate the template database again.")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The monthly run's benchmark runs on PostgreSQL.")
    name = args.database_url.rsplit("/", 1)[1]
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    template = f"{name}_migrated"

    def psql(sql: str, *, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["psql", admin_url, "-qAtc", sql], check=check, capture_output=True, text=True)

    localstripe, stripe_url = start_localstripe()
    try:
        exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{template}'").stdout.strip()
        if not exists or args.migrate:
            print("Migrating a template database (once; --migrate to redo)...", flush=True)
            psql(f'DROP DATABASE IF EXISTS "{template}"')
            psql(f'CREATE DATABASE "{template}"')
            migrate_env = env_for(args.database_url.rsplit("/", 1)[0] + "/" + template, stripe_url)
            subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=migrate_env, check=True)
        psql(f'DROP DATABASE IF EXISTS "{name}"')
        psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        env = env_for(args.database_url, stripe_url)
        print(f"Seeding {args.subscribers} subscribers...", flush=True)
        subprocess.run(
            [PY, "-c", SEED, str(args.subscribers), stripe_url, FIRST, SECOND], cwd=ROOT, env=env, check=True
        )
        rows = []
        before = intents(stripe_url)
        for period, workers in ((FIRST, 1), (SECOND, 2)):
            print(f"Running {period[:7]} with {workers} worker(s)...", flush=True)
            processed, queries, wall = run_workers(period, workers, env)
            after = intents(stripe_url)
            rows.append(
                (workers, processed, wall, queries / max(processed, 1), (after - before) / max(processed, 1))
            )
            before = after
    finally:
        localstripe.terminate()
        localstripe.wait(10)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
    lines = [
        f"# Monthly run: {args.subscribers} subscribers, PostgreSQL, localstripe ({stamp})",
        "",
        "One third each: eBooks (charged off-session), pre-paid (a £0 month of a paid term), "
        "pay-monthly paperbacks (invoiced). Queries include each worker's claims; Stripe calls "
        "are PaymentIntents created per subscriber (eBooks only: 1 in 3).",
        "",
        "| workers | subscribers | wall time (s) | subscribers/s | queries per subscriber "
        "| Stripe calls per subscriber |",
        "|---|---|---|---|---|---|",
    ]
    for workers, processed, wall, per_queries, per_stripe in rows:
        lines.append(
            f"| {workers} | {processed} | {wall:.1f} | {processed / wall:.1f} | {per_queries:.1f} "
            f"| {per_stripe:.2f} |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}-{args.subscribers}-monthly-run-postgresql.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nWritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
