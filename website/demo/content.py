"""Demo pages and site settings, written for this club; created once, never overwritten."""

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from website.demo.legal import seed_legal_pages
from website.models import (
    FooterSettings,
    HomePage,
    HomePageFeaturedBook,
    NavigationSettings,
    SectionPage,
    StandardPage,
)

HOME = {
    "title": "Home",
    "hero_heading": "Good books, chosen by readers who love them",
    "hero_text": (
        "Paperbacks and eBooks from independent voices and old favourites, with a monthly pick "
        "from our editors for members. Delivered across the UK and most of the world."
    ),
    "hero_link_label": "How the club works",
}

PAGES = {
    "how-it-works": (
        "How the club works",
        "Buy any book on its own, or join a plan and let our editors choose for you each month.",
        [
            ("heading", "Buying a book"),
            (
                "paragraph",
                "<p>Pick a paperback or an eBook, check out, and we email you a confirmation once "
                "your payment has gone through. Paperbacks are posted from our warehouse; eBooks "
                "appear on your eBookshelf straight away.</p>",
            ),
            ("heading", "Joining a plan"),
            (
                "paragraph",
                "<p>Plans bring you the editors' choice every month, in paperback or as eBooks. "
                "You can stop renewal or cancel future months from My Account whenever you like.</p>",
            ),
        ],
    ),
    "about": (
        "About the club",
        "A small team of booksellers and editors who still read every book we recommend.",
        [
            (
                "paragraph",
                "<p>We started the club to share the books we kept recommending to friends. "
                "Every month our editors pick a handful of titles; members get them first.</p>",
            ),
        ],
    ),
}


def _child(parent: Page, slug: str, make):
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific, False
    page = parent.add_child(instance=make())
    page.save_revision().publish()
    return page, True


@transaction.atomic
def seed_pages(*, featured_product_ids: list[int]) -> int:
    """Home page, content pages, the legal documents, navigation and footer. Returns pages created."""
    created = 0
    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        welcome = site.root_page
        if welcome.slug == "home":  # Wagtail's welcome page holds the slug we want
            welcome.slug = "welcome-placeholder"
            welcome.save(update_fields=["slug"])
        home = root.add_child(instance=HomePage(slug="home", **HOME))
        for position, product_id in enumerate(featured_product_ids):
            HomePageFeaturedBook.objects.create(page=home, product_id=product_id, sort_order=position)
        home.save_revision().publish()
        site.root_page = home
        site.site_name = "The Bookclub"
        site.save()
        if welcome.specific_class is Page:
            welcome.delete()
        created += 1

    pages = {}
    for slug, (title, intro, body) in PAGES.items():
        pages[slug], new = _child(
            home,
            slug,
            lambda s=slug, t=title, i=intro, b=body: StandardPage(title=t, slug=s, intro=i, body=b),
        )
        created += new
    if not home.hero_link_id:
        home.hero_link = pages["how-it-works"]
        home.save_revision().publish()

    legal, new = _child(
        home,
        "legal",
        lambda: SectionPage(
            title="Legal", slug="legal", intro="<p>The documents that govern your orders and your data.</p>"
        ),
    )
    created += new
    legal_pages, new = seed_legal_pages(legal, today=timezone.localdate())
    created += new

    navigation = NavigationSettings.for_site(site)
    if not navigation.primary_links:
        navigation.primary_links = [
            ("link", {"label": "All books", "page": None, "url": "/books/"}),
            ("link", {"label": "New releases", "page": None, "url": "/books/?sort=newest"}),
            ("link", {"label": "Paperbacks", "page": None, "url": "/books/?format=paperback"}),
            ("link", {"label": "eBooks", "page": None, "url": "/books/?format=ebook"}),
            ("link", {"label": "How the club works", "page": pages["how-it-works"], "url": ""}),
            ("link", {"label": "About", "page": pages["about"], "url": ""}),
        ]
        navigation.save()
    footer = FooterSettings.for_site(site)
    if not footer.legal_links or any(link.value["page"] is None for link in footer.legal_links):
        footer.legal_links = [
            ("link", {"label": page.title, "page": page, "url": ""}) for page in legal_pages.values()
        ]
        footer.help_links = [
            ("link", {"label": "How the club works", "page": pages["how-it-works"], "url": ""}),
            ("link", {"label": "About us", "page": pages["about"], "url": ""}),
        ]
        footer.contact_email = "hello@bookclub.test"
        footer.note = "An independent club of readers and booksellers in the UK."
        footer.save()
    return created
