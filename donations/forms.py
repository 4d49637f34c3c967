import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.models import Campaign
from core import consent, money
from core.localization import localized
from fundraisers.models import Fundraiser

from . import extensions
from .models import EMPLOYER_NAME_MAX_LENGTH, RECURRING_FREQUENCIES, Frequency, Gift, Pledge
from .services.pledges import pledge_schedule_text

OTHER = "other"
MESSAGE_MAX_LENGTH = 500
# What a designation's slug can be: anything else never reaches a query.
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# Spam on a donor wall is mostly links: a message with one is refused before anyone reviews it.
LINK_OR_ADDRESS = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|[^\s@]@[^\s@]+\.[a-z]{2,})")
PLEDGE_TOO_LARGE = _(
    "An online pledge is limited to %(max)s in all. For a larger pledge, please contact us: we would love to help."
)
INSTALLMENTS_RANGE = _("A pledge is paid in 2 to 60 instalments.")
MIN_INSTALLMENTS = 2
# What a utm_* value or a ?source= code may be: words, digits and - _ . + % ~ (anything else is dropped).
ATTRIBUTION = re.compile(r"[-\w.+%~ ]+")
ATTRIBUTION_FIELDS = {"utm_source": 100, "utm_medium": 100, "utm_campaign": 100, "source": 40}
TOO_LARGE = _("Online gifts are limited to %(max)s. For a larger gift, please contact us: we would love to help.")

# "Or give $X a month": a quarter of a one-time gift, in whole dollars rounded down (static/js/donate.js
# computes it the same way from total_rules()["monthly_divisor"]).
MONTHLY_SUGGESTION_DIVISOR = 4


def monthly_suggestion_cents(one_time_cents: int) -> int | None:
    """The smaller monthly gift suggested instead of a one-time one, or None when it would be too small."""
    cents = one_time_cents // MONTHLY_SUGGESTION_DIVISOR // 100 * 100
    return cents if cents >= max(settings.GIFT_MIN_CENTS, 100) else None


def attribution_value(name: str, value) -> str:
    """A landing URL's utm_* or source value as kept on the gift: bounded, plain, else ""."""
    text = " ".join(str(value or "").split())[: ATTRIBUTION_FIELDS[name]]
    return text if ATTRIBUTION.fullmatch(text) else ""


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
            "required": _("Choose how often you give: one time, monthly, quarterly or annually."),
            "invalid_choice": _("Choose how often you give: one time, monthly, quarterly or annually."),
        },
    )
    # A pledge: the amount is each instalment's, paid this many times, then the plan ends.
    installments = forms.CharField(
        label=_("Number of payments (for a pledge)"),
        required=False,  # no max_length: an over-long value is told what is wrong with it, like any other
        help_text=_("Leave empty to give until you stop. For a pledge, 2 to 60 payments."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "2"}),
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

    employer_match = forms.BooleanField(label=_("My employer matches gifts"), required=False)
    employer_name = forms.CharField(
        label=_("Employer's name"),
        required=False,
        max_length=EMPLOYER_NAME_MAX_LENGTH,
        help_text=_("We will remind you to ask them to match your gift, and follow it up with them."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={
            "max_length": _("Keep the employer's name to %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    newsletter = forms.BooleanField(label=consent.NEWSLETTER_WORDING, required=False, initial=False)
    remind_me = forms.BooleanField(label=_("Email me a link if I don't finish"), required=False)
    reminder_email = forms.EmailField(
        label=_("Your email, for that one reminder"),
        required=False,
        max_length=254,
        help_text=_("One email with a link back to your gift, only if you leave before paying. Nothing else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid email address, like name@example.com.")},
    )
    # Where the donor came from (utm_* and ?source= of the landing URL): hidden, never an error.
    utm_source = forms.CharField(widget=forms.HiddenInput, required=False)
    utm_medium = forms.CharField(widget=forms.HiddenInput, required=False)
    utm_campaign = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.CharField(widget=forms.HiddenInput, required=False)

    # A field a person never sees (off-screen, skipped by the keyboard and by screen readers);
    # a bot that fills every input gives itself away (donations.antifraud refuses it).
    leave_blank = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args,
        campaign: Campaign,
        fundraiser: Fundraiser | None = None,
        offer: extensions.GiftOffer | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.campaign_obj = campaign
        # A gift extension's offer (a space to name): the amount, frequency and designation are its.
        self.offer = offer
        if offer is not None:
            self.fields[offer.key] = forms.CharField(widget=forms.HiddenInput, initial=offer.ref, required=False)
            self.fields["recognition_name"] = forms.CharField(
                label=offer.name_label,
                help_text=offer.name_help,
                max_length=offer.name_max_length,
                error_messages={
                    "required": _("Enter the name you would like on the space."),
                    "max_length": _("Keep the name to %(limit_value)d characters (it has %(show_value)d)."),
                },
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )
            self.fields["frequency"].required = False
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
    def initial_from_query(cls, query, *, campaign: Campaign, designation_slugs: frozenset[str] | None = None) -> dict:
        """
        Prefill from ?amount=&frequency=&designation=; a bad value is ignored, never an error.
        `campaign` needs only slug, preset_amounts_cents and monthly_by_default (donations.form_cache
        passes what it cached of one) when `designation_slugs` names its designations; else they are read.
        """
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
        if campaign.monthly_by_default:
            initial["frequency"] = Frequency.MONTHLY
        if query.get("frequency") in Frequency.values:
            initial["frequency"] = query["frequency"]
        count = str(query.get("installments", ""))[:4]
        if count.isascii() and count.isdigit() and MIN_INSTALLMENTS <= int(count) <= Pledge.MAX_INSTALLMENTS:
            initial["installments"] = int(count)
        for name in ATTRIBUTION_FIELDS:
            if value := attribution_value(name, query.get(name)):
                initial[name] = value
        designation = str(query.get("designation", ""))
        if SLUG_RE.fullmatch(designation) and (
            designation in designation_slugs
            if designation_slugs is not None
            else campaign.designations.filter(slug=designation).exists()
        ):
            initial["designation"] = query["designation"]
        return initial

    @classmethod
    def initial_from_gift(cls, gift: Gift) -> dict:
        """What the donor entered for an unpaid gift, to fill the form again when they come back from Checkout."""
        presets = [cents // 100 for cents in gift.campaign.preset_amounts_cents]
        initial: dict = {"returned": True, "frequency": gift.frequency, "cover_fee": gift.fee_cents > 0}
        if gift.amount_cents % 100 == 0 and gift.amount_cents // 100 in presets:
            initial["amount"] = str(gift.amount_cents // 100)
        else:
            initial["amount"], initial["other_amount"] = (
                OTHER,
                f"{gift.amount_cents // 100}.{gift.amount_cents % 100:02d}",
            )
        if gift.designation_id:
            initial["designation"] = gift.designation.slug
        initial.update(
            display_name=gift.display_name,
            is_anonymous=gift.is_anonymous,
            message=gift.message,
            dedication=gift.dedication,
            honoree_name=gift.honoree_name,
            honoree_email=gift.honoree_email,
            newsletter=gift.newsletter_consent_at is not None,
            remind_me=bool(gift.recovery_email),
            reminder_email=gift.recovery_email,
            utm_source=gift.utm_source,
            utm_medium=gift.utm_medium,
            utm_campaign=gift.utm_campaign,
            source=gift.source_code,
            employer_match=bool(gift.employer_match_status),
            employer_name=gift.employer_name,
        )
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
        if self.offer is not None:
            return self._clean_offer(data)
        return self._clean_gift(data)

    def _clean_offer(self, data: dict) -> dict:
        """A gift for an offer: one time, the offer's amount and designation, whatever was posted for them."""
        offer = self.offer
        if offer is None:
            raise ValueError("no offer")
        data["frequency"] = Frequency.ONE_TIME
        data["amount_cents"] = offer.amount_cents
        data["fee_cents"] = money.fee_cents(offer.amount_cents) if data.get("cover_fee") else 0
        data["designation"] = self.designations.get(offer.designation_slug) if offer.designation_slug else None
        for name in ("amount", "other_amount", "installments", "designation", "frequency"):
            self.errors.pop(name, None)
        name = " ".join((data.get("recognition_name") or "").split())
        if "recognition_name" not in self.errors:
            if not any(c.isalnum() for c in name):
                self.add_error("recognition_name", _("Enter the name you would like on the space."))
            elif LINK_OR_ADDRESS.search(name) or any(c in name for c in "<>{}"):
                self.add_error(
                    "recognition_name", _("Enter the name as words only, without links, addresses or symbols.")
                )
        data["recognition_name"] = name
        data = self._clean_gift(data, amount_fixed=True)
        data["installments"] = None
        return data

    def _clean_gift(self, data: dict, *, amount_fixed: bool = False) -> dict:
        if not amount_fixed:
            self._clean_amount(data)
            self._clean_installments(data)
        return self._clean_rest(data)

    def _clean_amount(self, data: dict) -> None:
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

    def _clean_rest(self, data: dict) -> dict:
        if LINK_OR_ADDRESS.search(data.get("message") or ""):
            self.add_error("message", _("Please leave out links and email addresses: the donor wall shows words only."))
        if self.fundraiser_obj is None:
            data["amount_shown_to_fundraiser"] = False
        if data.get("is_anonymous"):
            data["display_name"] = ""
        elif not (data.get("display_name") or "").strip():
            self.add_error("display_name", _("Enter a name for the donor wall, or choose to give anonymously."))
        for name in ATTRIBUTION_FIELDS:
            data[name] = attribution_value(name, data.get(name))
        if data.get("remind_me") and not data.get("reminder_email") and "reminder_email" not in self.errors:
            self.add_error("reminder_email", _("Enter your email for the reminder, or uncheck the box."))
        if not data.get("remind_me"):
            data["reminder_email"] = ""
        employer = " ".join((data.get("employer_name") or "").split())  # no line breaks or runs of spaces
        if data.get("employer_match"):
            if not employer and "employer_name" not in self.errors:
                self.add_error(
                    "employer_name", _("Enter your employer's name, or uncheck “My employer matches gifts”.")
                )
            elif LINK_OR_ADDRESS.search(employer) or not any(c.isalnum() for c in employer):
                self.add_error("employer_name", _("Enter your employer's name as words, like “Acme Corporation”."))
            data["employer_name"] = employer
        else:
            data["employer_name"] = ""
        if data.get("dedication"):
            if not (data.get("honoree_name") or "").strip():
                self.add_error("honoree_name", _("Enter the name of the person you are honoring."))
        else:
            data["honoree_name"], data["honoree_email"] = "", ""
        return data

    def _clean_installments(self, data: dict) -> None:
        """`installments` (empty: an open-ended gift) becomes an int, checked against the frequency and the total."""
        text = (data.get("installments") or "").strip()
        data["installments"] = None
        if not text:
            return
        if not (text.isascii() and text.lstrip("-").isdigit()):
            self.add_error("installments", _("Enter the number of instalments as a whole number, like 12."))
            return
        count = int(text[:10])  # a hundred digits are as out of range as ten
        if not MIN_INSTALLMENTS <= count <= Pledge.MAX_INSTALLMENTS:
            self.add_error("installments", INSTALLMENTS_RANGE)
            return
        if data.get("frequency") not in RECURRING_FREQUENCIES:
            if data.get("frequency"):
                self.add_error("installments", _("Choose monthly, quarterly or annual for a pledge."))
            return
        cents = data.get("amount_cents")
        if cents is not None and cents * count > settings.PLEDGE_MAX_CENTS:
            self.add_error("installments", PLEDGE_TOO_LARGE % {"max": money.format_cents(settings.PLEDGE_MAX_CENTS)})
            return
        data["installments"] = count

    def pledge_summary(self) -> str:
        """The pledge the form describes, in words ("A pledge of $3,000.00: $250.00 a month for 12 months."), or ""."""
        values = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else None
        if values is not None:
            cents, count, frequency = values.get("amount_cents"), values.get("installments"), values.get("frequency")
        else:
            frequency = self["frequency"].value()
            count = self["installments"].value()
            amount = self["amount"].value()
            text = self["other_amount"].value() if amount == OTHER else amount
            try:
                cents = money.parse_amount(str(text)) if text else None
            except ValueError:
                cents = None
        if not cents or not count or frequency not in RECURRING_FREQUENCIES:
            return ""
        return pledge_schedule_text(installment_cents=cents, installments=int(count), frequency=frequency)

    def monthly_suggestion(self) -> dict | None:
        """
        "Or give $X a month" for the amount the form holds (else the first preset that allows one), with the
        no-JavaScript link (?campaign=&amount=&frequency=monthly); None for a recurring gift or no amount.
        """
        values = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else None
        frequency = values.get("frequency") if values is not None else self["frequency"].value()
        if frequency and frequency != Frequency.ONE_TIME:
            return None
        if values is not None:
            cents = values.get("amount_cents")
        else:
            amount = self["amount"].value()
            text = self["other_amount"].value() if amount == OTHER else amount
            try:
                cents = money.parse_amount(str(text)[:20]) if text else None
            except ValueError:
                cents = None
        candidates = [cents] if cents else [dollars * 100 for dollars in self.preset_dollars]
        for one_time in candidates:
            if (monthly := monthly_suggestion_cents(one_time)) and one_time <= settings.GIFT_MAX_CENTS:
                query = {"campaign": self.campaign_obj.slug, "amount": monthly // 100, "frequency": Frequency.MONTHLY}
                if self.fundraiser_obj is not None:
                    query["fundraiser"] = self.fundraiser_obj.slug
                return {"cents": monthly, "amount": money.format_cents(monthly, whole=True), "query": urlencode(query)}
        return None

    def amount_choices(self) -> list[tuple[str, str]]:
        return [(str(d), money.format_cents(d * 100, whole=True)) for d in self.preset_dollars]

    def total_rules(self) -> dict[str, str]:
        """What static/js/donate.js needs to show the same total the server will charge."""
        return {
            "min": str(settings.GIFT_MIN_CENTS),
            "max": str(settings.GIFT_MAX_CENTS),
            "fee_percent": str(money.FEE_PERCENT),
            "fee_fixed": str(money.FEE_FIXED_CENTS),
            "monthly_divisor": str(MONTHLY_SUGGESTION_DIVISOR),
        }

    def fee_examples(self) -> list[tuple[str, str]]:
        """(amount, fee) for each preset, formatted: the exact amount the fee box adds, shown without JavaScript."""
        if self.offer is not None:  # the one amount this gift can be
            cents = self.offer.amount_cents
            return [(money.format_cents(cents, whole=True), money.format_cents(money.fee_cents(cents)))]
        return [
            (money.format_cents(d * 100, whole=True), money.format_cents(money.fee_cents(d * 100)))
            for d in self.preset_dollars
        ]


class PlanManageOpenForm(forms.Form):
    """The emailed token, copied from the link's fragment by a script (or pasted by the donor)."""

    token = forms.CharField(
        label=_("Code from the email"),
        max_length=1000,  # a longer one is a wrong one: told so like any other wrong code
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-token-from-fragment": ""}),
        error_messages={"required": _("Open the link in the email again, or paste the code that ends it.")},
    )


class PlanChangeForm(forms.Form):
    """One change to the donor's plan; `action` says which, and only that change's field is read."""

    ACTIONS = ("amount", "frequency", "pause", "resume", "cancel")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    amount = forms.CharField(label=_("New amount each time"), max_length=20, required=False)
    frequency = forms.ChoiceField(
        label=_("How often"),
        required=False,
        choices=[(f.value, f.label) for f in Frequency if f.value in RECURRING_FREQUENCIES],
    )
    months = forms.TypedChoiceField(
        label=_("Pause for"),
        required=False,
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 7)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Worded here, per request: formatted at import time, the labels would keep the language
        # the process started in (and "1 month(s)" reads badly in either).
        self.fields["months"].choices = [
            (n, ngettext("%(n)s month", "%(n)s months", n) % {"n": n}) for n in range(1, 7)
        ]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "amount":
            text = (data.get("amount") or "").strip()
            try:
                cents = money.parse_amount(text) if text else None
            except ValueError as error:
                self.add_error("amount", str(error))
                return data
            if cents is None:
                self.add_error("amount", _("Enter the new amount."))
            elif cents < settings.GIFT_MIN_CENTS:
                self.add_error("amount", _("The smallest gift we can take online is %(min)s.") % _amount_error_bounds())
            elif cents > settings.GIFT_MAX_CENTS:
                self.add_error("amount", TOO_LARGE % _amount_error_bounds())
            else:
                data["amount_cents"] = cents
        elif action == "frequency" and not data.get("frequency"):
            self.add_error("frequency", _("Choose how often."))
        elif action == "pause" and not data.get("months"):
            self.add_error("months", _("Choose for how many months (1 to 6)."))
        return data
