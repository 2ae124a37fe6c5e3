"""What a customer agreed to when they placed an order (R-L3).

The checkout records the versions of the Terms of Sale and the Privacy Policy it showed the
customer; the order pages and the confirmation email link exactly those versions for ever.
"""

import datetime

from django.db import transaction
from wagtail.models import Revision

from legal import versions
from legal.models import LegalKind, OrderLegalAcceptance


class NotAPublishedVersion(ValueError):
    """The revision given is a draft, a scheduled revision or another document's version."""


def _check(revision: Revision, kind: str) -> None:
    version = versions.version_of(revision)
    if version is None or version.page.kind != kind:
        raise NotAPublishedVersion(
            f"Revision {revision.pk} is not a published version of the {kind} document"
        )


@transaction.atomic
def record_acceptance(
    order, terms_revision: Revision, privacy_revision: Revision, accepted_at: datetime.datetime
) -> OrderLegalAcceptance:
    """Store which versions were accepted for ``order`` (R-L3). The first record stands: what a
    customer agreed to is never rewritten, so calling it again returns the existing record."""
    _check(terms_revision, LegalKind.TERMS)
    _check(privacy_revision, LegalKind.PRIVACY)
    acceptance, _created = OrderLegalAcceptance.objects.get_or_create(
        order=order,
        defaults={
            "terms_revision": terms_revision,
            "privacy_revision": privacy_revision,
            "accepted_at": accepted_at,
        },
    )
    return acceptance


def versions_to_accept() -> tuple[Revision | None, Revision | None]:
    """The Terms of Sale and Privacy Policy versions a customer agrees to now (R-L2, R-L3)."""
    return versions.version_in_force(LegalKind.TERMS), versions.version_in_force(LegalKind.PRIVACY)


def still_in_force(terms_revision_id: int | None, privacy_revision_id: int | None) -> bool:
    """Whether the versions shown to a customer (e.g. on the checkout's review page) are still the
    ones in force; if not, they must agree to the new ones before the order is placed (R-L3)."""
    terms, privacy = versions_to_accept()
    return bool(terms and privacy and (terms.pk, privacy.pk) == (terms_revision_id, privacy_revision_id))


def accepted_versions(order) -> OrderLegalAcceptance | None:
    """The record of what was accepted for ``order``, or None (orders from before it existed)."""
    return (
        OrderLegalAcceptance.objects.filter(order=order)
        .select_related("terms_revision__legal_version__page", "privacy_revision__legal_version__page")
        .first()
    )
