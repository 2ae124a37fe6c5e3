"""R-L1 demo: seed_demo writes the five legal documents, the Terms with history and a scheduled change."""

import pytest
from django.utils import timezone
from wagtail.models import Page, Revision

from legal import versions
from legal.models import LegalKind, LegalPage, LegalVersion
from website.demo import content
from website.models import SectionPage, StandardPage

pytestmark = pytest.mark.django_db


def test_R_L1_demo_has_five_documents_and_terms_with_two_versions_and_a_scheduled_one(client):
    content.seed_pages(featured_product_ids=[])
    assert set(LegalPage.objects.live().values_list("kind", flat=True)) == set(LegalKind.values)
    terms = LegalPage.objects.get(kind="terms")
    assert list(LegalVersion.objects.filter(page=terms).values_list("number", flat=True)) == [1, 2]
    scheduled = versions.scheduled_revision(terms)
    assert scheduled.approved_go_live_at > timezone.now() and scheduled.content["significant_change"]
    assert versions.version_in_force("terms") == terms.live_revision
    assert versions.version_url(terms.live_revision) == "/legal/terms/versions/2/"
    old = client.get("/legal/terms/versions/1/").content.decode()
    assert "4 Quire Lane" in old and "earlier version" in old
    assert "27 Folio Yard" not in client.get("/legal/terms/").content.decode()  # scheduled, not yet

    revisions = Revision.objects.count()
    content.seed_pages(featured_product_ids=[])
    assert Revision.objects.count() == revisions


def test_seed_replaces_the_old_placeholder_pages(client):
    content.seed_pages(featured_product_ids=[])
    section = SectionPage.objects.get(slug="legal")
    LegalPage.objects.get(kind="cookies")
    # An older demo database: the cookies page is still a placeholder StandardPage.
    Page.objects.get(slug="cookies").get_children().delete()
    LegalVersion.objects.filter(page__kind="cookies").delete()
    Page.objects.get(slug="cookies").delete()
    section.add_child(instance=StandardPage(title="Cookie Policy", slug="cookies"))

    content.seed_pages(featured_product_ids=[])
    assert LegalPage.objects.live().filter(kind="cookies").exists()
    assert client.get("/legal/cookies/").status_code == 200
    assert b'href="/legal/cookies/"' in client.get("/").content
