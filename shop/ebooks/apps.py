from django.apps import AppConfig


class EbooksConfig(AppConfig):
    """eBooks that can be read: the EPUB files, entitlements, the eBookshelf, signed downloads
    (R-E1, R-X5). Hears of placed orders and refunds through Oscar's and payment's signals."""

    name = "shop.ebooks"
    label = "ebooks"
    verbose_name = "eBooks"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from shop.ebooks import receivers

        receivers.connect()
