from django.apps import AppConfig


class BookclubConfig(AppConfig):
    name = "bookclub"
    verbose_name = "Book club"

    def ready(self):
        from bookclub import subscriptions
        from legal import notices

        # R-L4: subscribers hear of significant changes to the legal documents.
        notices.register_recipients(subscriptions.active_subscribers)
        # Closing an account (R-A3): once the privacy app has its registries (legal/privacy/),
        # register here `bookclub.lifecycle.end_all_for_closed_account` as an eraser (it must
        # run before the account's own data is erased) and `bookclub.privacy.export` as an
        # exporter.
