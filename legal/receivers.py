"""Wagtail's publishing drives the versions; each receiver calls one rule."""

from django.db.models.signals import post_save
from wagtail.models import Revision
from wagtail.signals import page_published

from legal import notices, scheduling, versions
from legal.models import LegalPage


def version_published(sender, instance, revision, **kwargs):
    # Wagtail also sends page_published when it schedules a page that has never been live.
    if instance.live and instance.live_revision_id == revision.pk:
        versions.record_publication(instance, revision)
        scheduling.keep_schedule(instance, revision)


def significant_version_published(sender, instance, revision, **kwargs):
    notices.announce_if_significant(revision)


def significant_version_scheduled(sender, instance, created, **kwargs):
    # Wagtail marks a revision scheduled by saving it with approved_go_live_at set.
    if instance.approved_go_live_at is not None:
        notices.announce_if_significant(instance)
        scheduling.edit_from_version_in_force(instance)


def connect():
    for model in [LegalPage, *LegalPage.__subclasses__()]:
        page_published.connect(
            version_published, sender=model, dispatch_uid=f"legal-version-{model.__name__}"
        )
        page_published.connect(
            significant_version_published, sender=model, dispatch_uid=f"legal-notice-{model.__name__}"
        )
    post_save.connect(significant_version_scheduled, sender=Revision, dispatch_uid="legal-notice-scheduled")
