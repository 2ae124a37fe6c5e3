from django.urls import path
from oscar.core.application import OscarDashboardConfig
from oscar.core.loading import get_class


class TasksDashboardConfig(OscarDashboardConfig):
    """/dashboard/tasks/: the background work that failed or is stuck, with a Retry button
    (issue 10; the work itself: durable, docs/background-work.md). For order admins."""

    label = "tasks_dashboard"
    name = "shop.dashboard.tasks"
    verbose_name = "Background tasks dashboard"
    default_permissions = ["is_staff"]

    def configure_permissions(self):
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        order_admins = ["is_staff", *DashboardPermission.get("order", "change_order")]
        self.permissions_map = {"task-list": order_admins, "task-retry": order_admins}

    def ready(self):
        from . import views

        self.views = views
        self.configure_permissions()

    def get_urls(self):
        urls = [
            path("", self.views.TaskListView.as_view(), name="task-list"),
            path("<int:pk>/retry/", self.views.RetryView.as_view(), name="task-retry"),
        ]
        return self.post_process_urls(urls)
