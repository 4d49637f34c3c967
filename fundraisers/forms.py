import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import money

from .models import Fundraiser, Team

EMAIL_ERRORS = {
    "required": _("Enter your email address."),
    "invalid": _("Enter a valid email address, like name@example.com."),
}
LONGEST_FUNDRAISER_DAYS = 366


class SignUpForm(forms.Form):
    """Step one: the email the sign-in link goes to. No password is ever asked for."""

    email = forms.EmailField(label=_("Your email"), max_length=254, error_messages=EMAIL_ERRORS)
    # A field a person never sees: a bot that fills every input gives itself away.
    leave_blank = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class FundraiserForm(forms.ModelForm):
    """Step two, from the emailed link: the page itself. The goal is typed in dollars."""

    goal = forms.CharField(
        label=_("Your goal (US dollars)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Enter a goal, for example 500.")},
    )
    team = forms.ModelChoiceField(label=_("Join a team (optional)"), queryset=Team.objects.none(), required=False)
    new_team = forms.CharField(label=_("Or start a team (optional)"), max_length=120, required=False)
    share_consent = forms.BooleanField(
        label=_(
            "I may share what I write and the photo I upload, and anyone named or shown in them agrees "
            "(for a child, their parent or guardian)."
        ),
        error_messages={"required": _("Please confirm that you may share this story and photo.")},
    )

    class Meta:
        model = Fundraiser
        fields = ["display_name", "title", "story", "photo", "photo_alt", "ends_on"]
        labels = {"display_name": _("Your name as shown on the page"), "title": _("Title of your page")}
        widgets = {"ends_on": forms.DateInput(attrs={"type": "date"}), "story": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["team"].queryset = Team.objects.filter(campaign=campaign).order_by("name")
        self.fields["story"].help_text = _("Markdown: **bold**, *italic*, lists. Up to 5,000 characters.")
        self.fields["photo_alt"].help_text = _("Describe the photo for people who can’t see it.")

    def clean_goal(self):
        try:
            cents = money.parse_amount(self.cleaned_data["goal"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if not 100_00 <= cents <= 1_000_000_00:
            raise forms.ValidationError(_("Choose a goal between $100 and $1,000,000."))
        return cents

    def clean_ends_on(self):
        ends_on = self.cleaned_data.get("ends_on")
        today = timezone.localdate()
        if ends_on and not today <= ends_on <= today + datetime.timedelta(days=LONGEST_FUNDRAISER_DAYS):
            raise forms.ValidationError(_("Choose an end date between today and a year from now."))
        return ends_on

    def clean(self):
        data = super().clean()
        if data.get("team") and (data.get("new_team") or "").strip():
            self.add_error("new_team", _("Join a team or start one, not both."))
        return data


class ManageOpenForm(forms.Form):
    """The fundraiser's token, copied from the link's fragment by a script (or pasted)."""

    token = forms.CharField(
        label=_("Code from the email"),
        # No max_length: a longer one is a wrong one, told so like any other wrong code.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-token-from-fragment": ""}),
        error_messages={"required": _("Open the link in the email again, or paste the code that ends it.")},
    )


# Links and addresses make a note look like spam, and a note is no place to ask donors to go elsewhere.
LINK_OR_ADDRESS = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|[^\s@]@[^\s@]+\.[a-z]{2,})")


class ThankYouForm(forms.Form):
    """A fundraiser's note to one donor of their page; the site sends it, the fundraiser never sees the address."""

    gift = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    note = forms.CharField(
        label=_("Your thank-you note"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a few words of thanks."),
            "max_length": _("Keep your note to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if LINK_OR_ADDRESS.search(note):
            raise forms.ValidationError(_("Please leave out links and email addresses."))
        return note


class FundraiserEditForm(FundraiserForm):
    """The fundraiser's own edit of their page, from their signed link: the same rules as creating it."""

    REVIEWED_FIELDS = ("display_name", "title", "story", "photo", "photo_alt")

    def __init__(self, *args, instance: Fundraiser, **kwargs):
        super().__init__(*args, instance=instance, campaign=instance.campaign, **kwargs)
        del self.fields["team"], self.fields["new_team"]
        self.fields["goal"].initial = f"{instance.goal_cents // 100}" if not instance.goal_cents % 100 else None
        self.fields["share_consent"].initial = False  # confirmed again for what is now written

    def clean(self):
        return forms.ModelForm.clean(self)

    def needs_review(self) -> bool:
        """Words or a photo changed: what the public reads must be reviewed again."""
        return any(name in self.changed_data for name in self.REVIEWED_FIELDS)
