"""
Staff side of tributes: the print queue of cards to mail (with a print layout), and each honoree's
page with what its tribute gifts count.
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import money

from . import tributes
from .models import ConsentRecord, ContactPreference, Honoree, TributeCard


class PrintQueueFilter(admin.SimpleListFilter):
    title = _("printed card")
    parameter_name = "print"

    def lookups(self, request, model_admin):
        return [("queue", _("To print and mail")), ("mailed", _("Mailed")), ("none", _("Not asked for"))]

    def queryset(self, request, queryset):
        if self.value() == "queue":
            return queryset.filter(print_requested=True, printed_at__isnull=True)
        if self.value() == "mailed":
            return queryset.filter(print_requested=True, printed_at__isnull=False)
        if self.value() == "none":
            return queryset.filter(print_requested=False)
        return queryset


@admin.register(TributeCard)
class TributeCardAdmin(admin.ModelAdmin):
    list_display = [
        "honoree",
        "from_name",
        "design",
        "send_on",
        "emailed_at",
        "print_requested",
        "printed_at",
        "created_at",
    ]
    list_filter = [PrintQueueFilter, "design"]
    list_select_related = ["honoree"]
    search_fields = ["honoree__name", "from_name", "recipient_name"]
    readonly_fields = ["gift", "key", "emailed_at", "created_at", "updated_at"]
    fields = [
        "gift", "honoree", "design", "from_name", "message", "show_amount", "recipient_name", "recipient_email",
        "send_on", "emailed_at", "print_requested", "mail_to", "printed_at", "key", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["print_layout", "mark_mailed"]

    def has_add_permission(self, request):
        return False  # a card belongs to a gift; donors make them

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Print the selected cards"), permissions=["view"])
    def print_layout(self, request, queryset):
        cards = list(queryset.select_related("honoree").filter(print_requested=True).order_by("created_at", "pk"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cards to print"),
            "cards": [{"card": card, "amount": tributes.card_amount(card)} for card in cards],
        }
        return TemplateResponse(request, "donors/admin/card_print.html", context)

    @admin.action(description=_("Mark the selected printed cards as mailed"), permissions=["change"])
    def mark_mailed(self, request, queryset):
        changed = queryset.filter(print_requested=True, printed_at__isnull=True).update(printed_at=timezone.now())
        message = ngettext("%(count)d card marked as mailed.", "%(count)d cards marked as mailed.", changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)


@admin.register(Honoree)
class HonoreeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_memorial", "card_count", "tribute_total", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["key", "created_at", "page_link"]
    fields = ["name", "is_memorial", "page_link", "key", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        self._totals = tributes.honoree_totals(honorees=list(changelist.result_list))
        return changelist

    @admin.display(description=_("cards"))
    def card_count(self, honoree):
        return honoree.cards.count()

    @admin.display(description=_("tribute gifts count"))
    def tribute_total(self, honoree):
        return money.format_cents(getattr(self, "_totals", {}).get(honoree.pk, 0))

    @admin.display(description=_("private page"))
    def page_link(self, honoree):
        return honoree.get_absolute_url()


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    """What donors chose on their pages; the newsletter list is the filter "newsletter: yes"."""

    list_display = ["email", "receipt_name", "newsletter", "updated_at"]
    list_filter = ["newsletter"]
    search_fields = ["email", "receipt_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the donor's own choice: only they change it

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Proof of each newsletter consent: when, where and the exact words shown."""

    list_display = ["email", "given", "where", "language", "created_at"]
    list_filter = ["given", "where"]
    search_fields = ["email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
