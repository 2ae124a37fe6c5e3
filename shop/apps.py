from django.urls import include, path
from oscar.config import Shop


class BookshopConfig(Shop):
    """Oscar's root app with the bookclub's URL layout.

    Wagtail owns ``/``, so Oscar's home redirect is dropped; the catalogue lives at
    ``/books/``, the rest keeps Oscar's paths (``/basket/``, ``/checkout/``, ``/accounts/``,
    ``/search/``, ``/dashboard/``). Shared wish lists (``/wishlists/``) are not part of the shop
    (issue 15; see shop/customer/apps.py).
    """

    def get_urls(self):
        # Before Oscar's customer URLs at accounts/: My Account's eBookshelf and cancellations.
        urls = [
            path("accounts/ebooks/", include("shop.ebooks.urls")),
            path("accounts/", include("shop.returns.urls")),
        ]
        for pattern in super().get_urls():
            route = str(pattern.pattern)
            if route in ("", "wishlists/"):
                continue
            if route == "catalogue/":
                pattern = path("books/", self.catalogue_app.urls)
            urls.append(pattern)
        return urls
