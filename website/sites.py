"""The Django and Wagtail Site rows follow SITE_URL, the one address links in emails are built on.

Oscar's own emails (password reset, password and email changed) join ``OSCAR_URL_SCHEMA`` to
Django's ``Site.domain``, and Wagtail's ``page.full_url`` (legal notices, the terms copied into
an order confirmation) comes from its default Site's hostname and port. Left alone they say
``example.com`` and ``localhost``: a reset token sent to a stranger's domain (issue 10). Every
``migrate`` (the demo's start, each deployment) sets them from SITE_URL.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from wagtail.models import Site as WagtailSite

DEFAULT_PORTS = {"http": 80, "https": 443}


def sync_sites(**kwargs) -> None:
    """Point Django's current Site and Wagtail's default Site at SITE_URL (a post_migrate receiver)."""
    address = urlsplit(settings.SITE_URL)
    DjangoSite.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": address.netloc, "name": settings.WAGTAIL_SITE_NAME}
    )
    WagtailSite.objects.filter(is_default_site=True).update(
        hostname=address.hostname, port=address.port or DEFAULT_PORTS[address.scheme]
    )
