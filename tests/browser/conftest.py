import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from website.demo import catalogue, content

Product = get_model("catalogue", "Product")


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
