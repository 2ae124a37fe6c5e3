"""Settings of a real ``db_worker`` process started by a test: the test settings, with the
database queue of production and email over SMTP to the test's FakeSMTP (FAKE_SMTP_PORT).
DATABASE_URL names the test's own database."""

from website.settings.test import *  # noqa: F403
from website.settings.test import env

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("FAKE_SMTP_PORT", default=1)
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 120
