import oscar.apps.dashboard.orders.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Why forked: the order page also revises the delivery estimate (R-D6) and corrects prices
        (R-C5); the refunds pages live here, beside the orders they refund (R-P4, R-X6), and the
    cancellations, returns and despatch notes (R-X1 to R-X4, R-X7)."""

    name = "shop.dashboard.orders"

    def ready(self):
        super().ready()
        self.order_refunds_view = get_class("dashboard.orders.views", "OrderRefundsView")
        self.refund_list_view = get_class("dashboard.orders.views", "RefundListView")
        self.return_list_view = get_class("dashboard.orders.views", "ReturnListView")
        self.return_detail_view = get_class("dashboard.orders.views", "ReturnDetailView")
        self.order_cancel_view = get_class("dashboard.orders.views", "OrderCancelView")
        self.despatch_note_view = get_class("dashboard.orders.views", "DespatchNoteView")

    def get_urls(self):
        # Before Oscar's "<number>/": "refunds/" is not an order number.
        urls = [
            path("refunds/", self.refund_list_view.as_view(), name="refund-list"),
            path("<str:number>/refunds/", self.order_refunds_view.as_view(), name="order-refunds"),
            path("returns/", self.return_list_view.as_view(), name="return-list"),
            path("returns/<int:pk>/", self.return_detail_view.as_view(), name="return-detail"),
            path("<str:number>/cancel/", self.order_cancel_view.as_view(), name="order-cancel"),
            path(
                "<str:number>/despatch-note/", self.despatch_note_view.as_view(), name="order-despatch-note"
            ),
        ]
        return self.post_process_urls(urls) + super().get_urls()
