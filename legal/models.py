"""Legal documents as Wagtail pages whose published revisions are the versions (R-L1, R-L3, R-L4).

A version IS a published ``wagtailcore.Revision`` of a ``LegalPage``. ``LegalVersion`` does not
copy any text: it only numbers each revision at the moment it went live, so that version 3 of
the Terms is version 3 forever and its URL never changes (see docs/legal.md).
"""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail import blocks
from wagtail.actions.publish_revision import PublishPermissionError
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.locks import ScheduledForPublishLock
from wagtail.models import LockableMixin, Page
from wagtail.search import index

from legal.panels import PublishingRulesPanel

# How long before a significant change takes effect subscribers must hear about it (R-L4).
SIGNIFICANT_CHANGE_NOTICE_DAYS = 14


class LegalKind(models.TextChoices):
    TERMS = "terms", "Terms and Conditions of Sale"
    PRIVACY = "privacy", "Privacy Policy"
    WEBSITE_TERMS = "website-terms", "Website Terms of Use"
    RETURNS = "returns", "Returns Policy"
    COOKIES = "cookies", "Cookie Policy"


TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class ClauseBlock(blocks.StructBlock):
    """One numbered clause; its number (e.g. 5.7) comes from its place in the document."""

    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    class Meta:
        icon = "pilcrow"
        label = "Clause"


class SectionBlock(blocks.StructBlock):
    """A headed, numbered section holding numbered clauses."""

    heading = blocks.CharBlock(max_length=120)
    intro = blocks.RichTextBlock(
        features=TEXT_FEATURES, required=False, help_text="Optional unnumbered text under the heading."
    )
    clauses = blocks.ListBlock(ClauseBlock(), min_num=0)

    class Meta:
        icon = "list-ol"
        label = "Section"


class LegalBodyBlock(blocks.StreamBlock):
    preamble = blocks.RichTextBlock(
        features=TEXT_FEATURES, icon="doc-full", help_text="Unnumbered text, e.g. before the first section."
    )
    section = SectionBlock()


class LegalPageForm(WagtailAdminPageForm):
    """Says, before anything is published, what R-L4 asks of this version (docs/legal.md)."""

    def clean(self):
        cleaned_data = super().clean()
        if self.is_deferred_validation or self.errors:
            return cleaned_data  # a draft is only saved; nothing goes live
        from legal import scheduling

        candidate = copy.copy(self.instance)
        for name in ["title", "intro", "body", "significant_change", "go_live_at"]:
            if name in cleaned_data:
                setattr(candidate, name, cleaned_data[name])
        reason = scheduling.form_refusal(candidate)
        if reason:
            self.add_error("significant_change", reason)
        elif scheduling.significance(candidate).significant:
            cleaned_data["significant_change"] = True  # carried changes are announced as such
        return cleaned_data


class LegalPage(RoutablePageMixin, Page):
    """A legal document. Each publish is a new version; every version stays public (R-L1)."""

    kind = models.CharField(max_length=20, choices=LegalKind.choices)
    intro = models.TextField(blank=True, help_text="A sentence or two on what this document covers.")
    effective_from = models.DateField(
        default=timezone.localdate,
        help_text="The day this version takes effect. For a later date, set the go-live date under "
        "'Publishing schedule' to the same day.",
    )
    change_summary = models.TextField(
        help_text="What is new in this version, in plain words. Shown on the list of versions and in "
        "the email to subscribers. For the first version, say so."
    )
    significant_change = models.BooleanField(
        default=False,
        help_text="Tick for changes to subscription dates, contact details or delivery services. "
        f"Every subscriber is emailed; schedule it at least {SIGNIFICANT_CHANGE_NOTICE_DAYS} days ahead.",
    )
    body = StreamField(LegalBodyBlock(), blank=True)

    content_panels = Page.content_panels + [
        PublishingRulesPanel(heading="Publishing this document"),
        FieldPanel("kind"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("effective_from"), FieldPanel("change_summary"), FieldPanel("significant_change")],
            heading="This version",
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    base_form_class = LegalPageForm
    parent_page_types = ["website.SectionPage"]
    subpage_types = []
    template = "legal/legal_page.html"

    class Meta:
        verbose_name = "legal document"

    def publish(self, revision, *args, **kwargs):
        # Every way of publishing (bulk action, workflow, publish_scheduled) passes the R-L4 check.
        from legal import scheduling

        try:
            scheduling.check_may_go_live(revision)
        except scheduling.MayNotGoLive as refusal:
            raise PublishPermissionError(str(refusal)) from refusal
        return super().publish(revision, *args, **kwargs)

    def get_lock(self):
        # A version waiting for its date does not lock the page: a fix may go live meanwhile and
        # is carried into the waiting version (legal.scheduling.keep_schedule).
        lock = super().get_lock()
        if isinstance(lock, ScheduledForPublishLock):
            return LockableMixin.get_lock(self)
        return lock

    def clean(self):
        super().clean()
        from legal import versions  # the rules live there; models stay declarative

        errors = versions.version_errors(self)
        if errors:
            raise ValidationError(errors)

    # Routes: the version in force, the list, each version, and what changed (R-L1).
    @path("")
    def in_force(self, request):
        from legal import views

        return views.in_force(request, self)

    @path("versions/")
    def version_list(self, request):
        from legal import views

        return views.version_list(request, self)

    @path("versions/<int:number>/")
    def version_detail(self, request, number):
        from legal import views

        return views.version_detail(request, self, number)

    @path("versions/compare/")
    def version_compare(self, request):
        from legal import views

        return views.version_compare(request, self)


class LegalVersion(models.Model):
    """The number and moment of one published revision of a legal page (R-L1).

    Written once, by the page_published receiver; never updated by the site. PROTECT keeps the
    revision (and so the text) from Wagtail's purge_revisions and from deletion.
    """

    page = models.ForeignKey(LegalPage, on_delete=models.PROTECT, related_name="versions")
    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.PROTECT, related_name="legal_version"
    )
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(help_text="When this version went live.")

    class Meta:
        ordering = ["page", "number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="legal_version_number_unique")]

    def __str__(self):
        return f"{self.page.title}, version {self.number}"


class SignificantChangeNotice(models.Model):
    """One email telling a subscriber about a significant change (R-L4); never sent twice."""

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "revision"], name="legal_notice_once_per_customer")
        ]

    def __str__(self):
        return f"Notice of revision {self.revision_id} to customer {self.customer_id}"
