"""
The gifts admin for development staff and Finance.

- Gifts: every gift, read-only where it came from Stripe (amount, status, Stripe ids), with links
  to the Stripe dashboard; filters, search, CSV/Excel export of the current filters, resending
  receipts, and Finance's refund page. Nobody but a superuser deletes a gift, and never one that
  counts toward a campaign (void or refund it instead, so the meter stays true).
- Offline gifts: checks, cash, wires, stock and pledges that staff record (their own form, in
  dollars), saved through services.offline_gift_save so they count in the meter at once.

Every change to a gift goes through donations.services, never through ModelAdmin.save_model's
plain obj.save(), because the tallies must move in the same transaction.
"""

import datetime
import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history import utils as history_utils
from simple_history.admin import SimpleHistoryAdmin

from campaign.models import Campaign

from . import exports, money, services, stripe_gateway
from .models import Gift, OfflineGift, RecurringPlan, WebhookEvent

log = logging.getLogger(__name__)


# --- Stripe dashboard links ------------------------------------------------------------------------


def stripe_dashboard_url(kind: str, object_id: str) -> str:
    """https://dashboard.stripe.com/[test/]<kind>/<id>: test or live from the secret key's prefix."""
    key = settings.STRIPE_SECRET_KEY or ""
    live = key.startswith(("sk_live_", "rk_live_"))
    return f"https://dashboard.stripe.com/{'' if live else 'test/'}{kind}/{object_id}"


STRIPE_LINKS = [
    ("stripe_payment_intent_id", "payments", _("Payment")),
    ("stripe_subscription_id", "subscriptions", _("Subscription")),
    ("stripe_customer_id", "customers", _("Customer")),
    ("stripe_invoice_id", "invoices", _("Invoice")),
]


# --- Filters -------------------------------------------------------------------------------------------


class GiftDateRangeFilter(admin.ListFilter):
    """Gifts whose date (paid or received) falls between ?date_from= and ?date_to= (inclusive)."""

    title = _("date range")
    template = "admin/donations/date_range_filter.html"
    parameter_from = "date_from"
    parameter_to = "date_to"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.errors = []
        self.values = {}
        for name in (self.parameter_from, self.parameter_to):
            if name in params:
                raw = params.pop(name)[-1].strip()
                self.used_parameters[name] = raw
                if raw:
                    try:
                        self.values[name] = datetime.date.fromisoformat(raw)
                    except ValueError:
                        self.errors.append(
                            _("“%(value)s” is not a date: use YYYY-MM-DD, like 2026-03-31.") % {"value": raw}
                        )
        self.other_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.parameter_from, self.parameter_to, "p")
            for value in values
        ]
        if self.errors:
            messages.warning(request, " ".join(str(error) for error in self.errors))

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_from, self.parameter_to]

    def choices(self, changelist):
        return [
            {
                "date_from": self.used_parameters.get(self.parameter_from, ""),
                "date_to": self.used_parameters.get(self.parameter_to, ""),
                "other_params": self.other_params,
                "clear_url": changelist.get_query_string(remove=[self.parameter_from, self.parameter_to]),
            }
        ]

    def queryset(self, request, queryset):
        tz = timezone.get_current_timezone()
        start, end = self.values.get(self.parameter_from), self.values.get(self.parameter_to)
        if start:
            queryset = queryset.filter(paid_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz))
        if end:
            end_next = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
            queryset = queryset.filter(paid_at__lt=end_next)
        return queryset


class PaymentFilter(admin.SimpleListFilter):
    """
    The list (and so the export) shows gifts that were paid, by default: a checkout a donor
    opened and left is not a gift to thank. "Include checkouts that never paid" shows them too,
    and so does asking for one of their statuses.
    """

    title = _("payment")
    parameter_name = "payment"
    NEVER_PAID = (Gift.Status.PENDING, Gift.Status.FAILED, Gift.Status.EXPIRED)

    def lookups(self, request, model_admin):
        return [("all", _("Include checkouts that never paid"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Paid gifts"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all" or any(key.split("__")[0] == "status" for key in request.GET):
            return queryset
        return queryset.exclude(status__in=self.NEVER_PAID)


class RelatedOnlyWithNoneFilter(admin.RelatedOnlyFieldListFilter):
    """The related-only filter, with "None" spelled out instead of the admin's "-"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = _("None")


# --- Gifts ------------------------------------------------------------------------------------------------

DONOR_FIELDS = ["donor_name", "donor_email", "display_name", "is_anonymous"]


class GiftAdminMixin:
    list_select_related = ["campaign", "designation"]
    list_per_page = 50
    show_full_result_count = False
    search_help_text = _("Donor name or email, reference, or a Stripe id (pi_…, cus_…, sub_…, cs_…, in_…).")

    @admin.display(description=_("date · receipt"), ordering="paid_at")
    def gift_date(self, obj):
        when = obj.paid_at or obj.created_at
        day = date_format(timezone.localtime(when).date(), "SHORT_DATE_FORMAT") if when else "—"
        return format_html('{}<br><span class="gift-receipt">{}</span>', day, obj.receipt_number)

    @admin.display(description=_("receipt"))
    def receipt(self, obj):
        return obj.receipt_number

    @admin.display(description=_("donor"), ordering="donor_name")
    def donor(self, obj):
        name = obj.donor_name or _("(no name)")
        if obj.donor_email:
            return format_html('{}<br><span class="gift-email">{}</span>', name, obj.donor_email)
        return name

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, obj):
        if obj.refunded_cents:
            return format_html(
                '{}<br><span class="gift-refunded">{}</span>',
                money.format_cents(obj.amount_cents),
                _("%(amount)s refunded") % {"amount": money.format_cents(obj.refunded_cents)},
            )
        return money.format_cents(obj.amount_cents)

    @admin.display(description=_("how"), ordering="source")
    def how(self, obj):
        if obj.source == Gift.Source.ONLINE:
            return obj.get_frequency_display()
        if obj.reference and obj.source == Gift.Source.CHECK:
            return _("Check #%(number)s") % {"number": obj.reference}
        return obj.get_source_display()

    @admin.display(description=_("for"), ordering="designation__name")
    def for_designation(self, obj):
        return obj.designation.name if obj.designation_id else ""

    @admin.display(description=_("refunded"), ordering="refunded_cents")
    def refunded(self, obj):
        return money.format_cents(obj.refunded_cents)

    @admin.display(description=_("counted"), ordering="counted_cents")
    def counted(self, obj):
        return money.format_cents(obj.counted_cents)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        label = obj.get_status_display()
        if obj.is_pledge and obj.status == Gift.Status.SUCCEEDED:
            label = _("Pledged")
        return format_html('<span class="gift-status gift-status-{}">{}</span>', obj.status, label)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        # Stripe ids are matched exactly (indexed), everything else by Django's search fields.
        if term.startswith(("pi_", "ch_", "cs_", "in_", "sub_", "cus_")) and " " not in term:
            query = (
                Q(stripe_payment_intent_id=term)
                | Q(stripe_charge_id=term)
                | Q(stripe_checkout_session_id=term)
                | Q(stripe_invoice_id=term)
                | Q(stripe_subscription_id=term)
                | Q(stripe_customer_id=term)
            )
            return queryset.filter(query), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Gift)
class GiftAdmin(GiftAdminMixin, SimpleHistoryAdmin):
    list_display = ["gift_date", "donor", "amount", "status_badge", "how", "campaign", "for_designation"]

    def get_list_display(self, request):
        # With a single campaign its name on every row only pushes the useful columns off screen.
        if not hasattr(request, "_several_campaigns"):  # asked more than once per page
            request._several_campaigns = Campaign.objects.count() > 1
        if not request._several_campaigns:
            return [name for name in self.list_display if name != "campaign"]
        return self.list_display

    list_display_links = ["gift_date"]
    list_filter = [
        PaymentFilter,
        "status",
        "frequency",
        "source",
        ("campaign", admin.RelatedOnlyFieldListFilter),
        ("designation", RelatedOnlyWithNoneFilter),
        "message_status",
        GiftDateRangeFilter,
    ]
    search_fields = ["donor_name", "donor_email", "reference", "display_name"]
    date_hierarchy = "paid_at"
    actions = ["resend_receipts", "approve_messages", "hide_messages"]
    fieldsets = [
        (_("Gift"), {"fields": ["receipt", "campaign", "designation", "amount", "fee", "refunded", "counted"]}),
        (_("Status"), {"fields": ["status", "frequency", "source", "paid_at", "failure_reason", "plan"]}),
        (_("Donor"), {"fields": [*DONOR_FIELDS, "donor_address", "language"]}),
        (
            _("Dedication and message"),
            {"fields": ["dedication", "honoree_name", "honoree_email", "message", "message_status"]},
        ),
        (_("Offline gift"), {"fields": ["received_on", "expected_on", "reference"]}),
        (_("Receipt"), {"fields": ["receipt_sent_at", "receipt_attempts", "receipt_error"]}),
        (_("Stripe"), {"fields": ["stripe_links", "stripe_checkout_session_id", "stripe_charge_id"]}),
    ]
    change_list_template = "admin/donations/gift/change_list.html"
    change_form_template = "admin/donations/gift/change_form.html"

    def get_fieldsets(self, request, obj=None):
        # Only what applies to this gift: no Stripe section for a check, no check number online.
        skip = {_("Offline gift")} if obj is not None and not obj.is_offline else {_("Stripe")}
        fieldsets = [(name, dict(options)) for name, options in self.fieldsets if name not in skip]
        if obj is not None and not obj.dedication and not obj.message:
            for name, options in fieldsets:
                if name == _("Dedication and message"):
                    options["classes"] = ["collapse"]
        return fieldsets

    @admin.display(description=_("fee covered"))
    def fee(self, obj):
        return money.format_cents(obj.fee_cents)

    @admin.display(description=_("in the Stripe dashboard"))
    def stripe_links(self, obj):
        links = [
            (stripe_dashboard_url(kind, getattr(obj, field)), label, getattr(obj, field))
            for field, kind, label in STRIPE_LINKS
            if getattr(obj, field)
        ]
        if not links:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}: {}</a>',
            links,
        )

    def get_readonly_fields(self, request, obj=None):
        # Only who the donor is may be corrected here (by a superuser); money, status and what
        # Stripe said never change by hand. Offline gifts are edited in their own admin.
        editable = DONOR_FIELDS if request.user.is_superuser else []
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"] if name not in editable]

    def has_add_permission(self, request):
        return False  # online gifts come from Stripe; offline ones through "Offline gifts"

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        if not request.user.is_superuser:
            return False
        return obj is None or obj.counted_cents == 0

    def delete_queryset(self, request, queryset):
        counted = queryset.exclude(counted_cents=0).count()
        if counted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d gift counts toward its campaign and was kept: void or refund it instead.",
                    "%(count)d gifts count toward their campaigns and were kept: void or refund them instead.",
                    counted,
                )
                % {"count": counted},
                messages.WARNING,
            )
        super().delete_queryset(request, queryset.filter(counted_cents=0))

    def save_model(self, request, obj, form, change):
        services.gift_save(obj)

    def has_export_permission(self, request):
        return request.user.has_perm("donations.export_gift")

    def has_resend_receipt_permission(self, request):
        return request.user.has_perm("donations.resend_receipt")

    def has_refund_permission(self, request):
        return request.user.has_perm("donations.refund_gift")

    def has_moderate_message_permission(self, request):
        return request.user.has_perm("donations.moderate_message")

    @admin.action(description=_("Show the selected messages on the donor wall"), permissions=["moderate_message"])
    def approve_messages(self, request, queryset):
        self._review_messages(request, queryset, approve=True)

    @admin.action(description=_("Hide the selected messages from the donor wall"), permissions=["moderate_message"])
    def hide_messages(self, request, queryset):
        self._review_messages(request, queryset, approve=False)

    def _review_messages(self, request, queryset, *, approve: bool):
        reviewed = 0
        for gift in queryset.exclude(message="")[:500]:
            reviewed += services.gift_message_review(gift=gift, approve=approve, actor=request.user)
        if approve:
            text = ngettext("%(count)d message approved.", "%(count)d messages approved.", reviewed)
        else:
            text = ngettext("%(count)d message hidden.", "%(count)d messages hidden.", reviewed)
        self.message_user(request, text % {"count": reviewed}, messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
            "can_add_offline": request.user.has_perm("donations.add_offlinegift"),
            "export_query": request.GET.urlencode(),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_refund": self.has_refund_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="donations_gift_export"),
            path(
                "<path:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="donations_gift_refund",
            ),
            *super().get_urls(),
        ]

    # --- Actions ---------------------------------------------------------------------------------------

    @admin.action(description=_("Resend the receipt"), permissions=["resend_receipt"])
    def resend_receipts(self, request, queryset):
        outcomes = {"sent": 0, "no email": 0, "not paid": 0, "failed": 0}
        for gift_id in queryset.values_list("pk", flat=True)[:500]:
            outcome = services.gift_receipt_resend(gift_id=gift_id, actor=request.user)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcomes["sent"]:
            self.message_user(
                request,
                ngettext("%(count)d receipt sent.", "%(count)d receipts sent.", outcomes["sent"])
                % {"count": outcomes["sent"]},
                messages.SUCCESS,
            )
        skipped = outcomes["no email"] + outcomes["not paid"]
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d gift was skipped: no email address, or not paid.",
                    "%(count)d gifts were skipped: no email address, or not paid.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        if outcomes["failed"]:
            self.message_user(
                request,
                ngettext(
                    "%(count)d receipt could not be sent; the error is on its gift. Try again later.",
                    "%(count)d receipts could not be sent; the error is on each gift. Try again later.",
                    outcomes["failed"],
                )
                % {"count": outcomes["failed"]},
                messages.ERROR,
            )

    # --- Export -----------------------------------------------------------------------------------------

    def export_view(self, request):
        """The gifts the changelist shows for the same query string, as CSV (streamed) or Excel."""
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        params = request.GET.copy()
        file_format = params.pop("format", ["csv"])[-1]
        request.GET = params
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(request, _("Those filters are not valid; clear them and try again."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:donations_gift_changelist", current_app=self.admin_site.name))
        queryset = changelist.get_queryset(request)
        user_id = request.user.pk

        def audit(count):
            # Who exported how many and with which filters: never a donor's details.
            log.info("Gift export (%s) by user %s: %s gifts, filters %s", file_format, user_id, count, sorted(params))

        if file_format == "xlsx":
            # openpyxl is pure Python (about 0.8 ms a row here): a large Excel file would hold
            # a worker for minutes, so large exports are CSV, which streams.
            total = queryset.count()
            if total > exports.XLSX_MAX_ROWS:
                self.message_user(
                    request,
                    _("%(count)s gifts is more than an Excel export holds (%(max)s): use CSV, or narrow the filters.")
                    % {"count": total, "max": exports.XLSX_MAX_ROWS},
                    messages.WARNING,
                )
                changelist_url = reverse("admin:donations_gift_changelist", current_app=self.admin_site.name)
                return HttpResponseRedirect(f"{changelist_url}?{params.urlencode()}")
            output, count = exports.gift_export_xlsx(queryset)
            audit(count)
            return FileResponse(
                output,
                as_attachment=True,
                filename=exports.export_filename("xlsx"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response = StreamingHttpResponse(
            exports.gift_export_csv(queryset, on_done=audit), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.export_filename("csv")}"'
        response["Cache-Control"] = "private, no-store"
        return response

    # --- Refunds ----------------------------------------------------------------------------------------

    def refund_view(self, request, object_id):
        """
        Finance refunds part or all of an online gift: a form, then a confirmation page, then
        Stripe. Template: admin/donations/gift/refund.html. Context: gift, form, confirming.
        """
        if not self.has_refund_permission(request):
            raise PermissionDenied
        gift = get_object_or_404(Gift.objects.select_related("campaign", "designation"), pk=object_id)
        change_url = reverse("admin:donations_gift_change", args=[gift.pk], current_app=self.admin_site.name)
        if gift.source != Gift.Source.ONLINE or gift.status not in (
            Gift.Status.SUCCEEDED,
            Gift.Status.PARTIALLY_REFUNDED,
        ):
            self.message_user(request, _("Only paid online gifts can be refunded here."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = RefundForm(request.POST or None, gift=gift)
        confirming = False
        if request.method == "POST" and form.is_valid():
            if request.POST.get("confirm") != "yes":
                confirming = True
            else:
                amount_cents = form.cleaned_data["amount"]
                reason_text = form.reason_text()
                try:
                    refunded = services.gift_refund(
                        gift=gift,
                        amount_cents=amount_cents,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                except stripe_gateway.PaymentError as error:
                    self.message_user(
                        request,
                        _("Stripe did not refund the gift: %(error)s. Nothing was recorded; try again.")
                        % {"error": error},
                        messages.ERROR,
                    )
                except ValueError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    message = _("Refunded %(amount)s: %(reason)s") % {
                        "amount": money.format_cents(amount_cents),
                        "reason": reason_text,
                    }
                    history_utils.update_change_reason(refunded, str(message)[:100])
                    self.log_change(request, refunded, str(message))
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Refund gift %(number)s") % {"number": gift.receipt_number},
            "gift": gift,
            "form": form,
            "confirming": confirming,
            "remaining": money.format_cents(gift.remaining_cents),
            "charged": money.format_cents(gift.total_cents),
            "amount_display": money.format_cents(form.cleaned_data["amount"]) if confirming else "",
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/donations/gift/refund.html", context)


class RefundForm(forms.Form):
    REASONS = [
        ("requested_by_customer", _("Requested by the donor")),
        ("duplicate", _("Duplicate gift")),
        ("fraudulent", _("Fraudulent")),
        ("other", _("Other (explain below)")),
    ]

    amount = forms.CharField(
        label=_("Amount to refund (dollars)"),
        max_length=20,
        error_messages={"required": _("Enter the amount to refund, like 25 or 25.00.")},
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    note = forms.CharField(
        label=_("Note for the record"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the gift is refunded: it stays in the gift's history.")},
    )

    def __init__(self, *args, gift: Gift, **kwargs):
        super().__init__(*args, **kwargs)
        self.gift = gift
        self.fields["amount"].initial = exports._dollars(gift.remaining_cents)
        self.fields["amount"].help_text = _("Up to %(max)s (what remains of the %(total)s charged).") % {
            "max": money.format_cents(gift.remaining_cents),
            "total": money.format_cents(gift.total_cents),
        }

    def clean_amount(self):
        try:
            cents = money.parse_amount(self.cleaned_data["amount"])
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if cents <= 0 or cents > self.gift.remaining_cents:
            raise ValidationError(
                _("The refund must be between %(min)s and %(max)s.")
                % {"min": money.format_cents(1), "max": money.format_cents(self.gift.remaining_cents)}
            )
        return cents

    def reason_text(self) -> str:
        label = dict(self.REASONS)[self.cleaned_data["reason"]]
        return f"{label}. {self.cleaned_data['note']}"


# --- Offline gifts ----------------------------------------------------------------------------------


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
        self.fields["source"].choices = [choice for choice in Gift.Source.choices if choice[0] != Gift.Source.ONLINE]
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


# --- Monthly plans and Stripe events (read-only) ---------------------------------------------------


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
        "status",
        "campaign",
        "started_at",
    ]
    list_filter = ["status", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign"]
    search_fields = ["donor_name", "donor_email", "=stripe_subscription_id", "=stripe_customer_id"]
    show_full_result_count = False

    @admin.display(description=_("monthly"), ordering="amount_cents")
    def monthly(self, obj):
        return money.format_cents(obj.amount_cents)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["stripe_event_id", "type", "status", "attempts", "created_at"]
    list_filter = ["status", "type"]
    search_fields = ["=stripe_event_id"]
    show_full_result_count = False
