"""
Staff review of fundraisers' pages: approve, hide or close them (pages are pre-moderated: a story
may mention a patient), edit them, and see each page's and team's total and donors; Development
staff export them with their contact details and email every fundraiser of a campaign.
"""

import csv
import io
import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from campaign.admin import PublicPagesAdminMixin
from core import money
from core.spreadsheet import dollars, neutralise
from donations import selectors as donations_selectors

from .models import Fundraiser, Team
from .services import fundraiser_save, fundraiser_set_status

log = logging.getLogger(__name__)

# (singular, plural), translated by ngettext when the message is shown.
APPROVED_MESSAGES = ("%(count)d page approved.", "%(count)d pages approved.")
HIDDEN_MESSAGES = ("%(count)d page hidden.", "%(count)d pages hidden.")
CLOSED_MESSAGES = ("%(count)d page closed.", "%(count)d pages closed.")
MESSAGED_MESSAGES = (
    "Your email is on its way to %(count)d fundraiser.",
    "Your email is on its way to %(count)d fundraisers.",
)

EXPORT_COLUMNS = [
    _("Campaign"),
    _("Title"),
    _("Fundraiser"),
    _("Email"),
    _("Team"),
    _("Status"),
    _("Goal"),
    _("Raised"),
    _("Gifts"),
    _("Donors"),
    _("Ends on"),
    _("Created"),
    _("Page"),
]


TEAM_EXPORT_COLUMNS = [
    _("Campaign"),
    _("Team"),
    _("Fundraisers"),
    _("Goal"),
    _("Raised"),
    _("Donors"),
    _("Page"),
]


def _csv_response(*, header, rows, filename: str) -> HttpResponse:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([gettext(str(column)) for column in header])
    writer.writerows(rows)
    response = HttpResponse(output.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


class FundraiserMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Each fundraiser gets their own email, with a link to their page."),
    )


def _enqueue_staff_messages(*, ids: list[int], subject: str, body: str) -> None:
    from .tasks import fundraiser_send_staff_message

    for fundraiser_id in ids:
        fundraiser_send_staff_message.enqueue(fundraiser_id=fundraiser_id, subject=subject, body=body)


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
    list_display = [
        "title",
        "display_name",
        "owner_email",
        "campaign",
        "team",
        "status",
        "raised",
        "goal",
        "donors",
        "ends_on",
        "created_at",
    ]
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
        "export_csv",
        "message_fundraisers",
    ]

    def get_changelist_instance(self, request):
        # Each listed page's donors, in one query for the whole list (gifts are read through selectors).
        changelist = super().get_changelist_instance(request)
        counts = donations_selectors.fundraiser_donor_counts(fundraiser_ids=[obj.pk for obj in changelist.result_list])
        for obj in changelist.result_list:
            obj.donor_total = counts.get(obj.pk, 0)
        return changelist

    @admin.display(description=_("donors"))
    def donors(self, obj):
        if not hasattr(obj, "donor_total"):
            obj.donor_total = donations_selectors.fundraiser_donor_counts(fundraiser_ids=[obj.pk]).get(obj.pk, 0)
        return obj.donor_total

    def has_export_permission(self, request):
        return request.user.has_perm("fundraisers.export_fundraiser")

    def has_message_permission(self, request):
        return request.user.has_perm("fundraisers.message_fundraisers")

    @admin.action(description=_("Export the selected fundraisers (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        rows = list(queryset.select_related("campaign", "team", "tally").order_by("campaign_id", "pk"))
        counts = donations_selectors.fundraiser_donor_counts(fundraiser_ids=[obj.pk for obj in rows])
        table = []
        for obj in rows:
            tally = getattr(obj, "tally", None)
            table.append(
                [
                    neutralise(obj.campaign.title),
                    neutralise(obj.title),
                    neutralise(obj.display_name),
                    neutralise(obj.owner_email),
                    neutralise(obj.team.name if obj.team else ""),
                    obj.get_status_display(),
                    dollars(obj.goal_cents),
                    dollars(tally.raised_cents if tally else 0),
                    str(tally.gift_count if tally else 0),
                    str(counts.get(obj.pk, 0)),
                    obj.ends_on.isoformat() if obj.ends_on else "",
                    timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M"),
                    settings.SITE_URL + obj.get_absolute_url(),
                ]
            )
        # Who exported how many: never a fundraiser's details.
        log.info("Fundraiser export by user %s: %s fundraisers", request.user.pk, len(rows))
        return _csv_response(header=EXPORT_COLUMNS, rows=table, filename="fundraisers")

    @admin.action(description=_("Email the selected fundraisers"), permissions=["message"])
    def message_fundraisers(self, request, queryset):
        """A confirmation page with the message; sent (one task each) once staff press Send."""
        form = FundraiserMessageForm(request.POST if request.POST.get("send") else None)
        if form.is_bound and form.is_valid():
            ids = list(queryset.values_list("pk", flat=True))
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            transaction.on_commit(lambda: _enqueue_staff_messages(ids=ids, subject=subject, body=body), robust=True)
            log.info("Fundraiser message by user %s to %s fundraisers", request.user.pk, len(ids))
            self.message_user(request, ngettext(*MESSAGED_MESSAGES, len(ids)) % {"count": len(ids)}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Email the selected fundraisers"),
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset.select_related("campaign"),
            "count": queryset.count(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/fundraisers/fundraiser/message.html", context)

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
    list_display = ["name", "campaign", "member_count", "raised", "goal", "donors"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["export_csv"]

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

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        counts = donations_selectors.team_donor_counts(team_ids=[obj.pk for obj in changelist.result_list])
        for obj in changelist.result_list:
            obj.donor_total = counts.get(obj.pk, 0)
        return changelist

    @admin.display(description=_("donors"))
    def donors(self, obj):
        if not hasattr(obj, "donor_total"):
            obj.donor_total = donations_selectors.team_donor_counts(team_ids=[obj.pk]).get(obj.pk, 0)
        return obj.donor_total

    @admin.display(description=_("goal"), ordering="goal_cents")
    def goal(self, obj):
        return money.format_cents(obj.goal_cents) if obj.goal_cents else "—"

    @admin.display(description=_("fundraisers"), ordering="members_total")
    def member_count(self, obj):
        return obj.members_total

    @admin.display(description=_("raised"), ordering="raised_total")
    def raised(self, obj):
        return money.format_cents(obj.raised_total)

    def has_export_permission(self, request):
        return request.user.has_perm("fundraisers.export_fundraiser")

    @admin.action(description=_("Export the selected teams (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        teams = list(queryset.order_by("campaign_id", "pk"))
        counts = donations_selectors.team_donor_counts(team_ids=[team.pk for team in teams])
        table = [
            [
                neutralise(team.campaign.title),
                neutralise(team.name),
                str(team.members_total),
                dollars(team.goal_cents) if team.goal_cents else "",
                dollars(team.raised_total),
                str(counts.get(team.pk, 0)),
                settings.SITE_URL + team.get_absolute_url(),
            ]
            for team in teams
        ]
        log.info("Team export by user %s: %s teams", request.user.pk, len(teams))
        return _csv_response(header=TEAM_EXPORT_COLUMNS, rows=table, filename="teams")
