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


def _private_key() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Honoree(models.Model):
    """
    The person a tribute page is for. Its page is private: reachable only by its unguessable key,
    which the donor gives to the family. Staff may merge two pages by moving cards between them.
    """

    name = models.CharField(_("name"), max_length=200)
    is_memorial = models.BooleanField(_("in memory"), default=False)
    key = models.CharField(max_length=64, unique=True, default=_private_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("honoree")
        verbose_name_plural = _("honorees")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("donors:honoree", kwargs={"key": self.key})


class TributeCard(models.Model):
    """
    The card that comes with a gift in honor or in memory: an e-card emailed on a chosen day with a
    link to its web page, and, if asked, a printed card that staff mail (the print queue).
    """

    class Design(models.TextChoices):
        SUNRISE = "sunrise", _("Sunrise")
        LEAVES = "leaves", _("Leaves")
        STARS = "stars", _("Night stars")
        HEARTS = "hearts", _("Hearts")

    gift = models.OneToOneField("donations.Gift", on_delete=models.PROTECT, related_name="tribute_card")
    honoree = models.ForeignKey(Honoree, on_delete=models.PROTECT, related_name="cards")
    design = models.CharField(_("design"), max_length=10, choices=Design.choices, default=Design.SUNRISE)
    from_name = models.CharField(_("from"), max_length=120)
    message = models.TextField(_("message"), max_length=600, blank=True)
    show_amount = models.BooleanField(_("show the amount"), default=False)
    recipient_name = models.CharField(_("recipient's name"), max_length=120, blank=True)
    recipient_email = models.EmailField(_("recipient's email"), blank=True)
    send_on = models.DateField(_("send on"))
    key = models.CharField(max_length=64, unique=True, default=_private_key, editable=False)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)
    print_requested = models.BooleanField(_("printed card requested"), default=False)
    mail_to = models.TextField(_("mail the printed card to"), max_length=500, blank=True)
    printed_at = models.DateTimeField(_("printed card mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tribute card")
        verbose_name_plural = _("tribute cards")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["emailed_at", "send_on"], name="tributecard_due_idx")]

    def __str__(self):
        return f"Tribute card {self.pk} for {self.honoree}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("donors:card", kwargs={"key": self.key})


class ContactPreference(models.Model):
    """What a donor (by email) asked of us on their pages: the name for receipts, a mailing address, the newsletter."""

    email = models.EmailField(_("email"), unique=True)
    receipt_name = models.CharField(_("name for receipts"), max_length=200, blank=True)
    mailing_address = models.TextField(_("mailing address"), max_length=500, blank=True)
    newsletter = models.BooleanField(_("newsletter"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self):
        return self.email


class ConsentRecord(models.Model):
    """Each newsletter consent given or withdrawn: when, where, and the exact words the donor saw."""

    class Where(models.TextChoices):
        DONOR_PAGES = "donor_pages", _("Donor's pages")
        GIFT_FORM = "gift_form", _("Gift form")

    email = models.EmailField(_("email"), db_index=True)
    given = models.BooleanField(_("consent given"))
    wording = models.TextField(_("wording shown"))
    language = models.CharField(_("language"), max_length=8)
    where = models.CharField(_("where"), max_length=12, choices=Where.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email}: {'yes' if self.given else 'no'} ({self.created_at:%Y-%m-%d})"
