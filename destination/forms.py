"""
The family inquiry and physician referral forms. Each asks only what a coordinator needs for a
first call; every error says what to do next.
"""

import re

import phonenumbers
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.phonenumber import PhoneNumber

from destination.models import CareRequest, Specialty

HONEYPOT_FIELD = "leave_blank"
MAX_AGE_YEARS = 21
MAX_AGE_MONTHS = 35
INITIALS_PATTERN = re.compile(r"^[^\W\d_]{2,3}$")


def _required(message):
    return {"required": message}


class CareRequestForm(forms.ModelForm):
    """What both forms share: contact, country, age, consent, and the honeypot."""

    # A field a person never sees (hidden by CSS, skipped by the keyboard and by screen readers);
    # a bot that fills every input gives itself away.
    leave_blank = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        help_text=_("With the area code. Add the country code (+…) if it is not the country chosen above."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: (
            [("", _("Choose a country")), ("US", countries.name("US"))]
            + [(code, name) for code, name in countries if code != "US"]
        ),
        error_messages=_required(_("Choose the country you live in.")),
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    age_value = forms.IntegerField(
        label=_("Child's age"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": str(MAX_AGE_YEARS)}),
        error_messages={
            "invalid": _("Enter the age as a whole number, for example 4."),
            "min_value": _("The age cannot be below 0."),
        },
    )
    age_unit = forms.ChoiceField(
        label=_("Age in"),
        choices=CareRequest.AgeUnit.choices,
        initial=CareRequest.AgeUnit.YEARS,
        error_messages=_required(_("Choose years, months, or not born yet.")),
    )
    specialty = forms.ChoiceField(
        label=_("Specialty"),
        choices=[("", _("Choose the closest match")), *Specialty.choices],
        error_messages=_required(_("Choose the closest specialty, or “Not sure yet”.")),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages=_required(_("Please tick the box so that we may keep these details and contact you.")),
    )

    phone_required = False

    class Meta:
        model = CareRequest
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = self.phone_required
        self.fields["phone"].error_messages["required"] = _("Enter a phone number so that we can call you back.")
        self.fields["email"].error_messages.update(
            required=_("Enter your email address so that we can confirm we received this."),
            invalid=_("Enter an email address like name@example.com."),
        )
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["contact_name"].widget.attrs.update(autocomplete="name")

    @property
    def is_bot(self) -> bool:
        """True when the honeypot was filled: the view answers as if all went well and keeps nothing."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clean(self):
        cleaned = super().clean()
        self._clean_age(cleaned)
        self._clean_phone(cleaned)
        cleaned.pop("consent", None)
        cleaned.pop(HONEYPOT_FIELD, None)
        return cleaned

    def _clean_age(self, cleaned):
        unit, value = cleaned.get("age_unit"), cleaned.get("age_value")
        if "age_value" in self.errors or not unit:
            return
        if unit == CareRequest.AgeUnit.PRENATAL:
            cleaned["age_value"] = None
        elif value is None:
            self.add_error("age_value", _("Enter the child's age, or choose “not born yet”."))
        elif unit == CareRequest.AgeUnit.YEARS and value > MAX_AGE_YEARS:
            message = _("We care for children and young adults up to %(max)s years old.")
            self.add_error("age_value", message % {"max": MAX_AGE_YEARS})
        elif unit == CareRequest.AgeUnit.MONTHS and value > MAX_AGE_MONTHS:
            self.add_error("age_value", _("For a child of 3 or older, give the age in years."))

    def _clean_phone(self, cleaned):
        raw = (cleaned.get("phone") or "").strip()
        if not raw:
            cleaned["phone"] = ""
            if cleaned.get("preferred_contact") in (CareRequest.ContactMethod.PHONE, CareRequest.ContactMethod.TEXT):
                self.add_error("phone", _("Enter a phone number, as you would like us to call or text you."))
            return
        region = cleaned.get("country") or None
        if region is None and not raw.startswith("+"):
            # The country is missing or wrong and has its own error; the number is checked once it is fixed.
            cleaned["phone"] = ""
            return
        try:
            number = PhoneNumber.from_string(raw, region=region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not number.is_valid():
            self.add_error(
                "phone",
                _(
                    "This does not look like a complete phone number for the country chosen. "
                    "Include the area code, or start with + and the country code."
                ),
            )
            return
        cleaned["phone"] = number


class InquiryForm(CareRequestForm):
    prefix_id = "inquiry"
    kind = CareRequest.Kind.INQUIRY

    class Meta:
        model = CareRequest
        fields = [
            "contact_name",
            "email",
            "country",
            "phone",
            "preferred_contact",
            "preferred_language",
            "age_value",
            "age_unit",
            "specialty",
            "condition",
            "details",
        ]
        labels = {
            "contact_name": _("Your name (parent or guardian)"),
            "email": _("Email"),
            "preferred_contact": _("How should we contact you?"),
            "preferred_language": _("Preferred language"),
            "condition": _("Condition or diagnosis, in a few words (optional)"),
            "details": _("How can we help?"),
        }
        help_texts = {
            "details": _("A few sentences are enough: your coordinator will ask the rest when they call."),
        }
        error_messages = {
            "contact_name": _required(_("Enter your name so that we know whom to ask for.")),
            "preferred_contact": _required(_("Choose how you would like us to contact you.")),
            "preferred_language": _required(_("Choose the language you would like us to speak.")),
            "details": _required(_("Tell us briefly how we can help your child.")),
        }
        widgets = {
            "details": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "condition": forms.TextInput(attrs={"maxlength": 200}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_contact"].required = True
        self.fields["preferred_contact"].choices = CareRequest.ContactMethod.choices
        self.fields["preferred_contact"].initial = CareRequest.ContactMethod.EMAIL
        self.fields["preferred_contact"].widget = forms.RadioSelect(choices=CareRequest.ContactMethod.choices)
        self.fields["preferred_language"].required = True
        self.fields["preferred_language"].choices = CareRequest.Language.choices
        # Whoever reads the site in Spanish most likely wants to be called in Spanish.
        self.fields["preferred_language"].initial = (
            CareRequest.Language.SPANISH if get_language() == "es" else CareRequest.Language.ENGLISH
        )
        self.fields["consent"].label = _(
            "I agree that the Destination Care team may keep these details and contact me about my child's care."
        )


class ReferralForm(CareRequestForm):
    prefix_id = "referral"
    kind = CareRequest.Kind.REFERRAL
    phone_required = True

    # Longer than the 3 stored letters, so that "J. D." is accepted and normalised to "JD".
    patient_initials = forms.CharField(
        label=_("Patient's initials"),
        max_length=8,
        help_text=_("2 or 3 letters only, no name."),
        error_messages=_required(_("Enter the patient's initials (2 or 3 letters).")),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "class": "initials"}),
    )

    class Meta:
        model = CareRequest
        fields = [
            "contact_name",
            "practice",
            "email",
            "country",
            "phone",
            "patient_initials",
            "age_value",
            "age_unit",
            "specialty",
            "urgency",
            "details",
        ]
        labels = {
            "contact_name": _("Your name (referring physician)"),
            "practice": _("Practice or hospital"),
            "email": _("Email"),
            "urgency": _("Urgency"),
            "details": _("Clinical summary"),
        }
        help_texts = {
            "details": _("Diagnosis, relevant history and the question for our team. No names or record numbers."),
        }
        error_messages = {
            "contact_name": _required(_("Enter your name so that we know whom to call back.")),
            "practice": _required(_("Enter your practice or hospital.")),
            "urgency": _required(_("Choose how urgent this referral is.")),
            "details": _required(_("Enter a short clinical summary.")),
        }
        widgets = {
            "details": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].required = True
        self.fields["practice"].widget.attrs.update(autocomplete="organization")
        self.fields["urgency"].required = True
        self.fields["urgency"].choices = CareRequest.Urgency.choices
        self.fields["urgency"].initial = CareRequest.Urgency.ROUTINE
        self.fields["urgency"].widget = forms.RadioSelect(choices=CareRequest.Urgency.choices)
        self.fields["age_value"].label = _("Patient's age")
        self.fields["country"].label = _("Country where the patient lives")
        self.fields["consent"].label = _(
            "The patient's parent or guardian agrees to this referral, and the Destination Care team may keep "
            "these details and contact me about it."
        )

    def clean_patient_initials(self):
        # "J.D." and "j d" are the same initials; anything longer could be a name.
        initials = re.sub(r"[\s.\-]", "", self.cleaned_data["patient_initials"]).upper()
        if not INITIALS_PATTERN.match(initials):
            raise forms.ValidationError(_("Enter 2 or 3 letters only (initials, not a name), for example JD."))
        return initials


FORMS = {CareRequest.Kind.INQUIRY: InquiryForm, CareRequest.Kind.REFERRAL: ReferralForm}
