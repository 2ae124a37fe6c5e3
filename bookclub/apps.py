from django.apps import AppConfig


class BookclubConfig(AppConfig):
    name = "bookclub"
    verbose_name = "Book club"

    def ready(self):
        from bookclub import subscriptions
        from legal import notices

        # R-L4: subscribers hear of significant changes to the legal documents.
        notices.register_recipients(subscriptions.active_subscribers)
