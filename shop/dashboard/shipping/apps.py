import oscar.apps.dashboard.shipping.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class ShippingDashboardConfig(apps.ShippingDashboardConfig):
    """Why forked: our methods' extra fields, and the blocked destinations screen (R-D1, R-D2)."""

    name = "shop.dashboard.shipping"

    def configure_permissions(self):
        super().configure_permissions()
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        # Who may edit the delivery rules may edit where we deliver.
        self.permissions_map["shipping-blocked-destinations"] = DashboardPermission.get(
            "shipping", "view_weightbased", "change_weightbased"
        )

    def ready(self):
        super().ready()
        self.blocked_destinations_view = get_class("dashboard.shipping.views", "BlockedDestinationsView")

    def get_urls(self):
        blocked = path(
            "blocked-destinations/",
            self.blocked_destinations_view.as_view(),
            name="shipping-blocked-destinations",
        )
        return super().get_urls() + self.post_process_urls([blocked])
