"""The book club's rows in the Django admin (superusers only): to look, not to edit. Every
change goes through bookclub.lifecycle; order admins get their own dashboard screens."""

from django.contrib import admin

from bookclub.models import (
    DiscountClaim,
    Plan,
    Subscription,
    SubscriptionEmail,
    SubscriptionEvent,
    SubscriptionMonth,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = [
        "product",
        "kind",
        "term_months",
        "books_per_month",
        "default_titles",
        "is_open_to_new_members",
        "withdrawn_at",
    ]
    list_filter = ["kind", "is_open_to_new_members"]
    search_fields = ["product__title"]


class SubscriptionEventInline(admin.TabularInline):
    model = SubscriptionEvent
    fields = ["created_at", "action", "from_state", "to_state", "actor", "by", "reason", "note", "details"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SubscriptionMonthInline(admin.TabularInline):
    model = SubscriptionMonth
    fields = ["month", "skipped", "ebook_titles", "changed_by", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "plan", "state", "started_at", "next_order_on", "renews_on"]
    list_filter = ["state", "plan__kind", "plan"]
    search_fields = ["customer__email", "customer__last_name", "plan__product__title"]
    list_select_related = ["customer", "plan__product"]
    raw_id_fields = ["customer"]
    exclude = ["card_fingerprint"]
    inlines = [SubscriptionMonthInline, SubscriptionEventInline]
    date_hierarchy = "created_at"


@admin.register(SubscriptionEvent)
class SubscriptionEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subscription", "action", "from_state", "to_state", "actor", "by"]
    list_filter = ["action", "actor", "to_state"]
    list_select_related = ["subscription__plan__product", "by"]
    date_hierarchy = "created_at"


@admin.register(SubscriptionEmail)
class SubscriptionEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "code", "event", "sent_at", "skipped"]
    list_filter = ["code", "skipped"]


@admin.register(DiscountClaim)
class DiscountClaimAdmin(ReadOnlyAdmin):
    """Only when each claim was made: the hashes mean nothing to a person."""

    list_display = ["id", "claimed_at"]
    fields = ["claimed_at"]
    date_hierarchy = "claimed_at"
