from django.urls import path
from oscar.core.application import OscarDashboardConfig
from oscar.core.loading import get_class


class SubscriptionsDashboardConfig(OscarDashboardConfig):
    """The order admins' subscriptions section of Oscar's dashboard (R-U2, R-S5, R-S9): the list,
    a subscription's history and the actions on it, and the withdrawal of a plan."""

    label = "subscriptions_dashboard"
    name = "bookclub.dashboard"
    verbose_name = "Subscriptions dashboard"
    default_permissions = ["is_staff"]

    def configure_permissions(self):
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        # Staff (the dashboard's door) and the order admins' permissions (bookclub/0009).
        see = ["is_staff", *DashboardPermission.get("bookclub", "view_subscription")]
        act = ["is_staff", *DashboardPermission.get("bookclub", "view_subscription", "change_subscription")]
        withdraw = [
            "is_staff",
            *DashboardPermission.get(
                "bookclub", "view_plan", "change_plan", "view_planwithdrawal", "add_planwithdrawal"
            ),
        ]
        self.permissions_map = {
            "subscription-list": see,
            "subscription-detail": see,
            "subscription-cancel": act,
            "subscription-suspend": act,
            "subscription-reinstate": act,
            "subscription-month": act,
            "plan-withdrawal-list": withdraw,
            "plan-withdraw": withdraw,
            "plan-withdrawal-detail": withdraw,
            "monthly-run": see,
            "monthly-run-now": act,
            "monthly-run-retry": act,
        }

    def ready(self):
        from shop.dashboard.apps import register_section

        from . import views

        self.views = views
        self.configure_permissions()
        register_section("subscriptions/", self.label)

    def get_urls(self):
        v = self.views
        urls = [
            path("", v.SubscriptionListView.as_view(), name="subscription-list"),
            path("<int:pk>/", v.SubscriptionDetailView.as_view(), name="subscription-detail"),
            path("<int:pk>/cancel/", v.CancelView.as_view(), name="subscription-cancel"),
            path("<int:pk>/suspend/", v.SuspendView.as_view(), name="subscription-suspend"),
            path("<int:pk>/reinstate/", v.ReinstateView.as_view(), name="subscription-reinstate"),
            path("<int:pk>/months/", v.MonthView.as_view(), name="subscription-month"),
            path("plans/", v.PlanWithdrawalListView.as_view(), name="plan-withdrawal-list"),
            path("plans/<int:pk>/withdraw/", v.WithdrawView.as_view(), name="plan-withdraw"),
            path("withdrawals/<int:pk>/", v.WithdrawalDetailView.as_view(), name="plan-withdrawal-detail"),
            path("run/", v.MonthlyRunView.as_view(), name="monthly-run"),
            path("run/now/", v.MonthlyRunNowView.as_view(), name="monthly-run-now"),
            path("run/cycles/<int:pk>/retry/", v.MonthlyRunRetryView.as_view(), name="monthly-run-retry"),
        ]
        return self.post_process_urls(urls)
