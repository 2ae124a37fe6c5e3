"""The editors' pages of the club (R-S2, R-U1): the plans index, a page per plan, and under each
plan a dated selection of the month's titles.

A selection is a Wagtail page, so it has Wagtail's revisions, previews and scheduled publishing:
an editor prepares next month's picks as a draft and schedules them to go live. The picks in the
database are always those of the *live* revision (Wagtail writes a page's inline rows only when
a revision is published), which is what subscribers see and what the monthly run reads; once a
live selection's month has begun it is frozen (``bookclub.selections``).
"""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


class PlansIndexPage(Page):
    """The club's front door: every plan open to new members, with what it costs."""

    introduction = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["bookclub.PlanPage"]
    max_count = 1

    class Meta:
        verbose_name = "plans index page"


class PlanPage(Page):
    """What one plan is, what it costs, how it works, this and next month's picks, and Join."""

    plan = models.OneToOneField("bookclub.Plan", on_delete=models.PROTECT, related_name="page")
    introduction = models.TextField(blank=True, help_text="A sentence or two under the plan's name.")
    how_it_works = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [
        FieldPanel("plan"),
        FieldPanel("introduction"),
        FieldPanel("how_it_works"),
    ]
    parent_page_types = ["bookclub.PlansIndexPage"]
    subpage_types = ["bookclub.MonthlySelectionPage"]

    class Meta:
        verbose_name = "plan page"


class MonthlySelectionPage(Page):
    """The titles of one plan for one month, chosen by an editor, in order (R-S2).

    ``plan`` repeats the parent page's plan so that "the live selection of plan P for month M"
    is one indexed query; it is filled from the parent and cannot differ from it.
    """

    plan = models.ForeignKey(
        "bookclub.Plan", on_delete=models.PROTECT, related_name="selections", editable=False
    )
    month = models.DateField(help_text="The month these titles are for (its first day).")
    introduction = models.TextField(blank=True, help_text="A few words from the editors about the month.")

    content_panels = Page.content_panels + [
        FieldPanel("month"),
        FieldPanel("introduction"),
        InlinePanel("picks", label="Picks", min_num=1),
    ]
    parent_page_types = ["bookclub.PlanPage"]
    subpage_types = []

    class Meta:
        verbose_name = "monthly selection"
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_selection_per_plan_and_month"),
        ]


class SelectionPick(Orderable):
    """One title of a month's selection, with the editor's note on why."""

    selection = ParentalKey(MonthlySelectionPage, on_delete=models.CASCADE, related_name="picks")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(
        blank=True, max_length=600, help_text="Why the editors chose it, in a line or two."
    )

    panels = [FieldPanel("product"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "pick"
