from django.apps import AppConfig


class BookclubConfig(AppConfig):
    name = "bookclub"
    verbose_name = "Book club"

    def ready(self):
        from bookclub import lifecycle, privacy, subscriptions, webhook_handlers  # noqa: F401 (registers)
        from bookclub.models import (
            PlanWithdrawal,
            Subscription,
            SubscriptionEvent,
            SubscriptionMonth,
            SubscriptionRefund,
        )
        from legal import notices
        from legal.privacy import personal_data

        # R-L4: subscribers hear of significant changes to the legal documents.
        notices.register_recipients(subscriptions.active_subscribers)
        # Download my data and close my account (R-A3). The subscription models are covered by
        # the club's own section, so an order admin's download never lists the history rows or
        # month choices they recorded, nor the refunds and withdrawals they made, on other
        # people's subscriptions.
        personal_data.register_exporter(
            "subscriptions",
            privacy.export,
            models=[Subscription, SubscriptionEvent, SubscriptionMonth, SubscriptionRefund, PlanWithdrawal],
        )
        personal_data.register_eraser("subscriptions", lifecycle.end_all_for_closed_account)
