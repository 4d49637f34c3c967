import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from core import money
from core.localization import localized
from fundraisers.models import Fundraiser

from .models import Frequency, Gift

OTHER = "other"
MESSAGE_MAX_LENGTH = 500
# What a designation's slug can be: anything else never reaches a query.
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# Spam on a donor wall is mostly links: a message with one is refused before anyone reviews it.
LINK_OR_ADDRESS = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|[^\s@]@[^\s@]+\.[a-z]{2,})")
TOO_LARGE = _("Online gifts are limited to %(max)s. For a larger gift, please contact us: we would love to help.")


def _amount_error_bounds() -> dict:
    return {"min": money.format_cents(settings.GIFT_MIN_CENTS), "max": money.format_cents(settings.GIFT_MAX_CENTS)}


class GiftForm(forms.Form):
    """
    The gift form. Field names are the public query-string names (campaign, amount, frequency,
    designation). `amount` is one of the campaign's preset dollar amounts or "other", in which case
    `other_amount` holds what the donor typed; a posted non-preset number is taken as typed.
    """

    campaign = forms.CharField(widget=forms.HiddenInput, max_length=100)
    # The fundraiser's page the donor came from (?fundraiser=<slug>): anything but an open page of
    # this campaign is ignored, and the gift is simply the campaign's.
    fundraiser = forms.CharField(widget=forms.HiddenInput, required=False)  # no max_length: never an error
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.ONE_TIME,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Choose one time or monthly."),
            "invalid_choice": _("Choose one time or monthly."),
        },
    )
    amount = forms.CharField(label=_("Amount"), required=False, max_length=20)
    other_amount = forms.CharField(
        label=_("Other amount (US dollars)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    cover_fee = forms.BooleanField(
        label=_("Add the processing fee so 100% of my gift goes to the campaign"), required=False
    )
    designation = forms.ChoiceField(label=_("Direct my gift to"), required=False)
    display_name = forms.CharField(
        label=_("Name on the donor wall"),
        required=False,
        max_length=80,
        help_text=_("As you would like it shown, for example “The Rivera family”."),
    )
    is_anonymous = forms.BooleanField(label=_("Give anonymously (your gift is shown without a name)"), required=False)
    dedication = forms.ChoiceField(
        label=_("Dedicate this gift"), choices=Gift.Dedication.choices, required=False, initial=""
    )
    honoree_name = forms.CharField(label=_("Honoree's name"), required=False, max_length=200)
    honoree_email = forms.EmailField(
        label=_("Email to notify (optional)"),
        required=False,
        help_text=_("We send them a note about your gift, without the amount."),
        error_messages={"invalid": _("Enter a valid email address, like name@example.com.")},
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Up to 500 characters, without links. Shown on the donor wall once our team has read it."),
        error_messages={"max_length": _("Keep your message to %(limit_value)d characters (it has %(show_value)d).")},
    )
    # Only on a fundraiser's gift form: the fundraiser is told who gave, but the amount only if allowed.
    amount_shown_to_fundraiser = forms.BooleanField(
        label=_("Let the fundraiser see the amount of my gift"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "fundraiser-sees-help"}),
    )

    # A field a person never sees (off-screen, skipped by the keyboard and by screen readers);
    # a bot that fills every input gives itself away (donations.antifraud refuses it).
    leave_blank = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, campaign: Campaign, fundraiser: Fundraiser | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign_obj = campaign
        self.fundraiser_obj = fundraiser
        self.fields["campaign"].initial = campaign.slug
        self.fields["fundraiser"].initial = fundraiser.slug if fundraiser else ""
        self.preset_dollars = [cents // 100 for cents in campaign.preset_amounts_cents]
        self.designations = {d.slug: d for d in campaign.designations.all()}
        default = next((d for d in self.designations.values() if d.is_default), None)
        choices = [(slug, localized(d, "name")) for slug, d in self.designations.items()]
        if default is None:
            choices.insert(0, ("", _("Where it is needed most")))
        else:
            # The default designation is the "greatest need" choice: one such choice, not two.
            self.fields["designation"].initial = default.slug
        self.fields["designation"].choices = choices

    @classmethod
    def initial_from_query(cls, query, *, campaign: Campaign) -> dict:
        """Prefill from ?amount=&frequency=&designation=; a bad value is ignored, never an error."""
        initial: dict = {}
        presets = [cents // 100 for cents in campaign.preset_amounts_cents]
        text = str(query.get("amount", ""))[:20]
        try:
            cents = money.parse_amount(text) if text else None
        except ValueError:
            cents = None
        if cents is not None and settings.GIFT_MIN_CENTS <= cents <= settings.GIFT_MAX_CENTS:
            if cents % 100 == 0 and cents // 100 in presets:
                initial["amount"] = str(cents // 100)
            else:
                initial["amount"], initial["other_amount"] = OTHER, text
        if query.get("frequency") in Frequency.values:
            initial["frequency"] = query["frequency"]
        designation = str(query.get("designation", ""))
        if SLUG_RE.fullmatch(designation) and campaign.designations.filter(slug=designation).exists():
            initial["designation"] = query["designation"]
        return initial

    def clean_campaign(self):
        if self.cleaned_data["campaign"] != self.campaign_obj.slug:
            raise forms.ValidationError(_("This campaign is not open for gifts. Please start again."))
        return self.campaign_obj

    def clean_fundraiser(self):
        slug = self.cleaned_data.get("fundraiser") or ""
        if self.fundraiser_obj is not None and slug == self.fundraiser_obj.slug:
            return self.fundraiser_obj
        return None

    def clean_designation(self):
        slug = self.cleaned_data.get("designation") or ""
        return self.designations.get(slug) if slug else None

    def clean(self):
        data = super().clean()
        choice = (data.get("amount") or "").strip()
        typed = (data.get("other_amount") or "").strip()
        if choice and choice != OTHER and choice.isdigit() and int(choice) in self.preset_dollars:
            text = choice
        elif choice == OTHER or not choice:
            text = typed
        else:
            text = choice  # posted directly, not one of the buttons: validated like a typed amount
        field = "other_amount" if (choice == OTHER or not choice) else "amount"
        try:
            cents = money.parse_amount(text) if text else None
        except ValueError as error:
            self.add_error(field, str(error))
            cents = None
        if text and cents is not None:
            if cents < settings.GIFT_MIN_CENTS:
                self.add_error(field, _("The smallest gift we can take online is %(min)s.") % _amount_error_bounds())
            elif cents > settings.GIFT_MAX_CENTS:
                self.add_error(field, TOO_LARGE % _amount_error_bounds())
            else:
                data["amount_cents"] = cents
                data["fee_cents"] = money.fee_cents(cents) if data.get("cover_fee") else 0
        elif not text:
            self.add_error("other_amount" if choice == OTHER else "amount", _("Choose or enter an amount."))

        if LINK_OR_ADDRESS.search(data.get("message") or ""):
            self.add_error("message", _("Please leave out links and email addresses: the donor wall shows words only."))
        if self.fundraiser_obj is None:
            data["amount_shown_to_fundraiser"] = False
        if data.get("is_anonymous"):
            data["display_name"] = ""
        elif not (data.get("display_name") or "").strip():
            self.add_error("display_name", _("Enter a name for the donor wall, or choose to give anonymously."))
        if data.get("dedication"):
            if not (data.get("honoree_name") or "").strip():
                self.add_error("honoree_name", _("Enter the name of the person you are honoring."))
        else:
            data["honoree_name"], data["honoree_email"] = "", ""
        return data

    def amount_choices(self) -> list[tuple[str, str]]:
        return [(str(d), money.format_cents(d * 100, whole=True)) for d in self.preset_dollars]

    def total_rules(self) -> dict[str, str]:
        """What static/js/donate.js needs to show the same total the server will charge."""
        return {
            "min": str(settings.GIFT_MIN_CENTS),
            "max": str(settings.GIFT_MAX_CENTS),
            "fee_percent": str(money.FEE_PERCENT),
            "fee_fixed": str(money.FEE_FIXED_CENTS),
        }

    def fee_examples(self) -> list[tuple[str, str]]:
        """(amount, fee) for each preset, formatted: the exact amount the fee box adds, shown without JavaScript."""
        return [
            (money.format_cents(d * 100, whole=True), money.format_cents(money.fee_cents(d * 100)))
            for d in self.preset_dollars
        ]


class PlanManageForm(forms.Form):
    email = forms.EmailField(
        label=_("The email you gave with"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
    )


class PlanManageOpenForm(forms.Form):
    """The emailed token, copied from the link's fragment by a script (or pasted by the donor)."""

    token = forms.CharField(
        label=_("Code from the email"),
        max_length=1000,  # a longer one is a wrong one: told so like any other wrong code
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-token-from-fragment": ""}),
        error_messages={"required": _("Open the link in the email again, or paste the code that ends it.")},
    )
