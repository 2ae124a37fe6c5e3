from django.contrib.admin import AdminSite


class SuperuserAdminSite(AdminSite):
    site_header = "The Bookclub: system administration"

    def has_permission(self, request):
        # Staff status opens Oscar's dashboard to order admins; this raw data editor
        # stays with superusers (R-U2).
        return request.user.is_active and request.user.is_superuser
