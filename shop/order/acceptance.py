"""What a customer agreed to when they placed an order (R-L3).

The checkout records the versions of the Terms of Sale and the Privacy Policy it showed the
customer; the order pages and the confirmation email link exactly those versions for ever.
"""

import datetime

from django.db import transaction
from oscar.core.loading import get_model
from wagtail.models import Revision

from legal.acceptance import check_published
from legal.models import LegalKind

OrderLegalAcceptance = get_model("order", "OrderLegalAcceptance")


@transaction.atomic
def record_acceptance(
    order, terms_revision: Revision, privacy_revision: Revision, accepted_at: datetime.datetime
) -> OrderLegalAcceptance:
    """Store which versions were accepted for ``order`` (R-L3). The first record stands: what a
    customer agreed to is never rewritten, so calling it again returns the existing record."""
    check_published(terms_revision, LegalKind.TERMS)
    check_published(privacy_revision, LegalKind.PRIVACY)
    acceptance, _created = OrderLegalAcceptance.objects.get_or_create(
        order=order,
        defaults={
            "terms_revision": terms_revision,
            "privacy_revision": privacy_revision,
            "accepted_at": accepted_at,
        },
    )
    return acceptance


def accepted_versions(order) -> OrderLegalAcceptance | None:
    """The record of what was accepted for ``order``, or None (orders from before it existed)."""
    return (
        OrderLegalAcceptance.objects.filter(order=order)
        .select_related("terms_revision__legal_version__page", "privacy_revision__legal_version__page")
        .first()
    )
