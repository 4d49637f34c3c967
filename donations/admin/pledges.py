"""Pledges: staff enter offline ones and record their payments; the pledge report, on screen and as CSV."""

import csv
import io
import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from core import money

from .. import exports, services
from ..models import Gift, Pledge

log = logging.getLogger(__package__)

# The largest instalment staff may type (a typo guard, like the offline gift form's).
MAX_INSTALLMENT_CENTS = 2_000_000_000 // Pledge.MAX_INSTALLMENTS


def _parse_dollars(text: str) -> int:
    try:
        cents = money.parse_amount(text)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if cents <= 0:
        raise ValidationError(_("Enter an amount above zero."))
    if cents > MAX_INSTALLMENT_CENTS:
        raise ValidationError(_("That is more than this form accepts; record it in parts or ask Finance."))
    return cents


class PledgeForm(forms.ModelForm):
    installment = forms.CharField(
        label=_("Each instalment (dollars)"), max_length=20, help_text=_("Like 500 or 500.00.")
    )

    class Meta:
        model = Pledge
        fields = [
            "campaign",
            "designation",
            "frequency",
            "installments",
            "first_due_on",
            "donor_name",
            "donor_email",
            "language",
            "note",
        ]
        widgets = {"first_due_on": forms.DateInput(attrs={"type": "date"}), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"installments": _("1 to 60."), "language": _("“en” or “es”: the donor's emails are in it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["installments"].validators.append(_installments_validator)
        self.fields["donor_name"].required = True
        self.fields["language"].widget = forms.Select(choices=[("en", "English"), ("es", "Español")])
        if self.instance.pk:
            self.fields["installment"].initial = exports._dollars(self.instance.installment_cents)

    def clean_installment(self):
        return _parse_dollars(self.cleaned_data["installment"])

    def clean(self):
        cleaned = super().clean()
        designation, campaign = cleaned.get("designation"), cleaned.get("campaign")
        if designation and campaign and designation.campaign_id != campaign.pk:
            self.add_error("designation", _("Choose a designation of the campaign above, or none."))
        return cleaned


def _installments_validator(value):
    if value is None or not 1 <= value <= Pledge.MAX_INSTALLMENTS:
        raise ValidationError(_("A pledge is paid in 1 to 60 instalments."))


class PaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount (dollars)"), max_length=20)
    source = forms.ChoiceField(
        label=_("Method"),
        choices=[(value, label) for value, label in Gift.Source.choices if value in Gift.OFFLINE_SOURCES - {"pledge"}],
    )
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Reference (check number, wire reference, shares)"), max_length=120, required=False
    )

    def clean_amount(self):
        return _parse_dollars(self.cleaned_data["amount"])


class CampaignFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("title"), required=False, empty_label=_("All campaigns")
    )


def pledge_report(*, campaign=None, today=None) -> dict:
    """Per donor and in total: pledged, paid, outstanding, overdue (cents). One query."""
    today = today or timezone.localdate()
    queryset = services.pledges_with_payments(Pledge.objects.exclude(status=Pledge.Status.PENDING))
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    donors: dict[str, dict] = {}
    total = {"pledged": 0, "paid": 0, "outstanding": 0, "overdue": 0, "pledges": 0}
    for pledge in queryset.order_by("pk"):
        figures = services.pledge_figures(
            pledge=pledge, paid_cents=pledge.paid_cents, paid_count=pledge.paid_count, today=today
        )
        key = (pledge.donor_email or "").strip().lower() or (pledge.donor_name or "").strip().lower() or str(pledge.pk)
        row = donors.setdefault(
            key,
            {
                "name": pledge.donor_name,
                "email": pledge.donor_email,
                "pledged": 0,
                "paid": 0,
                "outstanding": 0,
                "overdue": 0,
                "pledges": 0,
            },
        )
        for name, cents in (
            ("pledged", figures.pledged_cents),
            ("paid", figures.paid_cents),
            ("outstanding", figures.outstanding_cents),
            ("overdue", figures.overdue_cents),
        ):
            row[name] += cents
            total[name] += cents
        row["pledges"] += 1
        total["pledges"] += 1
    rows = sorted(donors.values(), key=lambda row: (-row["outstanding"], row["name"].lower()))
    return {"rows": rows, "total": total}


REPORT_COLUMNS = [_("Donor"), _("Email"), _("Pledges"), _("Pledged"), _("Paid"), _("Outstanding"), _("Overdue")]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    form = PledgeForm
    list_display = ["donor", "campaign", "schedule", "pledged", "paid", "outstanding", "overdue", "status", "source"]
    list_filter = ["status", "source", "frequency", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign"]
    search_fields = ["donor_name", "donor_email"]
    actions = ["record_payment", "cancel_pledges", "write_off_pledges"]
    fieldsets = [
        (
            _("The pledge"),
            {"fields": ["campaign", "designation", "installment", "frequency", "installments", "first_due_on"]},
        ),
        (_("Donor"), {"fields": ["donor_name", "donor_email", "language"]}),
        (_("Notes"), {"fields": ["note"]}),
    ]

    def get_queryset(self, request):
        return services.pledges_with_payments(super().get_queryset(request))

    def has_delete_permission(self, request, obj=None):
        return False  # cancel or write off instead: what was paid stays on record

    def has_record_payment_permission(self, request):
        return request.user.has_perm("donations.record_pledge_payment")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The schedule is the donor's promise: once entered (or made online), only the notes change.
        return ["campaign", "designation", "frequency", "installments", "first_due_on", "language"] + (
            ["donor_name", "donor_email"] if obj.source == Pledge.Source.ONLINE else []
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [
            (_("The pledge"), {"fields": ["campaign", "designation", "frequency", "installments", "first_due_on"]}),
            (_("Donor"), {"fields": ["donor_name", "donor_email", "language"]}),
            (_("Notes"), {"fields": ["note"]}),
        ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        obj.installment_cents = form.cleaned_data["installment"]
        services.pledge_create_offline(pledge=obj, actor=request.user)

    # --- Columns -------------------------------------------------------------------------------

    def _figures(self, obj):
        if not hasattr(obj, "_figures"):
            obj._figures = services.pledge_figures(
                pledge=obj, paid_cents=obj.paid_cents, paid_count=obj.paid_count, today=timezone.localdate()
            )
        return obj._figures

    @admin.display(description=_("donor"), ordering="donor_name")
    def donor(self, obj):
        return obj.donor_name or obj.donor_email or "—"

    @admin.display(description=_("schedule"))
    def schedule(self, obj):
        return services.pledge_schedule_text(
            installment_cents=obj.installment_cents, installments=obj.installments, frequency=obj.frequency
        )

    @admin.display(description=_("pledged"), ordering="total_cents")
    def pledged(self, obj):
        return money.format_cents(obj.total_cents)

    @admin.display(description=_("paid"))
    def paid(self, obj):
        return money.format_cents(self._figures(obj).paid_cents)

    @admin.display(description=_("outstanding"))
    def outstanding(self, obj):
        return money.format_cents(self._figures(obj).outstanding_cents)

    @admin.display(description=_("overdue"))
    def overdue(self, obj):
        return money.format_cents(self._figures(obj).overdue_cents)

    # --- Actions -------------------------------------------------------------------------------

    @admin.action(description=_("Record a payment"), permissions=["record_payment"])
    def record_payment(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[:2])
        if len(ids) != 1:
            self.message_user(request, _("Choose one pledge to record a payment on."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:donations_pledge_payment", args=[ids[0]]))

    def _close(self, request, queryset, status):
        closed = 0
        for pledge in queryset.filter(status=Pledge.Status.ACTIVE, source=Pledge.Source.OFFLINE)[:500]:
            services.pledge_close(pledge=pledge, status=status, actor=request.user)
            closed += 1
        self.message_user(
            request,
            _t("%(count)d pledge(s) closed. Online pledges are cancelled by the donor or in Stripe.")
            % {"count": closed},
        )

    @admin.action(description=_("Cancel the selected pledges"), permissions=["change"])
    def cancel_pledges(self, request, queryset):
        self._close(request, queryset, Pledge.Status.CANCELED)

    @admin.action(description=_("Write off the selected pledges"), permissions=["change"])
    def write_off_pledges(self, request, queryset):
        self._close(request, queryset, Pledge.Status.WRITTEN_OFF)

    # --- Pages ---------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="donations_pledge_report"),
            path(
                "<int:object_id>/record-payment/",
                self.admin_site.admin_view(self.payment_view),
                name="donations_pledge_payment",
            ),
            *super().get_urls(),
        ]

    def payment_view(self, request, object_id):
        """Record a payment staff received. Template: admin/donations/pledge/payment.html (pledge, form, figures)."""
        if not self.has_record_payment_permission(request):
            raise PermissionDenied
        pledge = get_object_or_404(self.get_queryset(request).select_related("campaign"), pk=object_id)
        change_url = reverse("admin:donations_pledge_change", args=[pledge.pk])
        if pledge.status != Pledge.Status.ACTIVE or pledge.source != Pledge.Source.OFFLINE:
            self.message_user(request, _("Payments are recorded on active pledges entered by staff."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        initial = {"amount": exports._dollars(pledge.installment_cents), "received_on": timezone.localdate()}
        form = PaymentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                gift = services.pledge_record_payment(
                    pledge=pledge,
                    amount_cents=data["amount"],
                    source=data["source"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    actor=request.user,
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    _t("Payment of %(amount)s recorded; receipt %(number)s.")
                    % {"amount": money.format_cents(gift.amount_cents), "number": gift.receipt_number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _t("Record a payment"),
            "pledge": pledge,
            "form": form,
            "change_url": change_url,
            "figures": self._figures(pledge),
            "schedule": self.schedule(pledge),
        }
        return TemplateResponse(request, "admin/donations/pledge/payment.html", context)

    def report_view(self, request):
        """
        Pledged, paid, outstanding, overdue per donor and in total; ?format=csv exports it.
        Template: admin/donations/pledge/report.html (filters, rows, total, today).
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        filters = CampaignFilterForm(request.GET or None)
        campaign = filters.cleaned_data["campaign"] if filters.is_valid() else None
        report = pledge_report(campaign=campaign)
        if request.GET.get("format") == "csv":
            return self._report_csv(report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _t("Pledge report"),
            "filters": filters,
            "rows": [_formatted(row) for row in report["rows"]],
            "total": _formatted(report["total"]),
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/donations/pledge/report.html", context)

    def _report_csv(self, report) -> HttpResponse:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(column) for column in REPORT_COLUMNS])
        for row in report["rows"]:
            writer.writerow(
                [exports.neutralise(row["name"]), exports.neutralise(row["email"]), row["pledges"]]
                + [exports._dollars(row[name]) for name in ("pledged", "paid", "outstanding", "overdue")]
            )
        total = report["total"]
        writer.writerow(
            [_t("Total"), "", total["pledges"]]
            + [exports._dollars(total[name]) for name in ("pledged", "paid", "outstanding", "overdue")]
        )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pledges-{timezone.localdate():%Y-%m-%d}.csv"'
        return response


def _formatted(row: dict) -> dict:
    return row | {name: money.format_cents(row[name]) for name in ("pledged", "paid", "outstanding", "overdue")}
