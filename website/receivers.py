"""Keep cached navigation in step with what editors change."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from website import navigation
from website.models import FooterSettings, NavigationSettings


def forget_navigation(**kwargs):
    navigation.forget()


def connect():
    for model in (NavigationSettings, FooterSettings):
        post_save.connect(forget_navigation, sender=model, dispatch_uid=f"nav-save-{model.__name__}")
        post_delete.connect(forget_navigation, sender=model, dispatch_uid=f"nav-del-{model.__name__}")
    page_published.connect(forget_navigation, dispatch_uid="nav-page-published")
    page_unpublished.connect(forget_navigation, dispatch_uid="nav-page-unpublished")
    post_page_move.connect(forget_navigation, dispatch_uid="nav-page-moved")
