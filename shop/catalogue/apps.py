import oscar.apps.catalogue.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CatalogueConfig(apps.CatalogueConfig):
    name = "shop.catalogue"

    def ready(self):
        super().ready()
        self.series_view = get_class("catalogue.views", "SeriesView")
        self.author_view = get_class("catalogue.views", "AuthorView")
        self.coming_soon_view = get_class("catalogue.views", "ComingSoonView")
        self.new_releases_view = get_class("catalogue.views", "NewReleasesView")
        from shop.catalogue import receivers

        receivers.connect()

    def get_urls(self):
        urls = [
            path("coming-soon/", self.coming_soon_view.as_view(), name="coming-soon"),
            path("new/", self.new_releases_view.as_view(), name="new-releases"),
            path("series/<slug:slug>/", self.series_view.as_view(), name="series"),
            path("authors/<slug:slug>/", self.author_view.as_view(), name="author"),
        ]
        # Readers' reviews are not part of the shop: no page shows or asks for them, and Oscar's
        # review pages render the book page without what it needs (500s the fuzz test found).
        oscar_urls = [url for url in super().get_urls() if not str(url.pattern).endswith("/reviews/")]
        return self.post_process_urls(urls) + oscar_urls
