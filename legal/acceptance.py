"""Which versions of the terms a customer agrees to (R-L2, R-L3).

The checkout shows the Terms of Sale and the Privacy Policy in force and refuses the order if a
newer version went live meanwhile; the order app records what was accepted
(``shop.order.acceptance``), checking with ``check_published`` that it is a published version.
"""

from wagtail.models import Revision

from legal import versions
from legal.models import LegalKind


class NotAPublishedVersion(ValueError):
    """The revision given is a draft, a scheduled revision or another document's version."""


def check_published(revision: Revision, kind: str) -> None:
    """Raise NotAPublishedVersion unless ``revision`` is a published version of the ``kind`` document."""
    version = versions.version_of(revision)
    if version is None or version.page.kind != kind:
        raise NotAPublishedVersion(
            f"Revision {revision.pk} is not a published version of the {kind} document"
        )


def versions_to_accept() -> tuple[Revision | None, Revision | None]:
    """The Terms of Sale and Privacy Policy versions a customer agrees to now (R-L2, R-L3)."""
    return versions.version_in_force(LegalKind.TERMS), versions.version_in_force(LegalKind.PRIVACY)


def still_in_force(terms_revision_id: int | None, privacy_revision_id: int | None) -> bool:
    """Whether the versions shown to a customer (e.g. on the checkout's review page) are still the
    ones in force; if not, they must agree to the new ones before the order is placed (R-L3)."""
    terms, privacy = versions_to_accept()
    return bool(terms and privacy and (terms.pk, privacy.pk) == (terms_revision_id, privacy_revision_id))
