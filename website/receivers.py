"""Keep cached navigation and cached pages in step with what editors and admins change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.core.loading import get_model
from wagtail.signals import page_published, page_unpublished, post_page_move

from website import navigation, page_cache
from website.models import FooterSettings, NavigationSettings

# What a cached page shows: books, their stock and prices, and pages.
CATALOGUE_MODELS = [
    ("catalogue", "Product"),
    ("catalogue", "Work"),
    ("catalogue", "Author"),
    ("catalogue", "Series"),
    ("catalogue", "ProductImage"),
    ("partner", "StockRecord"),
    # Delivery rules: the delivery page and book pages show them (R-D1).
    ("shipping", "WeightBased"),
    ("shipping", "WeightBand"),
    ("address", "Country"),
    # Plans: a plan closed to new members or withdrawn changes its page and the plans index.
    ("bookclub", "Plan"),
]


def forget_navigation(**kwargs):
    # The links are on every page: both go.
    navigation.LINKS.bump()
    page_cache.PAGES.bump()


def forget_pages(**kwargs):
    page_cache.PAGES.bump()


def connect():
    for model in (NavigationSettings, FooterSettings):
        post_save.connect(forget_navigation, sender=model, dispatch_uid=f"nav-save-{model.__name__}")
        post_delete.connect(forget_navigation, sender=model, dispatch_uid=f"nav-del-{model.__name__}")
    page_published.connect(forget_navigation, dispatch_uid="nav-page-published")
    page_unpublished.connect(forget_navigation, dispatch_uid="nav-page-unpublished")
    post_page_move.connect(forget_navigation, dispatch_uid="nav-page-moved")
    for app_label, model_name in CATALOGUE_MODELS:
        model = get_model(app_label, model_name)
        post_save.connect(forget_pages, sender=model, dispatch_uid=f"pages-save-{model_name}")
        post_delete.connect(forget_pages, sender=model, dispatch_uid=f"pages-del-{model_name}")
    countries = get_model("shipping", "WeightBased").countries.through
    m2m_changed.connect(forget_pages, sender=countries, dispatch_uid="pages-shipping-countries")
