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

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "report.lua"
PY = sys.executable

# page -> (target % of hello req/s, target max queries), as in docs/performance.md "Targets"
TARGETS = {
    "hello": (100.0, 0),
    "home": (2.2, 12),
    "catalogue": (1.6, 12),
    "book": (4.4, 12),
    "legal page": (None, None),
    "basket": (5.7, 8),
    "search": (2.5, 10),
}


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


def pick_paths(env) -> dict[str, str]:
    code = (
        "import json; from oscar.core.loading import get_model\n"
        "P = get_model('catalogue', 'Product')\n"
        "book = P.objects.filter(product_class__slug='paperback', work__series__isnull=False)"
        ".order_by('id').first()\n"
        "surname = book.work.authors.first().name.split()[-1]\n"
        "print(json.dumps({'book': book.get_absolute_url(), 'search': surname}))"
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return {
        "hello": "/_hello/",
        "home": "/",
        "catalogue": "/books/?page=3",
        "book": found["book"],
        "legal page": "/legal/terms/",
        "basket": "/basket/",
        "search": f"/search/?q={found['search']}",
    }


def count_queries(paths: dict[str, str], env) -> dict[str, int]:
    code = (
        "import json, sys; from django.db import connection; from django.test import Client;"
        "from django.test.utils import CaptureQueriesContext;"
        f"paths = {paths!r}; client = Client(); client.cookies['bench'] = '1'; counts = {{}}\n"
        "for name, path in paths.items():\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as c: r = client.get(path)\n"
        "    counts[name] = len(c) if r.status_code == 200 else -r.status_code\n"
        "print(json.dumps(counts))"
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def wrk(url: str, seconds: int, *, cookie: bool) -> dict:
    # Any cookie sends a request past the shared page cache, as a returning reader's would.
    headers = ["-H", "Cookie: bench=1"] if cookie else []
    result = subprocess.run(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", "--timeout", "5s", "-s", str(LUA), *headers, url],
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
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    database_url = args.database_url or f"sqlite:///{ROOT / 'var' / f'bench-{args.books}.sqlite3'}"
    (ROOT / "var").mkdir(exist_ok=True)
    env = bench_env(database_url)
    ensure_wrk()

    print(f"== Preparing {args.books:,} books in {database_url.split('://')[0]}", flush=True)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--books", str(args.books), "--quiet-users", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    paths = pick_paths(env)
    queries = count_queries(paths, env)

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
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/_hello/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        rows, cached = {}, {}
        for name, path in paths.items():
            for _ in range(20):  # warm caches and the template loader
                urllib.request.urlopen(base + path, timeout=10).read()
            rows[name] = wrk(base + path, args.seconds, cookie=True)
            cached[name] = wrk(base + path, args.seconds, cookie=False)
            print(
                f"   {name:<11} {rows[name]['rps']:>8.1f} req/s rendered "
                f"(p95 {rows[name]['p95_ms']:.1f} ms), "
                f"{cached[name]['rps']:>8.1f} req/s first visit",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(10)

    hello = rows["hello"]["rps"]
    kind = database_url.split("://")[0]
    lines = [
        f"# Benchmark: {args.books:,} books, {kind}, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"gunicorn 1 sync worker, `wrk -t1 -c4 -d{args.seconds}s`, DEBUG off, loopback; 20 warm-up requests.",
        "*Rendered*: the request carries a cookie, as a returning reader's does, so the page is built",
        "(the figures the per-page targets apply to). *First visit*: no cookie, so the shared page",
        "cache may answer (target ≥ 50 % of hello, 0 queries).",
        "",
        "| page | path | rendered req/s | p50 ms | p95 ms | % of hello | target % | queries | max | "
        "first visit req/s | % of hello | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        target_pct, target_q = TARGETS[name]
        pct = 100 * row["rps"] / hello if hello else 0
        lines.append(
            f"| {name} | `{paths[name]}` | {row['rps']:.1f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{pct:.1f} | {'' if target_pct is None else f'≥ {target_pct}'} | {queries[name]} | "
            f"{'' if target_q is None else f'≤ {target_q}'} | {cached[name]['rps']:.1f} | "
            f"{100 * cached[name]['rps'] / hello:.1f} | {row['errors'] + cached[name]['errors']} |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = RESULTS / f"{datetime.now():%Y-%m-%d-%H%M}-{args.books}-books-{kind}.md"
    report.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nWritten to {report.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
