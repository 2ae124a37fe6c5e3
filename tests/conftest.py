"""Fixtures every test package shares: Stripe (localstripe), the browser, and the database kind."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection, connections

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "test-results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# ---------------------------------------------------------------------------------------------
# Database kind: tests marked `postgres` need row locks and real concurrency.
# ---------------------------------------------------------------------------------------------
def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of `make test`")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def migrator():
    """Migrate the test database to chosen nodes (``migrate([(app, name), ...])``) within a test,
    and back to the latest migration of every app afterwards, whatever the test left behind:
    later tests must never meet a table that a half-way schema lacks."""
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        executor.loader.build_graph()
        return executor.loader

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and links must not leak between tests."""
    from django.core.cache import cache

    cache.clear()


# ---------------------------------------------------------------------------------------------
# Stripe: one localstripe per session on a free loopback port; an empty store per test.
# ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.stripe_fake.serve", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            # Stripe.js, not /v1/balance: reading the balance emits an event.
            if requests.get(f"{url}/js.stripe.com/v3/", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"localstripe did not start: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(5)


@pytest.fixture
def localstripe(localstripe_url, settings):
    """Point our Stripe module at localstripe with an empty store; yields its base URL."""
    requests.delete(f"{localstripe_url}/_config/data", timeout=5).raise_for_status()
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    return localstripe_url


# ---------------------------------------------------------------------------------------------
# Browser: Debian's chromium driven by Playwright; one browser per session, a page per test.
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls next to it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        _carry_test_database_state(before)
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _carry_test_database_state(before: dict) -> None:
    """Entering Playwright switches greenlets, and Django's per-context registry then hands out
    new connection objects: give them the test database's snapshot, or serialized_rollback
    would silently restore nothing (roles, product classes and the page tree would vanish)."""
    for alias, old in before.items():
        new = connections[alias]
        if new is not old and hasattr(old, "_test_serialized_contents"):
            new._test_serialized_contents = old._test_serialized_contents


@pytest.fixture
def output_dir(request) -> Path:
    """A folder for this test's screenshots: test-results/<test name>/."""
    folder = RESULTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser, output_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def legal_documents_in_force(db):
    """Terms of Sale and Privacy Policy published: no order can be placed without them (R-L2)."""
    from tests.factories.legal import publish_terms_and_privacy

    return publish_terms_and_privacy()
