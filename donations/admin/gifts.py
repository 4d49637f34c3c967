"""Gifts: every gift, read-only where it came from Stripe; filters, search, export, resending receipts."""

import logging

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from campaign.models import Campaign
from core import money

from .. import exports, services
from ..models import EmployerMatch, Gift
from .filters import STRIPE_LINKS, GiftDateRangeFilter, PaymentFilter, RelatedOnlyWithNoneFilter, stripe_dashboard_url
from .refunds import GiftRefundMixin

log = logging.getLogger(__package__)  # "donations.admin", as before the split


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
class GiftAdmin(GiftRefundMixin, GiftAdminMixin, SimpleHistoryAdmin):
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
        ("fundraiser", admin.RelatedOnlyFieldListFilter),
        ("fundraiser__team", admin.RelatedOnlyFieldListFilter),
        "message_status",
        "employer_match_status",
        GiftDateRangeFilter,
    ]
    search_fields = ["donor_name", "donor_email", "reference", "display_name"]
    date_hierarchy = "paid_at"
    actions = [
        "resend_receipts",
        "approve_messages",
        "hide_messages",
        "match_submitted",
        "match_received",
        "match_declined",
    ]
    fieldsets = [
        (_("Gift"), {"fields": ["receipt", "campaign", "designation", "amount", "fee", "refunded", "counted"]}),
        (_("Status"), {"fields": ["status", "frequency", "source", "paid_at", "failure_reason", "plan"]}),
        (_("Donor"), {"fields": [*DONOR_FIELDS, "donor_address", "language"]}),
        (
            _("Dedication and message"),
            {"fields": ["dedication", "honoree_name", "honoree_email", "message", "message_status"]},
        ),
        (_("Employer match"), {"fields": ["employer_name", "employer_match_status"]}),
        (_("Offline gift"), {"fields": ["received_on", "expected_on", "reference"]}),
        (_("Receipt"), {"fields": ["receipt_sent_at", "receipt_attempts", "receipt_error"]}),
        (_("Stripe"), {"fields": ["stripe_links", "stripe_checkout_session_id", "stripe_charge_id"]}),
    ]
    change_list_template = "admin/donations/gift/change_list.html"
    change_form_template = "admin/donations/gift/change_form.html"

    def get_fieldsets(self, request, obj=None):
        # Only what applies to this gift: no Stripe section for a check, no check number online.
        skip = {_("Offline gift")} if obj is not None and not obj.is_offline else {_("Stripe")}
        if obj is not None and not obj.employer_match_status:
            skip.add(_("Employer match"))
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

    def has_follow_employer_match_permission(self, request):
        return request.user.has_perm("donations.follow_employer_match")

    @admin.action(description=_("Employer match: mark submitted"), permissions=["follow_employer_match"])
    def match_submitted(self, request, queryset):
        self._employer_match(request, queryset, EmployerMatch.SUBMITTED)

    @admin.action(description=_("Employer match: mark received"), permissions=["follow_employer_match"])
    def match_received(self, request, queryset):
        self._employer_match(request, queryset, EmployerMatch.RECEIVED)

    @admin.action(description=_("Employer match: mark declined"), permissions=["follow_employer_match"])
    def match_declined(self, request, queryset):
        self._employer_match(request, queryset, EmployerMatch.DECLINED)

    def _employer_match(self, request, queryset, status: str):
        changed = 0
        for gift in queryset.exclude(employer_match_status="")[:500]:
            changed += services.gift_employer_match_set(gift=gift, status=status, actor=request.user)
        text = ngettext(
            "%(count)d employer match marked “%(status)s”.", "%(count)d employer matches marked “%(status)s”.", changed
        )
        self.message_user(request, text % {"count": changed, "status": EmployerMatch(status).label}, messages.SUCCESS)
        skipped = queryset.filter(employer_match_status="").count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d gift has no employer match and was left as it was.",
                    "%(count)d gifts have no employer match and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def has_resend_receipt_permission(self, request):
        return request.user.has_perm("donations.resend_receipt")

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
