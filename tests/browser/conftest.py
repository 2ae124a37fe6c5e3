import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from tests.browser import axe as axe_core
from tests.conftest import RESULTS
from website.demo import catalogue, content

Product = get_model("catalogue", "Product")

# Run in every document before the page's own scripts: each violation of the
# Content-Security-Policy reaches the console, where the guard below reads it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || 'an inline'}`
                + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch):
    """Every journey fails on a Content-Security-Policy violation in any of its pages (issue 10).

    Each browser context a test opens (the ``page`` fixture's, or its own) reports violations:
    Chromium's console messages ("Refused to load...") and the document's
    ``securitypolicyviolation`` events. A test that expects one takes it off the list."""
    found: list[str] = []
    new_context = browser.new_context

    def note(message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            found.append(f"{message.page.url if message.page else '?'}: {text}")

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", note)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield found
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(scope="session")
def axe_tally():
    tally = axe_core.Tally()
    yield tally
    tally.write(RESULTS / "axe-summary.json")


@pytest.fixture
def axe(axe_tally, request):
    """``axe(page)``: axe-core's WCAG 2.2 AA rules on the page as it stands, at 1280 and 390 px;
    a critical or serious violation fails the test (tests/browser/axe.py)."""

    def run(page, *, exclude: list[str] | None = None) -> None:
        axe_core.check(page, axe_tally, request.node.nodeid, exclude=exclude)

    return run


@pytest.fixture
def demo_site(transactional_db):
    """A small demo catalogue and the site's pages, visible to the live server's thread."""
    catalogue.seed_books(40, covers=6, today=timezone.localdate())
    featured = list(Product.objects.filter(product_class__slug="paperback").values_list("id", flat=True)[:4])
    content.seed_pages(featured_product_ids=featured)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The live server sees only committed rows; serialized rollback restores the rows
            # migrations made (roles, product classes, the page tree) after each flush.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
