from django.urls import path
from oscar.config import Shop


class BookshopConfig(Shop):
    """Oscar's root app with the bookclub's URL layout.

    Wagtail owns ``/``, so Oscar's home redirect is dropped; the catalogue lives at
    ``/books/``, the rest keeps Oscar's paths (``/basket/``, ``/checkout/``, ``/accounts/``,
    ``/search/``, ``/dashboard/``). Shared wish lists (``/wishlists/``) are not part of the shop
    (issue 15; see shop/customer/apps.py).
    """

    def get_urls(self):
        urls = []
        for pattern in super().get_urls():
            route = str(pattern.pattern)
            if route in ("", "wishlists/"):
                continue
            if route == "catalogue/":
                pattern = path("books/", self.catalogue_app.urls)
            urls.append(pattern)
        return urls
