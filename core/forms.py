"""
The project's form renderer: Django's own, with every required field's control marked
aria-required="true" beside the HTML `required` attribute (screen readers announce it even
where a form has novalidate). Radio buttons are left to `required` alone: ARIA does not allow
aria-required on a radio (only on its group), and axe flags it.
"""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class RequiredMarkedBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        is_radio = getattr(widget, "input_type", None) == "radio"
        # Exactly where Django wrote `required` (not on a select that always has a value).
        if attrs.get("required") and not is_radio:
            attrs.setdefault("aria-required", "true")
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = RequiredMarkedBoundField
