"""Failed and stuck background tasks, for order admins; thin views over ``durable``."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import generic

from durable.models import DurableTask
from durable.sweep import QUEUED_GRACE, retry_now

Status = DurableTask.Status
SHOWN = {
    "attention": "Failed or stuck",
    "retrying": "Waiting to retry",
    "recent": "Everything in the last 7 days",
}


def needing_attention(now):
    """Failed (gave up), running past its lease (a dead worker's), queued and never started."""
    return (
        Q(status=Status.FAILED)
        | Q(status=Status.RUNNING, lease_expires_at__lt=now)
        | Q(status=Status.QUEUED, updated_at__lt=now - QUEUED_GRACE)
    )


class TaskListView(generic.ListView):
    template_name = "oscar/dashboard/tasks/task_list.html"
    context_object_name = "tasks"
    paginate_by = 50

    def shown(self) -> str:
        shown = self.request.GET.get("show", "")
        return shown if shown in SHOWN else "attention"

    def get_queryset(self):
        now = timezone.now()
        rows = DurableTask.objects.defer("args", "log")
        shown = self.shown()
        if shown == "attention":
            rows = rows.filter(needing_attention(now))
        elif shown == "retrying":
            rows = rows.filter(status=Status.RETRYING)
        else:
            rows = rows.filter(created_at__gte=now - timedelta(days=7))
        return rows.order_by("-updated_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "choices": SHOWN.items(),
            "show": self.shown(),
            "now": timezone.now(),
        }


class RetryView(generic.View):
    def post(self, request, pk):
        row = retry_now(get_object_or_404(DurableTask, pk=pk))
        if row.status == Status.QUEUED:
            messages.success(
                request, f"{row.name} ({row.key}) queued again: a worker runs it within a minute."
            )
        elif row.status == Status.SUCCEEDED:
            messages.info(request, f"{row.name} ({row.key}) has succeeded already.")
        else:
            messages.info(request, f"{row.name} ({row.key}) is {row.get_status_display().lower()}.")
        return redirect(request.POST.get("next") or "dashboard:task-list")
