from django import template

from legal import versions
from shop.order import acceptance

register = template.Library()


@register.simple_tag
def accepted_legal_versions(order):
    """The Terms of Sale and Privacy Policy versions accepted for ``order`` (R-L3), or None.

    Returns a dict: ``accepted_at``, and for "terms" and "privacy" the document's title, the
    version number, its effective date, its stable path and the revision itself.
    """
    record = acceptance.accepted_versions(order)
    if record is None:
        return None

    def describe(revision):
        text = revision.as_object()
        return {
            "title": text.title,
            "number": revision.legal_version.number,
            "effective_from": text.effective_from,
            "url": versions.version_url(revision),
            "full_url": versions.version_full_url(revision),
            "revision": revision,
        }

    return {
        "accepted_at": record.accepted_at,
        "terms": describe(record.terms_revision),
        "privacy": describe(record.privacy_revision),
    }
