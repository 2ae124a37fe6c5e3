"""The consent records, marketing preferences and accepted terms moved apps with their rows."""

import pytest
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from legal import versions
from legal.privacy.models import ConsentRecord, MarketingPreferences
from tests.factories import UserFactory, make_book
from tests.factories.legal import publish_terms_and_privacy

BEFORE = [("legal", "0002_merge_versions_and_consent")]
AFTER = [
    ("legal", "0003_move_privacy_and_order_acceptance_out"),
    ("privacy", "0001_initial"),
    ("order", "0026_orderlegalacceptance"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_L3_R_A4_rows_written_before_the_move_are_there_after_it(migrator):
    publish_terms_and_privacy()
    terms, privacy = versions.version_in_force("terms"), versions.version_in_force("privacy")
    make_book()
    reader = UserFactory(email="fay@example.com")
    order = create_order(user=reader)

    old = migrator(BEFORE).project_state(BEFORE).apps
    old.get_model("legal", "ConsentRecord").objects.create(
        user_id=reader.pk, functional=True, source="banner"
    )
    old.get_model("legal", "MarketingPreferences").objects.create(user_id=reader.pk, newsletter=True)
    accepted_at = timezone.now()
    old.get_model("legal", "OrderLegalAcceptance").objects.create(
        order_id=order.pk, terms_revision_id=terms.pk, privacy_revision_id=privacy.pk, accepted_at=accepted_at
    )

    migrator(AFTER)

    assert (
        ConsentRecord.objects.get().user == reader and ConsentRecord._meta.db_table == "privacy_consentrecord"
    )
    assert MarketingPreferences.objects.get(user=reader).newsletter
    record = get_model("order", "OrderLegalAcceptance").objects.get()
    assert (record.order, record.terms_revision, record.privacy_revision) == (order, terms, privacy)
    assert record.accepted_at == accepted_at
