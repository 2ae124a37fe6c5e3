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
        from durable import timers
        from legal import notices
        from legal.privacy import personal_data

        # The monthly run every hour (it opens a month on the 1st, London time, then retries and
        # checks authentications); renewal reminders once a day (docs/subscriptions.md).
        timers.register("run_monthly", "5 * * * *")
        timers.register("send_renewal_reminders", "15 7 * * *")
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
