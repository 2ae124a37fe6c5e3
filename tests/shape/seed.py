"""What the production-shape test sells, written into its own database by the shape's settings.

    python -m tests.shape.seed LAST_COPIES     (DJANGO_SETTINGS_MODULE and DATABASE_URL set)

Run by tests/shape/test_production_shape.py against the database it cloned: Terms of Sale and
Privacy Policy in force (R-L2), free UK delivery, one title with only LAST_COPIES copies left and one
with plenty, and the Site rows on the shape's SITE_URL. Prints the two products' ids as JSON.
"""

import json
import sys

import django


def main(last_copies: int) -> dict:
    from django.db import transaction
    from django.test.utils import override_settings

    from tests.factories import BookFactory
    from tests.factories.legal import publish_terms_and_privacy
    from tests.shop.checkout.helpers import uk_shipping_country
    from website.sites import sync_sites

    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate), transaction.atomic():
        sync_sites()
        publish_terms_and_privacy()
        uk_shipping_country()
        scarce = BookFactory(stockrecord__price="9.99", stockrecord__stock=last_copies)
        plenty = BookFactory(stockrecord__price="6.50", stockrecord__stock=100)
    return {"scarce": scarce.pk, "plenty": plenty.pk}


if __name__ == "__main__":
    django.setup()
    print(json.dumps(main(int(sys.argv[1]))))
