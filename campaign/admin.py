"""
Staff editing of campaigns and updates: inlines for figures, divisions, designations and
milestones, a preview of the public page before anything is published, and the audit trail
(django-simple-history: who changed what and when, the goal above all).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import money
from core.cache import pages_invalidate_on_commit
from core.markdown import render_markdown

from .models import Campaign, Designation, Division, Figure, GivingDayPeriod, Milestone, Update
from .services import campaign_save, update_save

DOLLARS_HELP = _("In dollars, like 5,000,000 or 1250.50.")
SPANISH_HEADING = _("Spanish (optional: where blank, Spanish readers see the English)")
SPANISH_CAMPAIGN_FIELDS = ["title_es", "tagline_es", "story_es", "hero_image_alt_es", "giving_day_unlock_es"]
GIVING_DAY_FIELDS = [
    "giving_day_starts_at",
    "giving_day_ends_at",
    "giving_day_period",
    "giving_day_goal_donors",
    "giving_day_unlock",
]


class PublicPagesAdminMixin:
    """
    Anything edited here shows on cached public pages: saves and deletions make them stale.
    (Campaign and update saves go through their services, which do the same.)
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pages_invalidate_on_commit(content=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages_invalidate_on_commit(content=True)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pages_invalidate_on_commit(content=True)


class FigureInline(admin.TabularInline):
    model = Figure
    extra = 0
    fields = ["value", "label", "value_es", "label_es", "position"]


class DivisionInline(admin.TabularInline):
    model = Division
    extra = 0
    fields = ["name", "name_es", "position"]


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    fields = ["name", "slug", "description", "name_es", "description_es", "is_default", "position"]
    prepopulated_fields = {"slug": ["name"]}


class MilestoneForm(forms.ModelForm):
    amount_cents = money.DollarsField(label=_("Amount (dollars)"), help_text=DOLLARS_HELP)

    class Meta:
        model = Milestone
        fields = ["amount_cents", "label", "label_es"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    form = MilestoneForm
    extra = 0


class CampaignForm(forms.ModelForm):
    goal_cents = money.DollarsField(label=_("Goal (dollars)"), help_text=DOLLARS_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a giving day needs it: a campaign without one is saved without choosing.
        self.fields["giving_day_period"].required = False

    def clean_giving_day_period(self):
        return self.cleaned_data.get("giving_day_period") or GivingDayPeriod.HOUR

    class Meta:
        model = Campaign
        fields = [
            "title",
            "slug",
            "tagline",
            "story",
            "hero_image",
            "hero_image_alt",
            "goal_cents",
            "starts_on",
            "ends_on",
            "preset_amounts",
            "is_published",
            "is_featured",
            *GIVING_DAY_FIELDS,
            *SPANISH_CAMPAIGN_FIELDS,
        ]


@admin.register(Campaign)
class CampaignAdmin(PublicPagesAdminMixin, SimpleHistoryAdmin):
    form = CampaignForm
    list_display = ["title", "slug", "goal", "starts_on", "ends_on", "is_featured", "is_published", "preview_link"]
    list_filter = ["is_published", "is_featured"]
    search_fields = ["title", "slug", "tagline"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FigureInline, DivisionInline, DesignationInline, MilestoneInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "tagline", "story"]}),
        (_("Hero image"), {"fields": ["hero_image", "hero_image_alt"]}),
        (_("Goal and dates"), {"fields": ["goal_cents", "goal_history", "starts_on", "ends_on", "preset_amounts"]}),
        (_("Visibility"), {"fields": ["is_published", "is_featured"]}),
        (_("Giving day"), {"fields": GIVING_DAY_FIELDS, "classes": ["collapse"]}),
        (SPANISH_HEADING, {"fields": SPANISH_CAMPAIGN_FIELDS, "classes": ["collapse"]}),
    ]
    readonly_fields = ["goal_history"]
    change_form_template = "admin/campaign/campaign/change_form.html"

    @admin.display(description=_("goal"), ordering="goal_cents")
    def goal(self, obj):
        return money.format_cents(obj.goal_cents, whole=True)

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        url = reverse("admin:campaign_campaign_preview", args=[obj.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, _("Preview"))

    @admin.display(description=_("goal history"))
    def goal_history(self, obj):
        """Every goal the campaign has had, when and by whom (from its history rows)."""
        if obj is None or obj.pk is None:
            return "—"
        rows = list(
            obj.history.select_related("history_user")
            .order_by("history_date", "history_id")
            .values_list("goal_cents", "history_date", "history_user__username")
        )
        changes, last = [], None
        for goal_cents, when, username in rows:
            if goal_cents != last:
                changes.append(
                    (
                        money.format_cents(goal_cents, whole=True),
                        timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
                        username or _("system"),
                    )
                )
                last = goal_cents
        if not changes:
            return "—"
        return format_html_join(mark_safe("<br>"), "{} · {} · {}", reversed(changes[-10:]))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="campaign_campaign_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """
        The public campaign page for the saved campaign, published or not, marked as a preview.

        Template: admin/campaign/campaign_preview.html (extends campaign/campaign_detail.html).
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        from . import selectors

        campaign = get_object_or_404(
            Campaign.objects.prefetch_related(
                "figures",
                "divisions",
                "designations",
                Prefetch("milestones", queryset=Milestone.objects.order_by("amount_cents", "pk")),
            ),
            pk=object_id,
        )
        context = {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign=campaign),
            "recent_gifts": selectors.campaign_recent_gifts(campaign=campaign, limit=8),
            "updates": list(selectors.update_list_published(campaign=campaign)[:3]),
            "donate_options": campaign.donate_options(),
            "is_preview": True,
            "change_url": reverse(
                "admin:campaign_campaign_change", args=[campaign.pk], current_app=self.admin_site.name
            ),
        }
        response = render(request, "admin/campaign/campaign_preview.html", context)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def save_model(self, request, obj, form, change):
        campaign_save(campaign=obj)


class MarkdownEditor(forms.Textarea):
    """
    A Markdown textarea with a live preview beside it, rendered by the server with the very
    function the published page uses (core.markdown.render_markdown, through UpdateAdmin's preview
    endpoint), and a picture upload that inserts the picture's Markdown at the cursor
    (static/js/update-editor.js; without script it is a plain textarea).
    """

    template_name = "campaign/widgets/markdown_editor.html"  # in campaign/templates/: the form renderer looks in apps

    def __init__(self, attrs=None):
        super().__init__({"rows": 18, **(attrs or {})})


# The longest text the preview renders (a body is far shorter; a bigger post is refused, not parsed).
PREVIEW_MAX_CHARS = 100_000


UPDATE_FIELDS = [
    "campaign",
    "title",
    "slug",
    "summary",
    "body",
    "image",
    "image_alt",
    "author_name",
    "status",
    "publish_at",
    "title_es",
    "summary_es",
    "body_es",
    "image_alt_es",
]


class UpdateForm(forms.ModelForm):
    class Meta:
        model = Update
        fields = UPDATE_FIELDS
        widgets = {"body": MarkdownEditor(), "body_es": MarkdownEditor()}


@admin.register(Update)
class UpdateAdmin(PublicPagesAdminMixin, SimpleHistoryAdmin):
    form = UpdateForm
    list_display = ["title", "campaign", "state", "publish_at", "is_visible", "preview_link"]
    list_select_related = ["campaign"]
    list_filter = ["status", "campaign"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    fields = UPDATE_FIELDS

    @admin.display(description=_("visible to the public"), boolean=True)
    def is_visible(self, obj):
        return obj.is_public

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        """Draft, scheduled (published with a future time) or published: what the public sees."""
        if obj.status == Update.Status.DRAFT:
            key, label = "draft", _("Draft")
        elif obj.publish_at > timezone.now():
            key, label = "scheduled", _("Scheduled")
        else:
            key, label = "published", _("Published")
        return format_html('<span class="update-state update-state-{}">{}</span>', key, label)

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        # The public URL: staff who may change updates see drafts and scheduled ones there, marked.
        label = _("View") if obj.is_public else _("Preview")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label)

    class Media:
        js = ["js/update-editor.js"]

    def get_urls(self):
        urls = [
            path("preview/", self.admin_site.admin_view(self.markdown_preview), name="campaign_update_preview"),
            path("picture/", self.admin_site.admin_view(self.picture_upload), name="campaign_update_picture"),
        ]
        return urls + super().get_urls()

    def _may_write(self, request) -> bool:
        return self.has_add_permission(request) or self.has_change_permission(request)

    def markdown_preview(self, request):
        """
        POST text → {"html": …}: the text as the published page shows it, rendered and sanitised
        by core.markdown.render_markdown (never a second, client-side Markdown that could differ).
        """
        from django.http import JsonResponse

        if request.method != "POST":
            return JsonResponse({"error": "POST"}, status=405)
        if not self._may_write(request):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > PREVIEW_MAX_CHARS:
            return JsonResponse({"error": str(_("This text is too long to preview."))}, status=400)
        response = JsonResponse({"html": str(render_markdown(text))})
        response["Cache-Control"] = "private, no-store"
        return response

    def picture_upload(self, request):
        """
        POST a picture (and its description) → {"url", "markdown"}: stored without metadata and
        web-sized (campaign.services.update_image_store); a refused file → 400 with the reason.
        """
        from django.core.exceptions import ValidationError
        from django.http import JsonResponse

        from .services import update_image_store

        if request.method != "POST":
            return JsonResponse({"error": "POST"}, status=405)
        if not self._may_write(request):
            raise PermissionDenied
        upload = request.FILES.get("picture")
        if upload is None:
            return JsonResponse({"error": str(_("Choose a picture to upload."))}, status=400)
        description = " ".join(request.POST.get("description", "").split())[:300]
        try:
            picture = update_image_store(file=upload, description=description, user=request.user)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        # Markdown's own escaping for the description: no bracket may end the alt text early.
        alt = description.replace("\\", "").replace("[", "(").replace("]", ")")
        url = picture.image.url
        return JsonResponse({"url": url, "markdown": f"![{alt}]({url})"})

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        if not obj.author_name:
            obj.author_name = request.user.get_full_name() or ""
        update_save(update=obj)


@admin.register(Designation)
class DesignationAdmin(PublicPagesAdminMixin, SimpleHistoryAdmin):
    """Designations are edited inline on their campaign; this list gives each its history."""

    list_display = ["name", "campaign", "slug", "is_default", "position"]
    list_select_related = ["campaign"]
    list_filter = ["campaign"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Milestone)
class MilestoneAdmin(PublicPagesAdminMixin, SimpleHistoryAdmin):
    """Milestones are edited inline on their campaign; this list gives each its history."""

    form = MilestoneForm
    fields = ["campaign", "amount_cents", "label"]
    list_display = ["label", "campaign", "amount"]
    list_select_related = ["campaign"]
    list_filter = ["campaign"]

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, obj):
        return money.format_cents(obj.amount_cents, whole=True)
