"""The editors' pages of the club (R-S2, R-U1): the plans index, a page per plan, and under each
plan a dated selection of the month's titles.

A selection is a Wagtail page, so it has Wagtail's revisions, previews and scheduled publishing:
an editor prepares next month's picks as a draft and schedules them to go live. The picks in the
database are always those of the *live* revision (Wagtail writes a page's inline rows only when
a revision is published), which is what subscribers see and what the monthly run reads; once a
live selection's month has begun it is frozen (``bookclub.selection_rules``): the hooks in
``bookclub.wagtail_hooks`` refuse saving, publishing, unpublishing, moving and deleting it.
"""

import logging
from datetime import date

from django.db import models
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.log_actions import log
from wagtail.models import Orderable, Page

from bookclub import months, selection_rules
from bookclub.choosers import book_chooser_viewset
from bookclub.page_forms import MonthlySelectionForm, PlanPageForm

logger = logging.getLogger(__name__)

FROZEN_LOG_ACTION = "bookclub.selection.frozen"


class PlansIndexPage(Page):
    """The club's front door: every plan open to new members, with what it costs."""

    introduction = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["bookclub.PlanPage"]
    max_count = 1

    class Meta:
        verbose_name = "plans index page"

    def get_context(self, request, *args, **kwargs):
        from bookclub import offers  # it reads the models this module helps define

        context = super().get_context(request, *args, **kwargs)
        context["groups"] = offers.open_offers_by_kind(request=request)
        return context


class PlanPage(Page):
    """What one plan is, what it costs, how it works, this and next month's picks, and Join."""

    plan = models.OneToOneField("bookclub.Plan", on_delete=models.PROTECT, related_name="page")
    introduction = models.TextField(blank=True, help_text="A sentence or two under the plan's name.")
    how_it_works = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text="Left empty, the page explains how this kind of plan works in the club's own words.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("plan"),
        FieldPanel("introduction"),
        FieldPanel("how_it_works"),
    ]
    base_form_class = PlanPageForm
    parent_page_types = ["bookclub.PlansIndexPage"]
    subpage_types = ["bookclub.MonthlySelectionPage"]

    class Meta:
        verbose_name = "plan page"

    def get_context(self, request, *args, **kwargs):
        from bookclub import offers, selections  # they read the models this module helps define

        context = super().get_context(request, *args, **kwargs)
        plan = offers.plan_with_price(self.plan_id)
        this_month = months.month_of(months.london_today())
        next_month = months.add_months(this_month, 1)
        live = {entry.month: entry for entry in selections.live_months(plan, [this_month, next_month])}
        context.update(
            offer=offers.offer_for(plan, request=request),
            month_sections=[
                ("This month", this_month, live.get(this_month)),
                ("Next month", next_month, live.get(next_month)),
            ],
            earlier_selections=self.earlier_selections(this_month),
        )
        return context

    def earlier_selections(self, before: date, *, limit: int = 6):
        """The live selections of the months before ``before``, newest first (one query)."""
        return (
            MonthlySelectionPage.objects.live()
            .filter(plan_id=self.plan_id, month__lt=before)
            .only("id", "title", "month", "url_path", "path", "depth", "slug")
            .order_by("-month")[:limit]
        )


class MonthlySelectionPage(Page):
    """The titles of one plan for one month, chosen by an editor, in order (R-S2).

    ``plan`` repeats the parent page's plan so that "the live selection of plan P for month M"
    is one indexed query; it is filled from the parent and cannot differ from it. ``month`` is
    the first day of the month and is fixed once the selection exists.
    """

    plan = models.ForeignKey(
        "bookclub.Plan", on_delete=models.PROTECT, related_name="selections", editable=False
    )
    month = models.DateField(help_text="The month these titles are for (its first day).")
    introduction = models.TextField(blank=True, help_text="A few words from the editors about the month.")

    content_panels = Page.content_panels + [
        FieldPanel("month"),
        FieldPanel("introduction"),
        InlinePanel(
            "picks",
            label="Pick",
            heading="Picks, in order",
            min_num=1,
            help_text=(
                "Paperback plans: exactly the plan's books a month, paperbacks that can be ordered now "
                "and are published by the 1st. eBook plans: exactly the plan's most titles a month, "
                "eBooks published by the 1st; members get the first titles in this order."
            ),
        ),
    ]
    base_form_class = MonthlySelectionForm
    parent_page_types = ["bookclub.PlanPage"]
    subpage_types = []

    class Meta:
        verbose_name = "monthly selection"
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_selection_per_plan_and_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="selection_month_is_its_first_day"),
        ]

    def clean(self):
        if self.month:
            self.month = months.month_of(self.month)
        super().clean()

    @cached_property
    def is_frozen(self) -> bool:
        return selection_rules.is_frozen(self)

    def publish(self, revision, user=None, changed=True, log_action=True, previous_revision=None, **kwargs):
        """Publish as Wagtail does, except over a frozen selection: a revision scheduled to go live
        after the month began is called off and the refusal is written in the page's history, so
        ``publish_scheduled`` carries on with the other pages."""
        if selection_rules.is_frozen(self):
            if revision.approved_go_live_at is not None:
                revision.approved_go_live_at = None
                revision.save(update_fields=["approved_go_live_at"])
            log(instance=self, action=FROZEN_LOG_ACTION, user=user, revision=revision)
            logger.warning("Refused to publish revision %s of frozen selection %s", revision.pk, self.pk)
            return None
        return super().publish(
            revision,
            user=user,
            changed=changed,
            log_action=log_action,
            previous_revision=previous_revision,
            **kwargs,
        )

    def get_context(self, request, *args, **kwargs):
        from bookclub import selections  # it reads the models this module helps define

        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            # A preview shows the revision being edited, whose picks are not in the database yet.
            context["picks"] = [
                selections.Pick(position=n, product_id=pick.product_id, product=pick.product, note=pick.note)
                for n, pick in enumerate(self.picks.all(), start=1)
            ]
        else:
            context["picks"] = selections.picks_of(self)
        return context


class SelectionPick(Orderable):
    """One title of a month's selection, with the editor's note on why."""

    selection = ParentalKey(MonthlySelectionPage, on_delete=models.CASCADE, related_name="picks")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(
        blank=True, max_length=600, help_text="Why the editors chose it, in a line or two."
    )

    panels = [FieldPanel("product", widget=book_chooser_viewset.widget_class), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "pick"
