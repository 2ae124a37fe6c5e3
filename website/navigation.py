"""Header and footer links, resolved once and kept in the shared cache.

They are the same for every visitor, so a page costs no query for them. Editing the
navigation or footer settings, or publishing, moving or unpublishing a page, bumps a
generation number, which retires every cached copy at once on every process.
"""

from dataclasses import dataclass

from django.core.cache import cache
from wagtail.models import Site

from shop.generations import Generation

LINKS = Generation("website:navigation:generation")
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def _links(stream) -> list[Link]:
    links = []
    for block in stream:
        value = block.value
        url = value["page"].url if value["page"] else value["url"]
        if url:
            links.append(Link(value["label"], url))
    return links


def site_links(request) -> dict:
    """{'primary': [...], 'legal': [...], 'help': [...], 'contact_email': str, 'note': str}."""
    key = f"website:navigation:{LINKS.current()}:{request.get_host()}"
    links = cache.get(key)
    if links is None:
        from website.models import FooterSettings, NavigationSettings

        site = Site.find_for_request(request)
        navigation = NavigationSettings.for_site(site)
        footer = FooterSettings.for_site(site)
        links = {
            "primary": _links(navigation.primary_links),
            "legal": _links(footer.legal_links),
            "help": _links(footer.help_links),
            "contact_email": footer.contact_email,
            "note": footer.note,
        }
        cache.set(key, links, CACHE_SECONDS)
    return links
