"""The production shape as separate processes, and what drives it from outside: a database of
its own, a mail relay that can hang, and shoppers that speak HTTP.

Used by tests/shape/test_production_shape.py. Nothing here imports the shop: the processes
under test are reached over HTTP, SMTP and SQL only, as a load balancer, a mail relay and an
operator would reach them.
"""

import email
import email.policy
import html
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import requests
from psycopg import sql

from tests.durable.smtp import FakeSMTP
from tests.shop.checkout.helpers import CARDS, UK_ADDRESS, card_payment_method

ROOT = Path(__file__).resolve().parents[2]
HONCHO = ROOT / ".venv" / "bin" / "honcho"


def wait_for(what: str, check, timeout: float = 30, every: float = 0.2):
    """Poll ``check`` until it returns something true; return it, or fail saying what never came."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}; last seen: {result!r}")
        time.sleep(every)


# ---------------------------------------------------------------------------------------------
# A PostgreSQL database of the shape's own, cloned from the migrated test database
# ---------------------------------------------------------------------------------------------
class Database:
    """``CREATE DATABASE name TEMPLATE <the test database>``: migrated in a second instead of the
    minute ``migrate`` takes. The template must have no other session open while it is copied."""

    def __init__(self, settings_dict: dict, name: str):
        self.name = name
        self.template = settings_dict["NAME"]
        user = quote(settings_dict.get("USER") or "")
        password = quote(settings_dict.get("PASSWORD") or "")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        server = f"{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}"
        self.url = f"postgres://{credentials}{server}/{name}"
        self.admin_url = f"postgres://{credentials}{server}/postgres"

    def create(self) -> None:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(self.name), sql.Identifier(self.template)
        )
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            self._drop(admin)
            for attempt in range(50):  # a session just closed may linger on the server a moment
                try:
                    admin.execute(statement)
                    return
                except psycopg.errors.ObjectInUse:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)

    def drop(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            self._drop(admin)

    def _drop(self, admin) -> None:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))

    def execute(self, query: str, *params) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(query, params)

    def rows(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def value(self, query: str, *params):
        rows = self.rows(query, *params)
        return rows[0][0] if rows else None


# ---------------------------------------------------------------------------------------------
# The mail relay: tests/durable's FakeSMTP, whose ``stall`` can be switched on mid-test
# ---------------------------------------------------------------------------------------------
class MailRelay(FakeSMTP):
    """``EMAIL_URL=smtp://127.0.0.1:<port>`` for every process of the shape. With ``stall`` set it
    takes a message's DATA and never answers (a relay that hangs mid-send)."""

    def subjects(self) -> list[str]:
        messages = list(self.delivered)
        return [str(email.message_from_bytes(m, policy=email.policy.default)["Subject"]) for m in messages]


# ---------------------------------------------------------------------------------------------
# The processes: Procfile.production's web and worker lines, run by honcho
# ---------------------------------------------------------------------------------------------
class Shape:
    """``honcho -f Procfile.production start web1 web2 worker1 worker2`` with the given environment.

    honcho starts each line in a session of its own and stops them all (SIGTERM, then SIGKILL
    after 5 s) when it is stopped itself."""

    PROCESSES = ("web1", "web2", "worker1", "worker2")

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.web = [f"http://127.0.0.1:{env['WEB_PORT_1']}", f"http://127.0.0.1:{env['WEB_PORT_2']}"]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(HONCHO), "--no-colour", "-f", "Procfile.production", "start", *self.PROCESSES],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def answering():
            if self.process.poll() is not None:
                raise AssertionError(f"honcho stopped: {self.log.read_text()[-3000:]}")
            try:
                return all(requests.get(f"{web}/basket/", timeout=5).ok for web in self.web)
            except requests.ConnectionError:
                return False

        wait_for("both web processes to answer", answering, timeout=timeout, every=0.5)
        wait_for("two task workers", lambda: len(self.worker_pids()) == 2, timeout=timeout)

    def worker_pids(self) -> list[int]:
        """The running `manage.py db_worker` processes of this shape (bin/worker restarts them)."""
        marker = f"DATABASE_URL={self.env['DATABASE_URL']}\0".encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if b"db_worker" in command and marker in environ:
                pids.append(int(entry.name))
        return sorted(pids)

    def manage(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


# ---------------------------------------------------------------------------------------------
# A shopper: a browser's requests, over plain HTTP on loopback
# ---------------------------------------------------------------------------------------------
class Shopper:
    """Checks out as a guest through whichever web process each request is sent to.

    The production settings mark cookies Secure; browsers send them to a loopback address over
    plain HTTP, requests does not, so the shopper drops the flag on its own copies. Cookies name
    a host, not a port: one session works on both web processes, as behind a load balancer."""

    def __init__(self, web: list[str], localstripe_url: str, email_address: str):
        self.web, self.localstripe_url, self.email = web, localstripe_url, email_address
        self.http = requests.Session()
        self.requests = 0

    def _kept(self, response: requests.Response) -> requests.Response:
        for cookie in self.http.cookies:
            cookie.secure = False
        return response

    def _next_web(self) -> str:
        """Each request goes to the other web process than the last: nothing may be sticky."""
        self.requests += 1
        return self.web[self.requests % len(self.web)]

    def get(self, path: str, web: str | None = None) -> requests.Response:
        return self._kept(self.http.get((web or self._next_web()) + path, allow_redirects=False, timeout=30))

    def post(self, path: str, data: dict, web: str | None = None) -> requests.Response:
        token = self.http.cookies.get("csrftoken")
        assert token, "no CSRF cookie yet"
        return self._kept(
            self.http.post(
                (web or self._next_web()) + path,
                data={"csrfmiddlewaretoken": token, **data},
                allow_redirects=False,
                timeout=60,
            )
        )

    def to_review(self, product_id: int, card: str = "visa") -> None:
        """Basket -> guest email -> address -> delivery -> card: at the review page, ready to pay."""
        assert self.get("/").status_code == 200  # a first visit: served from the shared page cache
        self.get("/books/")
        if not self.http.cookies.get("csrftoken"):
            self.get("/accounts/login/")
        answer = self.post(f"/basket/add/{product_id}/", {"quantity": 1})
        assert answer.status_code == 302, answer.text[:500]
        answer = self.post("/checkout/", {"username": self.email, "options": "anonymous"})
        assert answer.status_code == 302, answer.text[:500]
        answer = self.post("/checkout/shipping-address/", UK_ADDRESS)
        assert answer.status_code == 302, answer.text[:2000]
        answer = self.get("/checkout/shipping-method/")  # one method: Oscar moves straight on
        if answer.status_code == 200:  # more than one: the first, as a reader taking the default
            method = re.search(r'name="method_code" value="([^"]+)"', answer.text).group(1)
            answer = self.post("/checkout/shipping-method/", {"method_code": method})
        assert answer.status_code == 302, answer.text[:500]
        assert self.get("/checkout/payment-details/").status_code == 200
        method = card_payment_method(self.localstripe_url, CARDS.get(card, card))
        answer = self.post("/checkout/preview/", {"payment_method_id": method})
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/checkout/preview/"), answer
        review = self.get("/checkout/preview/")
        assert review.status_code == 200, review.text[:500]
        self.agreement = {
            name: re.search(rf'name="{name}" value="(\d+)"', review.text).group(1)
            for name in ("terms_version", "privacy_version")
        }

    def pay(self, web: str) -> requests.Response:
        """Press "Pay and place order" on ``web``, both boxes ticked."""
        data = {"action": "place_order", "agree_terms": "on", "confirm_age": "on", **self.agreement}
        return self.post("/checkout/preview/", data, web=web)


def challenge_of(page: requests.Response) -> tuple[str, str]:
    """The 3-D Secure page: the client secret Stripe.js would use and where it sends the browser back."""
    secret = re.search(r'data-client-secret="([^"]+)"', page.text).group(1)
    return_url = re.search(r'data-return-url="([^"]+)"', page.text).group(1)
    return html.unescape(secret), html.unescape(return_url)


def environment(**values) -> dict:
    """The machine's environment without the test run's Django, database and Stripe settings."""
    dropped = ("DJANGO_", "DATABASE_", "STRIPE_", "SITE_URL", "CACHE_URL", "EMAIL_URL", "TEST_DATABASE")
    base = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    return {**base, **{key: str(value) for key, value in values.items()}}
