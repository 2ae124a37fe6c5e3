import oscar.apps.dashboard.apps as apps
from django.apps import apps as registry
from django.urls import include, path
from oscar.core.loading import get_class

# The dashboard sections we mount, by URL prefix and app label.
SECTIONS = {
    "catalogue/": "catalogue_dashboard",
    "reports/": "reports_dashboard",
    "orders/": "orders_dashboard",
    "users/": "users_dashboard",
    "partners/": "partners_dashboard",
    "offers/": "offers_dashboard",
    "ranges/": "ranges_dashboard",
    "reviews/": "reviews_dashboard",
    "vouchers/": "vouchers_dashboard",
    "comms/": "communications_dashboard",
    "shipping/": "shipping_dashboard",
    "tasks/": "tasks_dashboard",
}
# Sections of apps above the shop (the book club's subscriptions), which add themselves from
# their own ready(): the shop never imports them.
_registered_sections: dict[str, str] = {}


def register_section(prefix: str, app_label: str) -> None:
    """Mount the dashboard app ``app_label`` at ``/dashboard/<prefix>`` beside Oscar's."""
    _registered_sections[prefix] = app_label


class DashboardConfig(apps.DashboardConfig):
    """Oscar's dashboard without its flatpages editor: pages belong to Wagtail (R-U1, R-U2)."""

    name = "shop.dashboard"

    def ready(self):
        self.index_view = get_class("dashboard.views", "IndexView")
        self.login_view = get_class("dashboard.views", "LoginView")
        self.configure_permissions()

    @staticmethod
    def section_labels() -> dict[str, str]:
        return SECTIONS | _registered_sections

    def get_urls(self):
        from django.contrib.auth import views as auth_views

        urls = [path("", self.index_view.as_view(), name="index")]
        # Read here, not in ready(): the apps above the shop register theirs after it is ready.
        sections = {prefix: registry.get_app_config(label) for prefix, label in self.section_labels().items()}
        urls += [path(prefix, include(app.urls[0])) for prefix, app in sections.items()]
        urls += [
            path("login/", self.login_view.as_view(), name="login"),
            path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
        ]
        return self.post_process_urls(urls)
