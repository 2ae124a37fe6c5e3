from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Website"

    def ready(self):
        from website import receivers

        receivers.connect()


class BookclubAdminConfig(AdminConfig):
    """Django's admin, for superusers only: editors and order admins have their own tools."""

    default_site = "website.admin_site.SuperuserAdminSite"
