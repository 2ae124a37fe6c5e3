"""pytest: fast hashing, local-memory cache, tasks run immediately, Stripe is localstripe.

DATABASE_URL still chooses the database, so the same suite runs on SQLite and PostgreSQL.
"""

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, env

DEBUG = False
SECRET_KEY = "test-only-key-5c0a2f6b8e"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # For the tests of the queue itself: the production backend under another name.
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
# Compressed-manifest storage needs collectstatic; tests serve static files as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The test client's host: links in emails open in the tests as they would on the site.
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
OSCAR_URL_SCHEMA = "http"
# The localstripe session fixture sets these to its own port.
STRIPE_API_BASE = "http://127.0.0.1:1"
STRIPE_JS_URL = "http://127.0.0.1:1/js.stripe.com/v3/"
LOGGING["loggers"]["django_tasks"] = {"level": "WARNING"}  # a line per task otherwise
