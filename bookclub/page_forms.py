"""The Wagtail admin forms of the club's pages: a selection is checked against its plan (R-S2).

Wagtail builds each page's form from these base classes (``base_form_class``); they only parse
and report. The rules are ``bookclub.selection_rules``; errors appear next to the field or pick
they concern, and problems with the whole list at the top of the form.
"""

from django import forms
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from bookclub import months, selection_rules


class MonthInput(forms.DateInput):
    """The browser's month picker ("2027-03"); browsers without one show a text box."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month, kept as its first day: "2027-03", "2027-03-17" and "March 2027" all mean 1 March 2027."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d", "%B %Y", "%b %Y", "%m/%Y"]
    default_error_messages = {"invalid": "Enter a month, for example 2027-03."}

    def to_python(self, value):
        day = super().to_python(value)
        return months.month_of(day) if day else day


class PlanPageForm(WagtailAdminPageForm):
    """A plan page is its plan's for good: offered only plans without a page, then fixed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("plan")
        if field is None:
            return
        if self.instance.pk:
            field.disabled = True
            field.help_text = "A plan page stays with its plan; its selections belong to that plan."
        else:
            field.queryset = field.queryset.filter(page__isnull=True)
            field.help_text = "Only plans that have no page yet are listed."


class MonthlySelectionForm(WagtailAdminPageForm):
    """The selection's plan comes from its parent page; the month, the publishing dates and the
    picks are checked against the plan (``selection_rules``). A draft may hold fewer picks than
    the plan needs; publishing or scheduling needs them all."""

    month = MonthField(
        label="Month",
        help_text="The month these titles are for. It cannot be changed once the selection is saved.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, help_text in (
            ("title", "Left empty, the selection is called after its plan and month."),
            ("slug", "Left empty, the month: april-2027."),
        ):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = help_text
        if "title" in self.fields:
            self.fields["title"].widget.attrs["placeholder"] = "Title (optional)"
        if self.instance.pk:
            self.fields["month"].disabled = True
        elif not self.is_bound and self.plan is not None:
            self.initial["month"] = self.first_month_without_a_selection()

    @property
    def plan(self):
        if self.instance.plan_id:
            return self.instance.plan
        parent = self.parent_page.specific if self.parent_page is not None else None
        return getattr(parent, "plan", None)

    def first_month_without_a_selection(self):
        this_month = months.month_of(months.london_today())
        taken = set(
            type(self.instance)
            .objects.filter(plan=self.plan, month__gte=this_month)
            .values_list("month", flat=True)
        )
        month = this_month
        while month in taken:
            month = months.add_months(month, 1)
        return month

    def clean(self):
        cleaned_data = super().clean()
        plan = self.plan
        month = cleaned_data.get("month")
        if plan is None:
            raise forms.ValidationError("A monthly selection is added under its plan's page.")
        self.instance.plan = plan
        if month is None:
            return cleaned_data
        if not cleaned_data.get("title"):
            cleaned_data["title"] = f"{plan.name}, {months.describe(month)}"
        if "slug" in self.fields and not cleaned_data.get("slug") and "slug" not in self.errors:
            self._default_slug(month)
        self._check_month_is_free(plan, month)
        for field, message in selection_rules.check_schedule(
            month, go_live_at=cleaned_data.get("go_live_at"), expire_at=cleaned_data.get("expire_at")
        ).items():
            self.add_error(field, message)
        self._check_picks(plan, month)
        return cleaned_data

    def _default_slug(self, month) -> None:
        slug = slugify(months.describe(month))
        if Page._slug_is_available(slug, self.parent_page, self.instance):
            self.cleaned_data["slug"] = slug
        else:
            self.add_error("slug", f"Another page under this plan has the address “{slug}”: enter another.")

    def _check_month_is_free(self, plan, month) -> None:
        other = (
            type(self.instance)
            .objects.filter(plan=plan, month=month)
            .exclude(pk=self.instance.pk)
            .only("id", "title")
            .first()
        )
        if other is not None:
            self.add_error(
                "month",
                f"{plan.name} already has a selection for {months.describe(month)} (“{other.title}”): "
                "edit that one, or choose another month.",
            )

    def _check_picks(self, plan, month) -> None:
        formset = self.formsets.get("picks")
        if formset is None or not formset.is_valid():
            return  # the picks' own errors are shown first
        chosen = [form for form in formset.ordered_forms if form.cleaned_data.get("product")]
        problems = selection_rules.check_picks(
            plan,
            month,
            [form.cleaned_data["product"] for form in chosen],
            complete=not self.is_deferred_validation,
        )
        for problem in problems:
            if problem.position is None:
                self.add_error(None, problem.message)
            else:
                chosen[problem.position - 1].add_error("product", problem.message)
