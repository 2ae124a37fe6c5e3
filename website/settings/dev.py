"""The demo and local development: emails printed to the console.

DEBUG is off, as a visitor to the demo would see the site: designed 404 and 500 pages, not
Django's URL list and tracebacks. Developers who want those set DJANGO_DEBUG=1.
"""

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-key-not-for-production-3b1f9c2e7d")

# Without DEBUG and without collectstatic: whitenoise serves static files from the apps' own
# folders, and Django serves uploads (covers, images) itself; production uses the web server.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=True)
