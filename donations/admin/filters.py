"""The gifts admin's filters, and links from a gift to the Stripe dashboard."""

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    NEVER_PAID = ("pending", "failed", "expired")

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
