"""
The pages a foundation must publish (privacy policy, terms of use, contact), written by staff in
Markdown with a Spanish version, like the campaign's own text.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.localization import LocalizedContent


class SitePage(LocalizedContent, models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy policy for donors")
        PRIVACY_FAMILIES = "privacy-families", _("Privacy policy for Destination Care families")
        TERMS = "terms", _("Terms of use")
        CONTACT = "contact", _("Contact us")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    body = models.TextField(
        _("text"), help_text=_("Markdown: ## for a heading, - for a list, [words](address) for a link.")
    )
    body_es = models.TextField(_("text (Spanish)"), blank=True, help_text=_("Left blank, the English text is shown."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse(f"pages:{self.kind.replace('-', '_')}")
