import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"

    def ready(self):
        super().ready()
        self.payment_return_view = get_class("checkout.views", "PaymentReturnView")
        self.unavailable_view = get_class("checkout.views", "UnavailableView")
        from durable import register_finder
        from shop.checkout import owed, webhook_handlers  # noqa: F401 (payment_intent.succeeded places the order)

        register_finder("unconfirmed paid orders", owed.unconfirmed_paid_orders)

    def get_urls(self):
        return super().get_urls() + self.post_process_urls(
            [
                path("payment/return/", self.payment_return_view.as_view(), name="payment-return"),
                path("unavailable/", self.unavailable_view.as_view(), name="unavailable"),
            ]
        )
