"""The editorial site: home page, standard content pages, navigation and footer settings."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index


class LinkBlock(blocks.StructBlock):
    """A labelled link to a page of the site or to any URL (for shop pages such as /books/)."""

    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, max_length=255, help_text="Used when no page is chosen.")

    class Meta:
        icon = "link"
        template = "includes/blocks/link.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="includes/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock()
    quote = blocks.BlockQuoteBlock()


class HomePage(Page):
    """The front page: a welcome, the editors' featured books and the newest titles."""

    hero_heading = models.CharField(max_length=120)
    hero_text = models.TextField(blank=True)
    hero_link = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_link_label = models.CharField(max_length=40, blank=True)
    body = StreamField(BodyBlock(), blank=True)
    new_releases_count = models.PositiveSmallIntegerField(default=8)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_link"),
                FieldPanel("hero_link_label"),
            ],
            heading="Welcome",
        ),
        InlinePanel("featured_books", label="Featured books", max_num=8),
        FieldPanel("new_releases_count"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text")]
    max_count = 1
    subpage_types = ["website.StandardPage", "website.SectionPage", "bookclub.PlansIndexPage"]

    def get_context(self, request, *args, **kwargs):
        from shop.catalogue import listing  # catalogue models load after ours

        context = super().get_context(request, *args, **kwargs)
        featured_ids = [item.product_id for item in self.featured_books.all()]
        context["featured_cards"], context["new_release_cards"] = listing.chosen_and_newest(
            featured_ids, newest_limit=self.new_releases_count, request=request
        )
        return context


class HomePageFeaturedBook(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_books")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("product")]


class SectionPage(Page):
    """A page that groups others (e.g. 'About', 'Legal') and lists its children."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["website.StandardPage", "website.SectionPage", "legal.LegalPage"]


class StandardPage(Page):
    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = []


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """The header menu, edited by editors (Settings > Navigation)."""

    primary_links = StreamField([("link", LinkBlock())], blank=True)

    panels = [FieldPanel("primary_links")]

    class Meta:
        verbose_name = "navigation"


@register_setting(icon="doc-full")
class FooterSettings(BaseSiteSetting):
    """The footer: the legal links every page carries, contact details and a short note."""

    legal_links = StreamField([("link", LinkBlock())], blank=True)
    help_links = StreamField([("link", LinkBlock())], blank=True)
    contact_email = models.EmailField(blank=True)
    note = models.CharField(max_length=255, blank=True)

    panels = [
        FieldPanel("legal_links"),
        FieldPanel("help_links"),
        FieldPanel("contact_email"),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = "footer"
