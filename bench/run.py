"""The benchmark: seed N books, serve with gunicorn (1 worker) on loopback, measure each page with wrk.

    .venv/bin/python bench/run.py --books 10000          (or: make bench BOOKS=10000)

Every page is reported as a ratio to a plain Django view with our middleware and no database
(/_hello/), measured in the same run, because absolute figures drift with the machine (the
targets: docs/performance.md). Query counts come from Django's test client on the same database.
Writes bench/results/<date>-<books>-books-<database>.md and prints the table.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "report.lua"
PY = sys.executable

# page -> (target % of hello req/s when built, target max queries when built), as in
# docs/performance.md "Targets" (from ../shared/performance.md). Any browse page served from the
# shared page cache, first visit or returning reader: >= SHARED_TARGET % of hello, 0 queries.
TARGETS = {
    "hello": (100.0, 0),
    "home": (3.0, 12),
    "catalogue": (3.2, 12),
    "book": (4.4, 6),
    "legal page": (None, None),
    "basket": (11.4, 8),
    "search": (2.6, 5),
    "first-time search": (2.6, None),
}
SHARED_TARGET = 50.0
# Pages that are never shared: their "first visit" and "returning" figures are built pages too.
PRIVATE = {"basket"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.production",
        DJANGO_SECRET_KEY="bench-only-secret-key-that-is-long-enough-to-pass-checks-4f8a",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        DJANGO_SECURE_SSL_REDIRECT="False",  # plain HTTP on loopback
        SITE_URL="https://127.0.0.1",  # production requires one; links in emails only
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
    )
    return env


def manage(*args, env):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def shell(code: str, env) -> dict:
    """Run ``code`` in ``manage.py shell``; its last printed line is JSON."""
    out = subprocess.run(
        [PY, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def ensure_postgres_database(database_url: str) -> None:
    """Create the bench's PostgreSQL database if it is not there (through the server's own
    ``postgres`` database); seed_demo then fills it, or leaves an existing one as it is."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def ensure_wrk() -> str:
    if shutil.which("wrk"):
        return "wrk"
    print("Installing wrk (Debian package)...", flush=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return "wrk"


def pick_paths(env) -> dict:
    code = (
        "import json; from oscar.core.loading import get_model\n"
        "P = get_model('catalogue', 'Product'); Author = get_model('catalogue', 'Author')\n"
        "book = P.objects.filter(product_class__slug='paperback', work__series__isnull=False)"
        ".order_by('id').first()\n"
        "surname = book.work.authors.first().name.split()[-1]\n"
        "names = list(Author.objects.order_by('id').values_list('name', flat=True)[:5000])\n"
        "print(json.dumps({'book': book.get_absolute_url(), 'book_pk': book.pk, 'search': surname,"
        " 'names': names}))"
    )
    found = shell(code, env)
    paths = {
        "hello": "/_hello/",
        "home": "/",
        "catalogue": "/books/?page=3",
        "book": found["book"],
        "legal page": "/legal/terms/",
        "basket": "/basket/",
        "search": f"/search/?q={found['search']}",
        "first-time search": "/search/?q=",
    }
    return {"paths": paths, "book_pk": found["book_pk"], "names": found["names"]}


def returning_reader(book_pk: int, env) -> str:
    """A signed-in reader with the book in the basket: the Cookie header their browser sends."""
    code = (
        "import json; from django.contrib.auth import get_user_model; from django.test import Client\n"
        "User = get_user_model()\n"
        "user = User.objects.filter(email='bench-reader@example.com').first() or "
        "User.objects.create_user(email='bench-reader@example.com', "
        "password=None, first_name='Bench')\n"
        "client = Client(); client.force_login(user)\n"
        f"client.post('/basket/add/{book_pk}/', {{'quantity': 1}})\n"
        "client.get('/basket/')  # the 'added' message is shown\n"
        "sent = '; '.join(f'{k}={m.value}' for k, m in client.cookies.items() if m.value)\n"
        "print(json.dumps({'cookie': sent}))"
    )
    return shell(code, env)["cookie"]


def count_queries(paths: dict[str, str], cookie: str, env) -> dict[str, dict[str, int]]:
    """Queries per page as built (a query string new to the page cache, no cookies) and for the
    returning reader (their cookies, the page visited once before)."""
    code = (
        "import json, itertools; from django.db import connection; from django.test import Client;"
        "from django.test.utils import CaptureQueriesContext; from http.cookies import SimpleCookie\n"
        f"paths = {paths!r}; counter = itertools.count(); counts = {{'built': {{}}, 'returning': {{}}}}\n"
        f"reader = Client(); reader.cookies = SimpleCookie({cookie!r})\n"
        "def measure(client, path):\n"
        "    with CaptureQueriesContext(connection) as c: r = client.get(path)\n"
        "    return len([q for q in c if q['sql'] not in ('BEGIN', 'COMMIT')]) if r.status_code == 200 "
        "else -r.status_code\n"
        "for name, path in paths.items():\n"
        "    if path.endswith('='): path += 'orchard'\n"
        "    Client().get(path)  # first-request caches (site, navigation, search ids)\n"
        "    separator = '&' if '?' in path else '?'\n"
        "    counts['built'][name] = measure(Client(), f'{path}{separator}_bench={next(counter)}')\n"
        "    reader.get(path)\n"
        "    counts['returning'][name] = measure(reader, path)\n"
        "print(json.dumps(counts))"
    )
    return shell(code, env)


def wrk(url: str, seconds: int, *, cookie: str | None = None, script_args: tuple = ()) -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    extra = ["--", *script_args] if script_args else []
    result = subprocess.run(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", "--timeout", "5s", "-s", str(LUA), *headers, url, *extra],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("JSON "))
    return json.loads(line[5:])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page (default 10)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="default: var/bench-<books>.sqlite3; make bench DATABASE=postgres uses "
        "postgres://postgres@127.0.0.1:5432/bookclub_bench_<books> (created if missing)",
    )
    args = parser.parse_args()

    database_url = args.database_url or f"sqlite:///{ROOT / 'var' / f'bench-{args.books}.sqlite3'}"
    kind = database_url.split("://")[0]
    (ROOT / "var").mkdir(exist_ok=True)
    env = bench_env(database_url)
    ensure_wrk()
    if kind.startswith("postgres"):
        kind = "postgresql"
        ensure_postgres_database(database_url)

    print(f"== Preparing {args.books:,} books in {kind}", flush=True)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--books", str(args.books), "--quiet-users", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    picked = pick_paths(env)
    paths = picked["paths"]
    cookie = returning_reader(picked["book_pk"], env)
    queries = count_queries(paths, cookie, env)
    words = ROOT / "var" / "bench-search-words.txt"
    # Every request a search nobody made before in this run: an author's full name.
    words.write_text("\n".join(name.replace(" ", "+") for name in picked["names"]) + "\n")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "website.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    load = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/_hello/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        built, first, returning = {}, {}, {}
        for name, path in paths.items():
            if name == "first-time search":
                built[name] = wrk(base + path, args.seconds, script_args=("words", str(words)))
                print(f"   {name:<17} {built[name]['rps']:>8.1f} req/s (p95 {built[name]['p95_ms']:.1f} ms)")
                continue
            for _ in range(20):  # warm caches and the template loader
                urllib.request.urlopen(base + path, timeout=10).read()
            built[name] = wrk(base + path, args.seconds, script_args=("unique",))
            first[name] = wrk(base + path, args.seconds)
            returning[name] = wrk(base + path, args.seconds, cookie=cookie)
            load.append(os.getloadavg()[0])
            print(
                f"   {name:<17} {built[name]['rps']:>8.1f} req/s built (p95 {built[name]['p95_ms']:.1f} ms), "
                f"{first[name]['rps']:>8.1f} first visit, {returning[name]['rps']:>8.1f} returning reader",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(10)

    hello = built["hello"]["rps"]

    def pct(row) -> str:
        return f"{100 * row['rps'] / hello:.1f}" if hello else ""

    lines = [
        f"# Benchmark: {args.books:,} books, {kind}, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"gunicorn 1 sync worker, `wrk -t1 -c4 -d{args.seconds}s`, DEBUG off, loopback; 20 warm-up requests;",
        f"load average (1 min) during the run {min(load, default=0):.1f} to {max(load, default=0):.1f}.",
        "*Built*: a query string new to every request, so the page cache never has it and the page is",
        "built (the per-page targets). *First visit*: no cookie. *Returning reader*: signed in, one book",
        "in the basket (their session cookie). Browse pages from the shared cache: target",
        f"≥ {SHARED_TARGET:.0f} % of hello, 0 queries; the basket is never shared.",
        "*First-time search*: a different author's name each request, so the search itself runs every",
        "time (its ids are not cached yet).",
        "",
        "| page | path | built req/s | p50 ms | p95 ms | % of hello | target % | queries | max | "
        "first visit req/s | % of hello | returning reader req/s | % of hello | queries | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in built.items():
        target_pct, target_q = TARGETS[name]
        target = "" if target_pct is None else f"≥ {target_pct}"
        cells = [name, f"`{paths[name]}`", f"{row['rps']:.1f}"]
        cells += [f"{row['p50_ms']:.1f}", f"{row['p95_ms']:.1f}"]
        if name == "first-time search":
            cells[1] = f"`{paths[name]}<an author>`"
            cells += [pct(row), f"{target}, p95 < 50 ms", "", "", "", "", "", "", "", str(row["errors"])]
        else:
            first_row, returning_row = first[name], returning[name]
            most = "" if target_q is None else f"≤ {target_q}"
            cells += [pct(row), target, str(queries["built"][name]), most]
            cells += [f"{first_row['rps']:.1f}", pct(first_row), f"{returning_row['rps']:.1f}"]
            cells += [pct(returning_row), str(queries["returning"][name])]
            cells.append(str(row["errors"] + first_row["errors"] + returning_row["errors"]))
        lines.append("| " + " | ".join(cells) + " |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = RESULTS / f"{datetime.now():%Y-%m-%d-%H%M}-{args.books}-books-{kind}.md"
    report.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nWritten to {report.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
