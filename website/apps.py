from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Website"

    def ready(self):
        from django.db.models.signals import post_migrate

        from website import receivers, sites

        receivers.connect()
        # After every app's migrations, the Site rows (and their defaults) exist.
        post_migrate.connect(sites.sync_sites, sender=self, dispatch_uid="website-sync-sites")


class BookclubAdminConfig(AdminConfig):
    """Django's admin, for superusers only: editors and order admins have their own tools."""

    default_site = "website.admin_site.SuperuserAdminSite"
