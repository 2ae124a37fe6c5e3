"""Legal documents in force, published the way editors publish them (a Wagtail revision each)."""

from django.utils import timezone
from wagtail.models import Page

from legal.models import LegalPage
from website.models import SectionPage


def _section() -> SectionPage:
    existing = SectionPage.objects.filter(slug="legal").first()
    if existing:
        return existing
    home = Page.objects.get(depth=2)  # the site's root page
    return home.add_child(instance=SectionPage(title="Legal", slug="legal"))


def publish_legal_version(kind: str, *, title: str, clause: str, summary: str = "First version."):
    """Publish a new version of the ``kind`` document (creating the page at first); returns its revision."""
    page = LegalPage.objects.filter(kind=kind).first()
    if page is None:
        page = _section().add_child(
            instance=LegalPage(title=title, slug=kind, kind=kind, change_summary=summary, body=[])
        )
    page = LegalPage.objects.get(pk=page.pk)
    page.change_summary, page.effective_from = summary, timezone.localdate()
    page.body = [("section", {"heading": title, "intro": "", "clauses": [{"text": f"<p>{clause}</p>"}]})]
    revision = page.save_revision()
    revision.publish()
    return revision


def publish_terms_and_privacy():
    """The two documents every order is placed under (R-L2, R-L3); returns their revisions."""
    terms = publish_legal_version(
        "terms", title="Terms and Conditions of Sale", clause="We sell books to readers in good faith."
    )
    privacy = publish_legal_version(
        "privacy", title="Privacy Policy", clause="We keep only what an order needs."
    )
    return terms, privacy
