from django.contrib import admin

from legal.privacy.models import ConsentRecord, MarketingPreferences


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Proof of what readers agreed to: readable, never editable (R-A4)."""

    list_display = [
        "created_at",
        "consent_id",
        "user",
        "functional",
        "analytics",
        "global_privacy_control",
        "source",
    ]
    list_filter = ["analytics", "functional", "global_privacy_control", "source"]
    search_fields = ["consent_id", "user__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MarketingPreferences)
class MarketingPreferencesAdmin(admin.ModelAdmin):
    """Customers set these themselves (R-A2); staff only look."""

    list_display = ["user", "newsletter", "catalogue_mailings", "special_offers", "updated_at"]
    list_filter = ["newsletter", "catalogue_mailings", "special_offers"]
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
