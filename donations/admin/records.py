"""Monthly plans and Stripe events, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import money

from ..models import RecurringPlan, WebhookEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecurringPlan)
class RecurringPlanAdmin(ReadOnlyAdmin):
    list_display = [
        "stripe_subscription_id",
        "donor_name",
        "donor_email",
        "monthly",
        "frequency",
        "status",
        "campaign",
        "started_at",
    ]
    list_filter = ["status", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign"]
    search_fields = ["donor_name", "donor_email", "=stripe_subscription_id", "=stripe_customer_id"]
    show_full_result_count = False

    @admin.display(description=_("amount each time"), ordering="amount_cents")
    def monthly(self, obj):
        return money.format_cents(obj.amount_cents)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["stripe_event_id", "type", "status", "attempts", "created_at"]
    list_filter = ["status", "type"]
    search_fields = ["=stripe_event_id"]
    show_full_result_count = False
