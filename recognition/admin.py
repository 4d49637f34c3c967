"""
Staff keep the naming opportunities (spaces, prices, places on the plan), hold a space for a
prospect until a date, attach the gift or pledge that pays for it, mark it named with the
recognition name they approved, or release it; they read naming inquiries and set the
recognition levels. Every claim goes through recognition.services, where the database refuses a
second donor for one space.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from campaign.admin import DOLLARS_HELP, PublicPagesAdminMixin
from core import money
from core.cache import pages_invalidate_on_commit
from donations import selectors as donations_selectors

from . import services
from .models import NamingClaim, NamingInquiry, NamingOpportunity, NamingStatus, RecognitionLevel

SPANISH_HEADING = _("Spanish (optional: where blank, Spanish readers see the English)")


class ClaimAction:
    NONE = ""
    HOLD = "hold"
    PLEDGE = "pledge"
    NAME = "name"
    RELEASE = "release"
    CHOICES = [
        (NONE, _("No change")),
        (HOLD, _("Hold for a prospect until the date below")),
        (PLEDGE, _("Attach the gift or pledge below")),
        (NAME, _("Mark named with the recognition name below")),
        (RELEASE, _("Release (make it available again)")),
    ]


class NamingOpportunityForm(forms.ModelForm):
    price_cents = money.DollarsField(label=_("Price (dollars)"), help_text=DOLLARS_HELP)
    claim_action = forms.ChoiceField(label=_("Change the status"), choices=ClaimAction.CHOICES, required=False)
    hold_for = forms.CharField(label=_("Held for (staff note)"), max_length=200, required=False)
    hold_until = forms.DateTimeField(
        label=_("Hold until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    gift_id = forms.IntegerField(
        label=_("Gift number"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The number of the gift or pledge in Gifts (it must be of this campaign and count)."),
    )
    # The claim staff saw when the page opened: acting on it fails if someone else claimed the space since.
    claim_seen = forms.IntegerField(required=False, widget=forms.HiddenInput)
    approved_name = forms.CharField(
        label=_("Recognition name (approved)"),
        max_length=120,
        required=False,
        help_text=_("Exactly as it will appear on the plan and on the wall, for example “The Rivera Family”."),
    )

    class Meta:
        model = NamingOpportunity
        fields = [
            "campaign",
            "name",
            "designation",
            "description",
            "center",
            "price_cents",
            "plan_x",
            "plan_y",
            "plan_w",
            "plan_h",
            "position",
            "name_es",
            "description_es",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            claim_id, requested_name = services.active_claim_seen(self.instance)
            self.fields["claim_seen"].initial = claim_id
            if requested_name:
                # A donor named it from the gift form: their wording, for staff to approve or agree another.
                self.fields["approved_name"].initial = requested_name
                self.fields["approved_name"].help_text = _(
                    "The donor asked for “%(name)s”. Check it with them, then mark the space named."
                ) % {"name": escape(requested_name)}  # the admin shows help text unescaped

    def clean(self):
        data = super().clean()
        action = data.get("claim_action")
        if action and self.instance.pk is None:
            self.add_error("claim_action", _("Save the new space first, then change its status."))
            return data
        status = self.instance.status
        if action == ClaimAction.HOLD:
            if status != NamingStatus.AVAILABLE:
                self.add_error("claim_action", _("Only an available space can be held."))
            until = data.get("hold_until")
            if not until or until <= timezone.now():
                self.add_error("hold_until", _("Give a date and time in the future for the hold to end."))
            if not (data.get("hold_for") or "").strip():
                self.add_error("hold_for", _("Say who the space is held for."))
        if action in (ClaimAction.PLEDGE, ClaimAction.NAME) and data.get("gift_id"):
            gift = donations_selectors.gift_for_naming(campaign_id=self.instance.campaign_id, gift_id=data["gift_id"])
            if gift is None:
                self.add_error("gift_id", _("No gift of this campaign that counts has this number."))
        if action == ClaimAction.PLEDGE and not data.get("gift_id"):
            self.add_error("gift_id", _("Give the number of the gift or pledge."))
        if action == ClaimAction.NAME and not (data.get("approved_name") or "").strip():
            self.add_error("approved_name", _("Give the recognition name the donor chose and you approved."))
        if action == ClaimAction.RELEASE and status == NamingStatus.AVAILABLE:
            self.add_error("claim_action", _("This space is already available."))
        return data


class NamingClaimInline(admin.TabularInline):
    model = NamingClaim
    extra = 0
    can_delete = False
    fields = [
        "status",
        "holder_note",
        "gift",
        "requested_name",
        "expires_at",
        "created_by",
        "created_at",
        "released_at",
    ]
    readonly_fields = fields
    verbose_name_plural = _("Holds, pledges and namings (history)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NamingOpportunity)
class NamingOpportunityAdmin(admin.ModelAdmin):
    form = NamingOpportunityForm
    list_display = ["name", "campaign", "center", "price", "status", "recognition_name", "hold_expires"]
    list_filter = ["status", "center", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign"]
    search_fields = ["name", "name_es", "recognition_name", "claims__holder_note"]
    readonly_fields = ["status", "recognition_name"]
    inlines = [NamingClaimInline]
    fieldsets = [
        (None, {"fields": ["campaign", "name", "designation", "description", "center", "price_cents", "position"]}),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "recognition_name",
                    "claim_action",
                    "hold_for",
                    "hold_until",
                    "gift_id",
                    "approved_name",
                ]
            },
        ),
        (_("Place on the plan (grid of 48 × 30)"), {"fields": ["plan_x", "plan_y", "plan_w", "plan_h"]}),
        (SPANISH_HEADING, {"fields": ["name_es", "description_es"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("price"), ordering="price_cents")
    def price(self, obj):
        return money.format_cents(obj.price_cents, whole=True)

    def get_queryset(self, request):
        # The current claim's expiry in the same query as the list (not one query per row).
        current = NamingClaim.objects.filter(opportunity=OuterRef("pk"), released_at__isnull=True)
        return super().get_queryset(request).annotate(current_expires_at=Subquery(current.values("expires_at")[:1]))

    @admin.display(description=_("hold expires"), ordering="current_expires_at")
    def hold_expires(self, obj):
        return obj.current_expires_at if obj.status == NamingStatus.HELD else ""

    def save_model(self, request, obj, form, change):
        # Only the form's fields: the status and recognition name are the services' (a claim made
        # while this form was open must not be overwritten by the copy loaded with it).
        obj.save(update_fields=[*NamingOpportunityForm.Meta.fields, "updated_at"] if change else None)
        pages_invalidate_on_commit(content=True)
        data = form.cleaned_data
        action = data.get("claim_action")
        try:
            if action == ClaimAction.HOLD:
                services.space_hold(
                    opportunity=obj,
                    expires_at=data["hold_until"],
                    holder_note=data["hold_for"].strip(),
                    user=request.user,
                )
            elif action == ClaimAction.PLEDGE:
                services.space_pledge(
                    opportunity=obj, gift_id=data["gift_id"], claim_seen=data.get("claim_seen"), user=request.user
                )
            elif action == ClaimAction.NAME:
                services.space_name(
                    opportunity=obj,
                    recognition_name=data["approved_name"],
                    gift_id=data.get("gift_id"),
                    claim_seen=data.get("claim_seen"),
                    user=request.user,
                )
            elif action == ClaimAction.RELEASE:
                services.space_release(opportunity=obj, claim_seen=data.get("claim_seen"))
        except services.SpaceTaken:
            # Another member of staff (or a donor in Checkout) claimed it a moment ago.
            self.message_user(
                request,
                _("%(space)s was just claimed for someone else: its status was not changed. Open it again to see who.")
                % {"space": obj.name},
                messages.ERROR,
            )


@admin.register(NamingInquiry)
class NamingInquiryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "opportunity", "is_handled"]
    list_filter = ["is_handled"]
    list_select_related = ["opportunity"]
    search_fields = ["name", "email", "opportunity__name"]
    fields = ["opportunity", "name", "email", "phone", "message", "language", "created_at", "is_handled"]
    readonly_fields = ["opportunity", "name", "email", "phone", "message", "language", "created_at"]

    def has_add_permission(self, request):
        return False


class RecognitionLevelForm(forms.ModelForm):
    threshold_cents = money.DollarsField(label=_("Cumulative giving from (dollars)"), help_text=DOLLARS_HELP)

    class Meta:
        model = RecognitionLevel
        fields = ["campaign", "name", "name_es", "threshold_cents"]


@admin.register(RecognitionLevel)
class RecognitionLevelAdmin(PublicPagesAdminMixin, admin.ModelAdmin):
    form = RecognitionLevelForm
    list_display = ["name", "campaign", "threshold"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]

    @admin.display(description=_("from"), ordering="threshold_cents")
    def threshold(self, obj):
        return money.format_cents(obj.threshold_cents, whole=True)
