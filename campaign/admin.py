"""Staff editing of campaigns and updates (the staff-admin issue extends this)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from donations import money

from .cache import pages_invalidate_on_commit
from .models import Campaign, Designation, Division, Figure, Milestone, Update
from .services import campaign_save, update_save

CENTS_HELP = _("In cents: $5,000,000 is 500000000.")
SPANISH_HEADING = _("Spanish (optional: where blank, Spanish readers see the English)")
SPANISH_CAMPAIGN_FIELDS = ["title_es", "tagline_es", "story_es", "hero_image_alt_es"]


class PublicPagesAdminMixin:
    """Saves go through the services, which invalidate the cached pages; so must deletions."""

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
    class Meta:
        model = Milestone
        fields = ["amount_cents", "label", "label_es"]
        help_texts = {"amount_cents": CENTS_HELP}


class MilestoneInline(admin.TabularInline):
    model = Milestone
    form = MilestoneForm
    extra = 0


class CampaignForm(forms.ModelForm):
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
            *SPANISH_CAMPAIGN_FIELDS,
        ]
        help_texts = {"goal_cents": CENTS_HELP}


@admin.register(Campaign)
class CampaignAdmin(PublicPagesAdminMixin, admin.ModelAdmin):
    form = CampaignForm
    list_display = ["title", "slug", "goal", "starts_on", "ends_on", "is_featured", "is_published"]
    list_filter = ["is_published", "is_featured"]
    search_fields = ["title", "slug", "tagline"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FigureInline, DivisionInline, DesignationInline, MilestoneInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "tagline", "story"]}),
        (_("Hero image"), {"fields": ["hero_image", "hero_image_alt"]}),
        (_("Goal and dates"), {"fields": ["goal_cents", "starts_on", "ends_on", "preset_amounts"]}),
        (_("Visibility"), {"fields": ["is_published", "is_featured"]}),
        (SPANISH_HEADING, {"fields": SPANISH_CAMPAIGN_FIELDS, "classes": ["collapse"]}),
    ]

    @admin.display(description=_("goal"), ordering="goal_cents")
    def goal(self, obj):
        return money.format_cents(obj.goal_cents, whole=True)

    def save_model(self, request, obj, form, change):
        campaign_save(campaign=obj)


@admin.register(Update)
class UpdateAdmin(PublicPagesAdminMixin, admin.ModelAdmin):
    list_display = ["title", "campaign", "status", "publish_at", "is_visible"]
    list_filter = ["status", "campaign"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    fields = [
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

    @admin.display(description=_("visible to the public"), boolean=True)
    def is_visible(self, obj):
        return obj.is_public

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        if not obj.author_name:
            obj.author_name = request.user.get_full_name() or ""
        update_save(update=obj)
