"""Finance's refund page: a form, a confirmation, then Stripe (services.gift_refund)."""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history import utils as history_utils

from core import money

from .. import exports, services, stripe_gateway
from ..models import Gift

log = logging.getLogger(__package__)  # "donations.admin", as before the split


class GiftRefundMixin:
    """Finance's refund page on a gift (GiftAdmin's /<id>/refund/)."""

    def has_refund_permission(self, request):
        return request.user.has_perm("donations.refund_gift")

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
                except services.RefundError as error:
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
