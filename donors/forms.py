import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import consent

from .models import TributeCard


class DoorForm(forms.Form):
    email = forms.EmailField(
        label=_("The email you gave with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
    )


class OpenForm(forms.Form):
    """The emailed token, copied from the link's fragment by a script (or pasted by the donor)."""

    token = forms.CharField(
        label=_("Code from the email"),
        max_length=1000,  # a longer one is a wrong one: told so like any other wrong code
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-token-from-fragment": ""}),
        error_messages={"required": _("Open the link in the email again, or paste the code that ends it.")},
    )


# A card's words go to someone the donor chose: no links or addresses in them.
LINK_OR_ADDRESS = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|[^\s@]@[^\s@]+\.[a-z]{2,}|[<>])")


def _no_links(value: str) -> str:
    if LINK_OR_ADDRESS.search(value or ""):
        raise forms.ValidationError(_("Please leave out links, email addresses and < > signs."))
    return " ".join((value or "").split()) if "\n" not in (value or "") else value.strip()


class TributeCardForm(forms.Form):
    design = forms.ChoiceField(
        label=_("Card design"),
        choices=TributeCard.Design.choices,
        initial=TributeCard.Design.SUNRISE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a design."), "invalid_choice": _("Choose a design.")},
    )
    from_name = forms.CharField(
        label=_("From (your name as the card shows it)"),
        max_length=120,
        error_messages={"required": _("Enter your name as the card should show it.")},
    )
    message = forms.CharField(
        label=_("Your message (optional)"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep your message to %(limit_value)d characters (it has %(show_value)d).")},
    )
    show_amount = forms.BooleanField(label=_("Show the amount of my gift on the card"), required=False)
    recipient_name = forms.CharField(label=_("Recipient's name"), required=False, max_length=120)
    recipient_email = forms.EmailField(
        label=_("Recipient's email (for the e-card)"),
        required=False,
        help_text=_("Leave empty for a printed card only."),
        error_messages={"invalid": _("Enter a valid email address, like name@example.com.")},
    )
    send_on = forms.DateField(
        label=_("Send the e-card on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose the day to send it."), "invalid": _("Enter a date like 2026-12-24.")},
    )
    print_requested = forms.BooleanField(label=_("Also mail a printed card"), required=False)
    mail_to = forms.CharField(
        label=_("Name and mailing address for the printed card"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "shipping street-address"}),
    )
    honoree_link = forms.CharField(
        label=_("Add to an existing tribute page (optional)"),
        required=False,
        max_length=300,
        help_text=_("Paste the link of the family's tribute page, if someone already shared it with you."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["send_on"].initial = timezone.localdate()

    def clean_from_name(self):
        return _no_links(self.cleaned_data["from_name"])

    def clean_message(self):
        return _no_links(self.cleaned_data["message"])

    def clean_recipient_name(self):
        return _no_links(self.cleaned_data["recipient_name"])

    def clean_send_on(self):
        day = self.cleaned_data["send_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if day > today + datetime.timedelta(days=365):
            raise forms.ValidationError(_("Choose a day within the next year."))
        return day

    def clean_honoree_link(self):
        from .tributes import honoree_for_link

        value = self.cleaned_data["honoree_link"].strip()
        if not value:
            return None
        honoree = honoree_for_link(value)
        if honoree is None:
            raise forms.ValidationError(_("We could not find that tribute page. Check the link, or leave it empty."))
        return honoree

    def clean(self):
        data = super().clean()
        if data.get("print_requested") and not (data.get("mail_to") or "").strip():
            self.add_error("mail_to", _("Enter where to mail the printed card."))
        if not data.get("print_requested") and not data.get("recipient_email") and "recipient_email" not in self.errors:
            self.add_error("recipient_email", _("Enter an email for the e-card, or ask for a printed card."))
        data["honoree"] = data.pop("honoree_link", None)
        return data


class PreferencesForm(forms.Form):
    receipt_name = forms.CharField(
        label=_("Name for your receipts"),
        required=False,
        max_length=200,
        help_text=_("As it should appear on receipts and statements, for example “Dr. Ana Rivera”."),
    )
    mailing_address = forms.CharField(
        label=_("Mailing address"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    newsletter = forms.BooleanField(label=consent.NEWSLETTER_WORDING, required=False)

    def clean_receipt_name(self):
        return _no_links(self.cleaned_data["receipt_name"])
