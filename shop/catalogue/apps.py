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
        return self.post_process_urls(urls) + super().get_urls()
