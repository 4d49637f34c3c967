from django import forms
from django.utils.translation import gettext_lazy as _


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
