"""
Offline gifts: checks, cash, wires and stock that staff record, in dollars. Pledges have their own
admin (donations/admin/pledges.py); gifts recorded with the old "Pledge" method keep it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import money

from .. import exports, services
from ..models import Gift, OfflineGift
from .filters import GiftDateRangeFilter, RelatedOnlyWithNoneFilter
from .gifts import GiftAdminMixin


class OfflineGiftForm(forms.ModelForm):
    amount = forms.CharField(
        label=_("Amount (dollars)"),
        max_length=20,
        help_text=_("Like 2500 or 2,500.00. For stock, its value on the day it was received."),
        error_messages={"required": _("Enter the amount in dollars, like 2500 or 2,500.00.")},
    )
    send_receipt = forms.BooleanField(
        label=_("Email the donor a receipt (an acknowledgement for a pledge)"),
        required=False,
        initial=True,
    )

    class Meta:
        model = OfflineGift
        fields = [
            "campaign",
            "designation",
            "source",
            "status",
            "received_on",
            "expected_on",
            "reference",
            "donor_name",
            "donor_email",
            "donor_address",
            "display_name",
            "is_anonymous",
            "dedication",
            "honoree_name",
            "honoree_email",
            "message",
        ]
        labels = {
            "source": _("Method"),
            "received_on": _("Received on"),
            "expected_on": _("Pledge expected on"),
            "reference": _("Reference (check number, wire reference, shares)"),
        }
        help_texts = {
            "status": _("“Failed” voids the gift (a bounced check): it stops counting in the meter."),
            "expected_on": _("Required for a pledge: when the money is expected."),
            "display_name": _("Leave empty to keep the donor off the public donor wall."),
        }
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}),
            "expected_on": forms.DateInput(attrs={"type": "date"}),
            "donor_address": forms.Textarea(attrs={"rows": 3}),
            "message": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A pledge is entered under Pledges (its schedule, reminders, each payment recorded there).
        # The "Pledge" method stays only on the gifts recorded with it before, which keep it.
        hidden = {Gift.Source.ONLINE}
        if not (self.instance.pk and self.instance.source == Gift.Source.PLEDGE):
            hidden.add(Gift.Source.PLEDGE)
        self.fields["source"].choices = [choice for choice in Gift.Source.choices if choice[0] not in hidden]
        self.fields["source"].help_text = format_html(
            _(
                'A new pledge is not entered here: add it under <a href="{url}">Pledges</a>, '
                "then record each payment there with “Record a payment”."
            ),
            url=reverse("admin:donations_pledge_changelist"),
        )
        self.fields["status"].choices = [
            (Gift.Status.SUCCEEDED, _("Received (counts in the meter)")),
            (Gift.Status.FAILED, _("Void (bounced, entered by mistake)")),
        ]
        self.fields["received_on"].required = True
        self.fields["received_on"].initial = timezone.localdate
        self.fields["received_on"].error_messages["required"] = _("Enter the date the gift (or pledge) arrived.")
        self.fields["donor_name"].required = True
        self.fields["donor_name"].error_messages["required"] = _("Enter the donor's name, as the receipt shows it.")
        if self.instance.pk:
            self.fields["amount"].initial = exports._dollars(self.instance.amount_cents)
            self.fields["send_receipt"].initial = False
        else:
            self.fields["status"].initial = Gift.Status.SUCCEEDED
        designation = self.fields["designation"]
        designation.empty_label = _("No designation (greatest need)")
        designation.queryset = designation.queryset.select_related("campaign")
        designation.label_from_instance = lambda item: f"{item.campaign.title}: {item.name}"

    def clean_amount(self):
        try:
            cents = money.parse_amount(self.cleaned_data["amount"])
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if cents <= 0:
            raise ValidationError(_("Enter an amount above zero."))
        if cents > 2_000_000_000:
            raise ValidationError(_("That is more than this form accepts; record it in parts or ask Finance."))
        return cents

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source == Gift.Source.PLEDGE and not cleaned.get("expected_on"):
            self.add_error("expected_on", _("A pledge needs the date the money is expected."))
        designation, campaign = cleaned.get("designation"), cleaned.get("campaign")
        if designation and campaign and designation.campaign_id != campaign.pk:
            self.add_error("designation", _("Choose a designation of the campaign above, or none."))
        if cleaned.get("dedication") and not cleaned.get("honoree_name"):
            self.add_error("honoree_name", _("Enter the honoree's name for the dedication."))
        if self.instance.pk and self.instance.source == Gift.Source.ONLINE:
            raise ValidationError(_("This gift came through Stripe and cannot be edited here."))
        return cleaned


@admin.register(OfflineGift)
class OfflineGiftAdmin(GiftAdminMixin, SimpleHistoryAdmin):
    form = OfflineGiftForm
    list_display = ["gift_date", "donor", "amount", "status_badge", "how", "expected_on", "for_designation"]
    list_display_links = ["gift_date"]
    list_filter = [
        "source",
        "status",
        ("campaign", admin.RelatedOnlyFieldListFilter),
        ("designation", RelatedOnlyWithNoneFilter),
        GiftDateRangeFilter,
    ]
    search_fields = ["donor_name", "donor_email", "reference"]
    date_hierarchy = "paid_at"
    fieldsets = [
        (_("The gift"), {"fields": ["campaign", "designation", "source", "amount", "status"]}),
        (_("When and how"), {"fields": ["received_on", "expected_on", "reference"]}),
        (_("Donor"), {"fields": ["donor_name", "donor_email", "donor_address", "display_name", "is_anonymous"]}),
        (_("Dedication and message"), {"fields": ["dedication", "honoree_name", "honoree_email", "message"]}),
        (_("Receipt"), {"fields": ["send_receipt"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # void it (status), so the meter and the audit trail stay whole

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name in ("campaign", "designation"):
            widget = form.base_fields[name].widget
            # Editing a campaign from a gift's form is a detour: plain selects, no pencil or cross.
            form.base_fields[name].widget = getattr(widget, "widget", widget)
        return form

    def save_model(self, request, obj, form, change):
        obj.amount_cents = form.cleaned_data["amount"]
        try:
            services.offline_gift_save(gift=obj, actor=request.user, send_receipt=form.cleaned_data["send_receipt"])
        except ValueError as error:  # pragma: no cover - the form checks the same rules first
            raise ValidationError(str(error)) from error
