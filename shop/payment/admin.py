from django.contrib import admin
from oscar.apps.payment.admin import *

from shop.payment.models import CheckoutPayment, Refund, StripeEvent


@admin.register(CheckoutPayment)
class CheckoutPaymentAdmin(admin.ModelAdmin):
    list_display = ["payment_intent_id", "order_number", "amount", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["payment_intent_id", "order_number", "guest_email"]
    readonly_fields = [f.name for f in CheckoutPayment._meta.fields]


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["stripe_id", "type", "object_id", "received_at", "processed_at", "outcome"]
    list_filter = ["type", "outcome"]
    search_fields = ["stripe_id", "object_id"]
    readonly_fields = [f.name for f in StripeEvent._meta.fields]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["order", "checkout_payment", "kind", "amount", "status", "stripe_refund_id", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Refund._meta.fields]
