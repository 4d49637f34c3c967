"""
Matching challenges: Development staff open a sponsor's challenge (the pot typed in dollars), follow
its progress, and give the sponsor their report (gifts matched, donors, amount), also as CSV.
Saved through services.matching.challenge_save, so the next payment and the public pages see it.
"""

import csv
import logging

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import money

from ..exports import neutralise
from ..models import Gift, MatchChallenge, RecurringPlan
from ..services.matching import challenge_save

log = logging.getLogger(__name__)


class MatchChallengeForm(forms.ModelForm):
    pot_cents = money.DollarsField(
        label=_("Pot (dollars)"), help_text=_("What the sponsor will give at most, like 50,000 or 12500.50.")
    )

    class Meta:
        model = MatchChallenge
        fields = [
            "campaign",
            "sponsor_name",
            "sponsor_logo",
            "pot_cents",
            "ratio",
            "starts_at",
            "ends_at",
            "match_online",
            "match_offline",
            "designation",
            "new_donors_only",
            "recurring_rule",
            "monthly_match_after_payments",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked in clean_monthly_match_after_payments, with words for staff (not "greater than 0").
        field = self.fields["monthly_match_after_payments"]
        field.min_value = field.max_value = None
        field.validators = []
        field.widget.attrs.pop("min", None)
        field.widget.attrs.pop("max", None)

    def clean_monthly_match_after_payments(self):
        months = self.cleaned_data.get("monthly_match_after_payments")
        rule = self.data.get(self.add_prefix("recurring_rule"))
        low, high = MatchChallenge.MONTHS_RANGE
        instance = self.instance
        was_promised = instance.pk and instance.recurring_rule == MatchChallenge.RecurringRule.AFTER_PAYMENTS
        changed = rule != instance.recurring_rule or months != instance.monthly_match_after_payments
        if was_promised and instance.starts_at <= timezone.now() and changed:
            raise forms.ValidationError(
                _("The challenge has begun and donors were promised its number of months: it cannot change."),
                code="months_promised",
            )
        if rule != MatchChallenge.RecurringRule.AFTER_PAYMENTS:
            if months is not None:
                raise forms.ValidationError(
                    _("The number of months is only for monthly gifts matched at N months: leave it empty."),
                    code="months_unused",
                )
            return None
        if months is None:
            raise forms.ValidationError(
                _("How many months must a new monthly gift be given before it is matched? Enter 2 to 24."),
                code="months_required",
            )
        if months == 1:
            raise forms.ValidationError(
                _('For one month, choose "A new monthly gift qualifies at its first payment".'), code="months_one"
            )
        if not low <= months <= high:
            raise forms.ValidationError(_("Enter a number of months between 2 and 24."), code="months_range")
        return months

    def clean_pot_cents(self):
        pot = self.cleaned_data["pot_cents"]
        if pot is None or pot <= 0:
            raise forms.ValidationError(_("Enter the pot in dollars, more than zero."), code="pot_positive")
        if pot > 100_000_000_00:
            raise forms.ValidationError(_("A pot is at most $100,000,000."), code="pot_too_large")
        drawn = self.instance.drawn_cents if self.instance.pk else 0
        if pot < drawn:
            raise forms.ValidationError(
                _("Gifts have already been matched with %(drawn)s: the pot cannot be smaller than that.")
                % {"drawn": money.format_cents(drawn)},
                code="pot_below_drawn",
            )
        return pot

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The challenge must end after it starts."))
        if not (cleaned.get("match_online") or cleaned.get("match_offline")):
            self.add_error("match_online", _("Choose online gifts, offline gifts, or both."))
        campaign, designation = cleaned.get("campaign"), cleaned.get("designation")
        if campaign and designation and designation.campaign_id != campaign.pk:
            self.add_error("designation", _("This designation belongs to another campaign."))
        return cleaned


@admin.register(MatchChallenge)
class MatchChallengeAdmin(admin.ModelAdmin):
    form = MatchChallengeForm
    list_display = ["sponsor_name", "campaign", "ratio", "starts_at", "ends_at", "pot", "matched", "left", "state"]
    list_filter = ["campaign", "is_active"]
    search_fields = ["sponsor_name"]
    readonly_fields = ["progress"]
    list_select_related = ["campaign"]
    fieldsets = [
        (None, {"fields": ["campaign", "sponsor_name", "sponsor_logo", "pot_cents", "ratio", "progress"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "is_active"]}),
        (
            _("Which gifts qualify"),
            {
                "fields": [
                    "match_online",
                    "match_offline",
                    "designation",
                    "new_donors_only",
                    "recurring_rule",
                    "monthly_match_after_payments",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # its gifts keep it; untick "active" to stop it

    def save_model(self, request, obj, form, change):
        challenge_save(obj)
        log.info("Matching challenge %s saved by user %s", obj.pk, request.user.pk)

    @admin.display(description=_("pot"))
    def pot(self, obj):
        return money.format_cents(obj.pot_cents)

    @admin.display(description=_("matched so far"))
    def matched(self, obj):
        return money.format_cents(obj.drawn_cents)

    @admin.display(description=_("left"))
    def left(self, obj):
        return money.format_cents(obj.left_cents)

    @admin.display(description=_("state"))
    def state(self, obj):
        now = timezone.now()
        if not obj.is_active:
            return _("Stopped")
        if now < obj.starts_at:
            return _("Not started")
        if now >= obj.ends_at:
            return _("Ended")
        return _("Pot used in full") if obj.left_cents <= 0 else _("Open")

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if not obj.pk:
            return "—"
        report = reverse("admin:donations_matchchallenge_report", args=[obj.pk], current_app=self.admin_site.name)
        return format_html(
            '{} of {} matched, {} left. <a href="{}">Sponsor report</a>',
            money.format_cents(obj.drawn_cents),
            money.format_cents(obj.pot_cents),
            money.format_cents(obj.left_cents),
            report,
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="donations_matchchallenge_report",
            ),
            path(
                "<int:object_id>/report.csv",
                self.admin_site.admin_view(self.report_csv_view),
                name="donations_matchchallenge_report_csv",
            ),
            *super().get_urls(),
        ]

    def _challenge(self, request, object_id) -> MatchChallenge:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(MatchChallenge.objects.select_related("campaign"), pk=object_id)

    def report_view(self, request, object_id):
        """The sponsor's report. Template: donations/admin/match_report.html."""
        challenge = self._challenge(request, object_id)
        gifts = Gift.objects.filter(match_challenge=challenge, matched_cents__gt=0)
        totals = gifts.aggregate(
            gifts=Count("pk"),
            donors=Count("counted_donor_key", distinct=True),
            matched=Sum("matched_cents"),
            given=Sum("counted_cents"),
        )
        unmatched = Gift.objects.filter(match_challenge=challenge, match_drawn_cents=0).count()
        waiting = None
        if challenge.recurring_rule == MatchChallenge.RecurringRule.AFTER_PAYMENTS:
            # Plans promised a match at N months and still giving: not drawn yet, nor reserved.
            plans = challenge.pending_plans.filter(status__in=RecurringPlan.ACTIVE_STATUSES).aggregate(
                plans=Count("pk"), monthly=Sum("amount_cents")
            )
            promised = challenge.ratio * (challenge.monthly_match_after_payments or 0) * (plans["monthly"] or 0)
            waiting = {"plans": plans["plans"], "promised": money.format_cents(promised)}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sponsor report: %(sponsor)s") % {"sponsor": challenge.sponsor_name},
            "challenge": challenge,
            "opts": self.opts,
            "gift_count": totals["gifts"],
            "donor_count": totals["donors"],
            "matched": money.format_cents(totals["matched"] or 0),
            "given": money.format_cents(totals["given"] or 0),
            "pot": money.format_cents(challenge.pot_cents),
            "left": money.format_cents(challenge.left_cents),
            "unmatched_count": unmatched,
            "waiting": waiting,
        }
        return TemplateResponse(request, "donations/admin/match_report.html", context)

    def report_csv_view(self, request, object_id):
        """The gifts the sponsor matched, one a line: no email or address (the sponsor sees no donor's details)."""
        challenge = self._challenge(request, object_id)
        gifts = (
            Gift.objects.filter(match_challenge=challenge, matched_cents__gt=0)
            .select_related("designation")
            .order_by("paid_at", "pk")
        )

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def rows():
            yield "\ufeff"  # so that Excel reads UTF-8
            yield writer.writerow(["paid_at", "gift_id", "donor", "designation", "gift", "matched"])
            for gift in gifts.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        timezone.localtime(gift.paid_at).isoformat() if gift.paid_at else "",
                        str(gift.pk),
                        neutralise(gift.public_name or str(_("Anonymous"))),
                        neutralise(gift.designation.name if gift.designation else ""),
                        f"{gift.counted_cents // 100}.{gift.counted_cents % 100:02d}",
                        f"{gift.matched_cents // 100}.{gift.matched_cents % 100:02d}",
                    ]
                )

        log.info("Sponsor report of challenge %s exported by user %s", challenge.pk, request.user.pk)
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="match-{challenge.pk}-report.csv"'
        return response
