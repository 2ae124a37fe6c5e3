"""Settings come from the environment; the production profile is `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "DJANGO_SECRET_KEY": "a-real-secret-of-sufficient-length-and-variety-7f3k9q2m8x",
    "DJANGO_ALLOWED_HOSTS": "shop.bookclub.example",
    "SITE_URL": "https://shop.bookclub.example",
    "DATABASE_URL": "postgres://bookclub@db.internal:5432/bookclub",
    "CACHE_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
}


def manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "STRIPE_", "SITE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_read_every_service_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND,"
        " s.STRIPE_API_BASE, s.STRIPE_JS_URL, s.DEBUG, s.TASKS['default']['BACKEND'])"
    )
    result = manage("shell", "-v0", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.mail.backends.smtp.EmailBackend",
        "None",
        "https://js.stripe.com/v3/",
        "False",
        "django_tasks_db.DatabaseBackend",
    ]


def test_without_stripe_keys_the_site_uses_localstripe_on_loopback():
    result = manage(
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings as s; print(s.STRIPE_API_BASE, s.STRIPE_JS_URL)",
        env={"DJANGO_SETTINGS_MODULE": "website.settings.dev"},
    )
    assert result.stdout.split() == ["http://127.0.0.1:8420", "http://127.0.0.1:8420/js.stripe.com/v3/"]


def test_the_embedded_default_is_sqlite_and_local_memory():
    env = environ.Env()
    assert env.db_url_config("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"
    from django.conf import settings

    # The test profile keeps the default cache: local memory, nothing shared between processes.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_an_empty_database_url_is_explained_not_a_key_error():
    """Issue 10: DATABASE_URL="" crashed the settings with KeyError: 'ENGINE'."""
    for value in ("", "nonsense"):
        result = manage(
            "check", env={"DJANGO_SETTINGS_MODULE": "website.settings.dev", "DATABASE_URL": value}
        )
        assert result.returncode != 0 and "KeyError" not in result.stderr
        assert "DATABASE_URL is set but names no database" in result.stderr
        assert "unset it to use the SQLite file" in result.stderr
    assert "(it is empty)" in manage("check", env={"DATABASE_URL": ""}).stderr


def test_production_requires_the_site_url_and_https():
    """Issue 10: every link in an email is built on SITE_URL; production has no default for it."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}
    result = manage("check", env=env)
    assert result.returncode != 0 and "SITE_URL" in result.stderr
    for wrong in (
        "http://shop.bookclub.example",
        "https://shop.bookclub.example/shop/",
        "shop.bookclub.example",
    ):
        result = manage("check", env={**PRODUCTION_ENV, "SITE_URL": wrong})
        assert result.returncode != 0 and "SITE_URL must be the site's address" in result.stderr, wrong
    code = "from django.conf import settings as s;"
    code += " print(s.SITE_URL, s.WAGTAILADMIN_BASE_URL, s.OSCAR_URL_SCHEMA)"
    result = manage(
        "shell", "-v0", "-c", code, env={**PRODUCTION_ENV, "SITE_URL": "https://shop.bookclub.example/"}
    )
    assert result.stdout.split() == ["https://shop.bookclub.example"] * 2 + ["https"]


def test_production_on_loopback_may_use_plain_http_and_then_redirects_nothing():
    """The production shape on one machine (make serve-production): a loopback SITE_URL cannot send
    a link to anyone else, so it may be http://; links, Oscar's scheme and the redirect follow it."""
    code = "from django.conf import settings as s;"
    code += " print(s.SITE_URL, s.OSCAR_URL_SCHEMA, s.SECURE_SSL_REDIRECT)"
    for address in ("http://127.0.0.1:8101", "http://localhost:8101"):
        env = {**PRODUCTION_ENV, "SITE_URL": address, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
        result = manage("shell", "-v0", "-c", code, env=env)
        assert result.stdout.split() == [address, "http", "False"], result.stderr
    result = manage("shell", "-v0", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == ["https://shop.bookclub.example", "https", "True"], result.stderr
