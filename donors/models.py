"""The donor's own corner: the keys that open their pages, and the statements already sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DonorAccessToken(models.Model):
    """
    A single-use, expiring key emailed to a donor: it opens their pages (every gift, plan and
    tribute of that address) in one browser for a while. Only its SHA-256 is stored.
    """

    email = models.EmailField(_("email"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("donor access link")
        verbose_name_plural = _("donor access links")
        indexes = [models.Index(fields=["expires_at"], name="donoraccess_expires_idx")]

    def __str__(self):
        return f"Donor access link {self.pk}"


class StatementSend(models.Model):
    """
    One annual giving statement emailed to one address: the row is the claim, so a second run of
    the command (or two at once) never sends the same statement twice.
    """

    email = models.EmailField(_("email"))
    year = models.PositiveSmallIntegerField(_("tax year"))
    deductible_cents = models.BigIntegerField(_("deductible (cents)"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement sent")
        verbose_name_plural = _("statements sent")
        constraints = [models.UniqueConstraint(fields=["email", "year"], name="statementsend_once_per_year")]

    def __str__(self):
        return f"Statement {self.year} for {self.email}"
