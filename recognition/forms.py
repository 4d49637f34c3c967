from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NamingInquiry


class NamingInquiryForm(forms.ModelForm):
    """“Ask about naming this space”: what the development office needs to call back."""

    # A field a person never sees: a bot that fills every input gives itself away.
    leave_blank = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = NamingInquiry
        fields = ["name", "email", "phone", "message"]
        labels = {"name": _("Your name"), "email": _("Your email"), "phone": _("Phone (optional)")}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "message": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "name": {"required": _("Enter your name.")},
            "email": {
                "required": _("Enter your email address."),
                "invalid": _("Enter a valid email address, like name@example.com."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = _("Message (optional)")

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("leave_blank"))
