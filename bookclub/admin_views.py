"""The editorial calendar in the Wagtail admin: a page of its own and a panel on the admin's home
(R-S2). Both only read ``bookclub.editorial_calendar``."""

from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from bookclub import editorial_calendar, months


def add_selection_url(plan_page) -> str:
    return reverse("wagtailadmin_pages:add", args=("bookclub", "monthlyselectionpage", plan_page.pk))


def add_plan_page_url() -> str | None:
    from bookclub.models import PlansIndexPage

    index = PlansIndexPage.objects.first()
    if index is None:
        return None
    return reverse("wagtailadmin_pages:add", args=("bookclub", "planpage", index.pk))


class CalendarView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "bookclub/admin/calendar.html"
    page_title = "Editorial calendar"
    header_icon = "calendar-check"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown, rows = editorial_calendar.calendar()
        context.update(
            months=shown,
            rows=rows,
            flagged=editorial_calendar.needing_attention(rows),
            add_plan_page_url=add_plan_page_url(),
            window_days=editorial_calendar.ATTENTION_WINDOW.days,
            this_month=months.month_of(months.london_today()),
        )
        return context


class CalendarViewSet(ViewSet):
    name = "editorial_calendar"
    url_prefix = "bookclub/calendar"
    icon = "calendar-check"
    menu_label = "Editorial calendar"
    menu_order = 150  # after Pages, Images and Documents
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [path("", CalendarView.as_view(), name="index")]


class CalendarPanel(Component):
    """On the Wagtail admin's home: what needs doing before the coming run dates."""

    name = "editorial_calendar"
    order = 50  # above Wagtail's own panels
    template_name = "bookclub/admin/calendar_panel.html"

    def get_context_data(self, parent_context=None):
        _, rows = editorial_calendar.calendar(months_ahead=2)
        return {
            "flagged": editorial_calendar.needing_attention(rows),
            "plans": len(rows),
            "calendar_url": reverse("editorial_calendar:index"),
        }
