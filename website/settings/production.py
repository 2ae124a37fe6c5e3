"""Production: every secret from the environment, HTTPS only, security headers on.

`DJANGO_SETTINGS_MODULE=website.settings.production manage.py check --deploy` is clean
when the variables below are given real values (tests/website/test_settings.py proves it).
"""

from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import DATABASES, checked_site_url, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# No default: a password-reset link must never name another site's domain (issue 10). HTTPS,
# except on a loopback address (the production shape on one machine: make serve-production).
SITE_URL = WAGTAILADMIN_BASE_URL = checked_site_url(env("SITE_URL"), https_only=True)
OSCAR_URL_SCHEMA = urlsplit(SITE_URL).scheme

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=OSCAR_URL_SCHEMA == "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# eBook downloads leave through the web server, never streamed by a Python worker (R-E1):
# nginx serves PRIVATE_ROOT at the internal location SENDFILE_URL (docs/ebooks.md).
# (`make serve-production` has no nginx: it names the simple backend here.)
SENDFILE_BACKEND = env("DJANGO_SENDFILE_BACKEND", default="django_sendfile.backends.nginx")
SENDFILE_URL = env("DJANGO_SENDFILE_URL", default="/protected")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import warnings

    warnings.warn("Production is running on SQLite: set DATABASE_URL to PostgreSQL.", stacklevel=1)
