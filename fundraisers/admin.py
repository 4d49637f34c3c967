"""
Staff review of fundraisers' pages: approve, hide or close them (pages are pre-moderated: a story
may mention a patient), edit them, and see each page's and team's total.
"""

from django.contrib import admin, messages
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.admin import PublicPagesAdminMixin
from core import money

from .models import Fundraiser, Team
from .services import fundraiser_save, fundraiser_set_status

# (singular, plural), translated by ngettext when the message is shown.
APPROVED_MESSAGES = ("%(count)d page approved.", "%(count)d pages approved.")
HIDDEN_MESSAGES = ("%(count)d page hidden.", "%(count)d pages hidden.")
CLOSED_MESSAGES = ("%(count)d page closed.", "%(count)d pages closed.")


def _status_action(status: str, description, done: tuple[str, str]):
    def action(modeladmin, request, queryset):
        changed = 0
        for fundraiser in queryset.exclude(status=status).select_related("campaign"):
            fundraiser_set_status(fundraiser=fundraiser, status=status)
            changed += 1
        modeladmin.message_user(request, ngettext(*done, changed) % {"count": changed}, messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Fundraiser)
class FundraiserAdmin(admin.ModelAdmin):
    list_display = ["title", "display_name", "campaign", "team", "status", "raised", "goal", "ends_on", "created_at"]
    list_filter = ["status", ("campaign", admin.RelatedOnlyFieldListFilter), ("team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign", "team", "tally"]
    search_fields = ["title", "display_name", "owner_email", "slug"]
    readonly_fields = ["share_consent", "share_consent_at", "approved_at", "created_at", "updated_at", "raised"]
    autocomplete_fields = ["team"]
    fields = [
        "campaign",
        "team",
        "status",
        "title",
        "slug",
        "display_name",
        "owner_email",
        "story",
        "photo",
        "photo_alt",
        "goal_cents",
        "ends_on",
        "raised",
        "share_consent",
        "share_consent_at",
        "approved_at",
        "created_at",
        "updated_at",
    ]
    actions = [
        _status_action(Fundraiser.Status.APPROVED, _("Approve the selected pages"), APPROVED_MESSAGES),
        _status_action(Fundraiser.Status.HIDDEN, _("Hide the selected pages"), HIDDEN_MESSAGES),
        _status_action(Fundraiser.Status.CLOSED, _("Close the selected pages"), CLOSED_MESSAGES),
    ]

    @admin.display(description=_("raised"))
    def raised(self, obj):
        tally = getattr(obj, "tally", None) if obj.pk else None
        return money.format_cents(tally.raised_cents if tally else 0)

    @admin.display(description=_("goal"), ordering="goal_cents")
    def goal(self, obj):
        return money.format_cents(obj.goal_cents)

    def save_model(self, request, obj, form, change):
        fundraiser_save(fundraiser=obj)


@admin.register(Team)
class TeamAdmin(PublicPagesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "campaign", "member_count", "raised"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("campaign")
            .annotate(
                raised_total=Coalesce(Sum("members__tally__raised_cents"), 0),
                members_total=Count("members", distinct=True),
            )
        )

    @admin.display(description=_("fundraisers"), ordering="members_total")
    def member_count(self, obj):
        return obj.members_total

    @admin.display(description=_("raised"), ordering="raised_total")
    def raised(self, obj):
        return money.format_cents(obj.raised_total)
