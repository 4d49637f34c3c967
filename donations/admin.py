"""
Minimal, read-only admin for gifts, plans and Stripe events. The staff admin (offline gifts,
exports, refunds, receipts) is built in its own issue; nothing here may change an amount.
"""

from django.contrib import admin

from .models import Gift, RecurringPlan, WebhookEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Gift)
class GiftAdmin(ReadOnlyAdmin):
    list_display = ["pk", "campaign", "amount_cents", "fee_cents", "refunded_cents", "status", "frequency", "paid_at"]
    list_filter = ["status", "frequency", "source", "campaign"]
    search_fields = ["donor_email", "donor_name", "stripe_checkout_session_id", "stripe_payment_intent_id"]
    date_hierarchy = "created_at"


@admin.register(RecurringPlan)
class RecurringPlanAdmin(ReadOnlyAdmin):
    list_display = ["stripe_subscription_id", "campaign", "amount_cents", "status", "donor_email", "started_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["donor_email", "stripe_subscription_id", "stripe_customer_id"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["stripe_event_id", "type", "status", "attempts", "created_at"]
    list_filter = ["status", "type"]
    search_fields = ["stripe_event_id"]
