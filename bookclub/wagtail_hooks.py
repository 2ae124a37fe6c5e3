"""The club in the Wagtail admin (R-S2, R-U1): the book chooser, the editorial calendar and its
home-page panel, and the refusals that keep a frozen selection as the month's orders saw it.

A selection is frozen once it is live and its month has begun (``selection_rules.is_frozen``).
Its edit page then says so and offers no action; these hooks refuse, with the reason, saving or
publishing it, unpublishing, moving or deleting it (or a page holding it), the same through the
page listing's bulk actions, and copying (a copy would be a second selection of the same month);
``MonthlySelectionPage.publish`` calls off a scheduled change that would go live too late.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.models import Page

from bookclub import selection_rules
from bookclub.admin_views import CalendarPanel, CalendarViewSet
from bookclub.choosers import book_chooser_viewset
from bookclub.models import MonthlySelectionPage, PlanPage
from bookclub.pages import FROZEN_LOG_ACTION


@hooks.register("register_admin_viewset")
def register_book_chooser():
    return book_chooser_viewset


@hooks.register("register_admin_viewset")
def register_editorial_calendar():
    return CalendarViewSet()


@hooks.register("construct_homepage_panels")
def add_calendar_panel(request, panels):
    panels.append(CalendarPanel())


@hooks.register("insert_global_admin_css")
def editors_stylesheet():
    return format_html('<link rel="stylesheet" href="{}">', static("css/editors.css"))


@hooks.register("register_log_actions")
def register_frozen_log_action(actions):
    actions.register_action(
        FROZEN_LOG_ACTION,
        "Refuse a change to a frozen selection",
        "Scheduled change refused: the selection was frozen, its month had begun",
    )


def frozen_selections_in(page):
    """The frozen selections that are ``page`` or lie under it."""
    selections = MonthlySelectionPage.objects.live().filter(path__startswith=page.path, depth__gte=page.depth)
    return [selection for selection in selections if selection_rules.is_frozen(selection)]


def _refuse(request, page, message: str):
    messages.error(request, message)
    return redirect("wagtailadmin_explore", page.get_parent().pk)


def _refusal_for(page, doing: str) -> str | None:
    frozen = frozen_selections_in(page)
    if not frozen:
        return None
    if frozen[0].pk == page.pk:
        return selection_rules.frozen_message(frozen[0], doing)
    names = ", ".join(f"“{selection.title}”" for selection in frozen[:3])
    more = f" and {len(frozen) - 3} more" if len(frozen) > 3 else ""
    return (
        f"“{page.title}” holds frozen selections ({names}{more}): members' orders were made from "
        f"them, so it cannot be {doing}."
    )


class FrozenMenuItem(ActionMenuItem):
    """The edit page's only action on a frozen selection: a disabled button saying why."""

    name = "action-frozen"
    label = "Frozen: its month has begun"
    icon_name = "lock"
    template_name = "bookclub/admin/frozen_action.html"


@hooks.register("construct_page_action_menu")
def no_actions_on_a_frozen_selection(menu_items, request, context):
    page = context.get("page")
    if context.get("view") != "create" and isinstance(page, MonthlySelectionPage) and page.is_frozen:
        menu_items[:] = [FrozenMenuItem(order=0)]


@hooks.register("before_edit_page")
def refuse_saving_a_frozen_selection(request, page):
    if not (isinstance(page, MonthlySelectionPage) and page.is_frozen):
        return None
    if request.method == "POST":
        messages.error(request, selection_rules.frozen_message(page, "edited or published again"))
        return redirect("wagtailadmin_pages:edit", page.pk)
    messages.warning(request, selection_rules.frozen_message(page, "edited"))
    return None


@hooks.register("before_delete_page")
def refuse_deleting_frozen_selections(request, page):
    message = _refusal_for(page, "deleted")
    return _refuse(request, page, message) if message else None


@hooks.register("before_unpublish_page")
def refuse_unpublishing_frozen_selections(request, page):
    if isinstance(page.specific, MonthlySelectionPage) or request.POST.get("include_descendants"):
        message = _refusal_for(page, "unpublished")
        if message:
            return _refuse(request, page, message)
    return None


@hooks.register("before_move_page")
def keep_selections_under_their_plan(request, page, destination):
    if not isinstance(page.specific, MonthlySelectionPage):
        return None
    message = _refusal_for(page, "moved")
    if message is None and page.get_parent().pk != destination.pk:
        message = (
            f"“{page.title}” belongs to its plan's page: a selection cannot move to another page. "
            "Add a new selection under the other plan instead."
        )
    if message:
        return _refuse(request, page, message)
    return None


@hooks.register("before_copy_page")
def refuse_copying_club_pages(request, page):
    if isinstance(page.specific, MonthlySelectionPage | PlanPage):
        kind = "selection" if isinstance(page.specific, MonthlySelectionPage) else "plan page"
        return _refuse(
            request,
            page,
            f"A {kind} cannot be copied: each plan has one page and one selection a month. "
            "Add a new one under the plan instead.",
        )
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_changes_to_selections(request, action_type, objects, action_class_instance):
    doing = {"delete": "deleted", "unpublish": "unpublished"}.get(action_type)
    for page in objects:
        if not isinstance(page, Page):
            return None  # a bulk action on images, users or snippets
        is_selection = isinstance(page.specific_deferred, MonthlySelectionPage)
        if is_selection and action_type == "publish":
            return _refuse(
                request, page, f"Publish “{page.title}” from its own page, where its picks are checked."
            )
        if is_selection and action_type == "move":
            return _refuse(
                request, page, f"“{page.title}” stays under its plan's page: selections do not move."
            )
        message = _refusal_for(page, doing) if doing else None
        if message:
            return _refuse(request, page, message)
    return None
