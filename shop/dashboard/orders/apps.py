import oscar.apps.dashboard.orders.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Why forked: the order page also revises the delivery estimate (R-D6) and corrects prices
    (R-C5); the refunds pages live here, beside the orders they refund (R-P4, R-X6)."""

    name = "shop.dashboard.orders"

    def ready(self):
        super().ready()
        self.order_refunds_view = get_class("dashboard.orders.views", "OrderRefundsView")
        self.refund_list_view = get_class("dashboard.orders.views", "RefundListView")

    def get_urls(self):
        # Before Oscar's "<number>/": "refunds/" is not an order number.
        urls = [
            path("refunds/", self.refund_list_view.as_view(), name="refund-list"),
            path("<str:number>/refunds/", self.order_refunds_view.as_view(), name="order-refunds"),
        ]
        return self.post_process_urls(urls) + super().get_urls()
