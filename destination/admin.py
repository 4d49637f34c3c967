"""
Destination Care in the admin. Every class relies on Django's model permissions: only users whose
groups hold this app's permissions (the `Care coordinators` group, made by a migration) and
superusers see any of it.
"""

import datetime

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries
from django_countries.filters import CountryFilter
from simple_history.admin import SimpleHistoryAdmin

from core.cache import pages_invalidate_on_commit
from destination import services
from destination.apps import CARE_COORDINATORS_GROUP
from destination.models import (
    Airport,
    CareRequest,
    DestinationPage,
    PatientStory,
    ProcessStep,
    RequestCount,
    TeamRole,
)

# --- Page content -------------------------------------------------------------------------

SPANISH_PAGE_FIELDS = [
    "hero_heading",
    "hero_body",
    "why_heading",
    "why_body",
    "research_label",
    "research_caption",
    "team_heading",
    "team_intro",
    "process_heading",
    "process_intro",
    "stay_heading",
    "preparing_heading",
    "preparing_body",
    "getting_here_heading",
    "getting_here_body",
    "lodging_heading",
    "lodging_body",
    "form_heading",
    "form_intro",
    "form_notice",
]


class PatientStoryInline(admin.StackedInline):
    model = PatientStory
    extra = 0
    fields = [
        "position",
        "place",
        "title",
        "slug",
        "summary",
        "body",
        "url",
        "place_es",
        "title_es",
        "summary_es",
        "body_es",
    ]
    prepopulated_fields = {"slug": ["title"]}


class TeamRoleInline(admin.TabularInline):
    model = TeamRole
    extra = 0
    fields = ["position", "title", "description", "title_es", "description_es"]


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0
    fields = ["position", "title", "body", "title_es", "body_es"]


class AirportInline(admin.TabularInline):
    model = Airport
    extra = 0
    fields = [
        "position",
        "name",
        "location",
        "driving_time",
        "distance",
        "location_es",
        "driving_time_es",
        "distance_es",
    ]


@admin.register(DestinationPage)
class DestinationPageAdmin(admin.ModelAdmin):
    """Saves make the cached story pages stale (core.cache), the inline stories included."""

    inlines = [PatientStoryInline, TeamRoleInline, ProcessStepInline, AirportInline]
    fieldsets = [
        (None, {"fields": ["hero_heading", "hero_body"]}),
        (
            _("Why choose us (#whyconnecticutchildrens)"),
            {"fields": ["why_heading", "why_body", "research_count", "research_label", "research_caption"]},
        ),
        (_("Team (#team)"), {"fields": ["team_heading", "team_intro"]}),
        (_("Process (#process)"), {"fields": ["process_heading", "process_intro"]}),
        (
            _("Your stay (#stay)"),
            {
                "fields": [
                    "stay_heading",
                    "preparing_heading",
                    "preparing_body",
                    "preparing_url",
                    "getting_here_heading",
                    "getting_here_body",
                    "address",
                    "lodging_heading",
                    "lodging_body",
                ]
            },
        ),
        (_("Form (#form)"), {"fields": ["form_heading", "form_intro", "form_notice"]}),
        (
            _("Spanish (optional: where blank, Spanish readers see the English)"),
            {"fields": [f"{field}_es" for field in SPANISH_PAGE_FIELDS], "classes": ["collapse"]},
        ),
    ]

    def has_add_permission(self, request):
        # One page: edit it rather than add a second.
        return super().has_add_permission(request) and not DestinationPage.objects.exists()

    def save_related(self, request, form, formsets, change):
        # Called after the page itself is saved, with the inline stories: both are on cached pages.
        super().save_related(request, form, formsets, change)
        pages_invalidate_on_commit(content=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages_invalidate_on_commit(content=True)


# --- Inquiries and referrals --------------------------------------------------------------


class ReceivedFilter(admin.SimpleListFilter):
    title = _("received")
    parameter_name = "received"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("week", _("In the past 7 days")),
            ("month", _("8 to 30 days ago")),
            ("older", _("More than 30 days ago")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        now = timezone.now()
        week, month = now - datetime.timedelta(days=7), now - datetime.timedelta(days=30)
        match self.value():
            case "today":
                return queryset.filter(created_at__gte=today)
            case "week":
                return queryset.filter(created_at__gte=week)
            case "month":
                return queryset.filter(created_at__lt=week, created_at__gte=month)
            case "older":
                return queryset.filter(created_at__lt=month)
        return queryset


@admin.register(CareRequest)
class CareRequestAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "contact_name", "kind", "status", "specialty", "country", "received", "assigned_to"]
    list_filter = ["status", "kind", ("country", CountryFilter), ReceivedFilter, "specialty", "urgency"]
    list_select_related = ["assigned_to"]
    # What a coordinator has to hand on a call: a reference, a name, the child's initials, a country.
    search_fields = ["=reference", "=email", "contact_name", "practice", "patient_initials"]
    search_help_text = _(
        "Search by reference (DC-…), family or physician name, practice, child's initials, country or exact email."
    )
    date_hierarchy = None
    ordering = ["-created_at"]
    actions = ["erase_selected"]
    history_list_display = ["status", "assigned_to"]

    @admin.display(description=_("received"), ordering="created_at")
    def received(self, obj):
        # The day, not the minute: the list must fit a 1280-pixel screen (the minute is on the request).
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            obj.created_at.isoformat(),
            date_format(timezone.localtime(obj.created_at), "DATETIME_FORMAT"),
            date_format(timezone.localtime(obj.created_at), "DATE_FORMAT"),
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if len(term) >= 3:
            # Countries are stored as codes: "Brazil" (or "Brasil" in Spanish) finds BR.
            codes = [code for code, name in countries if term in str(name).lower()]
            if codes:
                results = results | queryset.filter(country__in=codes)
        return results, may_have_duplicates

    readonly_fields = [
        "reference",
        "kind",
        "created_at",
        "resolved_at",
        "contact_name",
        "practice",
        "email_link",
        "phone_link",
        "country",
        "preferred_contact",
        "preferred_language",
        "patient_initials",
        "age_display",
        "specialty",
        "urgency",
        "condition",
        "details",
        "consented_at",
    ]
    fieldsets = [
        (_("Triage"), {"fields": ["reference", "kind", "status", "assigned_to", "internal_notes"]}),
        (
            _("Sent by"),
            {
                "fields": [
                    "contact_name",
                    "practice",
                    "email_link",
                    "phone_link",
                    "country",
                    "preferred_contact",
                    "preferred_language",
                ]
            },
        ),
        (
            _("Request"),
            {"fields": ["patient_initials", "age_display", "specialty", "urgency", "condition", "details"]},
        ),
        (_("Record"), {"fields": ["created_at", "consented_at", "resolved_at"]}),
    ]

    @admin.display(description=_("email"))
    def email_link(self, obj):
        return format_html('<a href="mailto:{}">{}</a>', obj.email, obj.email)

    @admin.display(description=_("phone"))
    def phone_link(self, obj):
        if not obj.phone:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.phone.as_rfc3966, obj.phone.as_international)

    @admin.display(description=_("age"))
    def age_display(self, obj):
        return obj.age_display or "—"

    def has_add_permission(self, request):
        return False  # requests come from families and physicians through the page

    def revert_disabled(self, request, obj=None):
        # The history is a record of triage; a change goes through the change form (and so
        # through care_request_triage_save), never by restoring an old row.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":  # revert_disabled only hides the button
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        # Deleting would leave simple_history's copy behind; "Erase" removes both and keeps the count.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, groups__name=CARE_COORDINATORS_GROUP)
                .distinct()
                .order_by("first_name", "last_name", "username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.care_request_triage_save(care_request=obj)

    @admin.action(
        description=_("Erase the selected requests now (keeps only an anonymous count)"), permissions=["change"]
    )
    def erase_selected(self, request, queryset):
        erased = services.care_requests_erase(queryset=queryset)
        self.message_user(
            request,
            ngettext("Erased %(count)d request.", "Erased %(count)d requests.", erased) % {"count": erased},
            messages.SUCCESS,
        )


@admin.register(RequestCount)
class RequestCountAdmin(admin.ModelAdmin):
    list_display = ["month", "kind", "outcome", "region", "count"]
    list_filter = ["kind", "outcome", "region"]

    def has_module_permission(self, request):
        # Anonymous statistics kept after erasure: for whoever reports on the service, not for triage.
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
