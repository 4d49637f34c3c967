"""
Naming opportunities (a space or thing of a campaign's new centers that can carry a donor's name),
the claims staff and donors put on them, inquiries about them, and recognition levels (giving
societies) by cumulative giving.

One space can never be given to two donors: every hold, pledge or naming is a `NamingClaim`, and
the database allows one unreleased claim per space (a partial unique index). Two transactions
racing to claim one space both insert; PostgreSQL makes the second wait for the first and then
refuses it. The space's `status` is written in the same transaction as its claim, by
recognition.services only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Designation
from core import money
from core.localization import LocalizedContent

# The plan is drawn on a grid of PLAN_COLUMNS × PLAN_ROWS cells (each center is a block of it).
PLAN_COLUMNS = 48
PLAN_ROWS = 30


class Center(models.TextChoices):
    INFUSION = "infusion", _("Infusion Center")
    DIALYSIS = "dialysis", _("Dialysis Center")
    BOTH = "both", _("Both centers")


class NamingStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    HELD = "held", _("Held")
    PLEDGED = "pledged", _("Pledged")
    NAMED = "named", _("Named")


class NamingOpportunity(LocalizedContent, models.Model):
    """A space or thing that can carry a donor's name, with its price and its place on the plan."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="naming_opportunities")
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    designation = models.ForeignKey(
        Designation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("designation"),
        help_text=_("Where a gift naming this space is directed."),
    )
    description = models.CharField(_("short description"), max_length=300, blank=True)
    description_es = models.CharField(_("short description (Spanish)"), max_length=300, blank=True)
    center = models.CharField(_("center"), max_length=10, choices=Center.choices)
    price_cents = models.PositiveBigIntegerField(_("price (cents)"), validators=[MinValueValidator(100)])
    status = models.CharField(
        _("status"), max_length=10, choices=NamingStatus.choices, default=NamingStatus.AVAILABLE, editable=False
    )
    recognition_name = models.CharField(
        _("recognition name"),
        max_length=120,
        blank=True,
        editable=False,
        help_text=_("As the donor chose it and staff approved it: shown on the plan once the space is named."),
    )
    plan_x = models.PositiveSmallIntegerField(_("plan: column"), validators=[MaxValueValidator(PLAN_COLUMNS - 1)])
    plan_y = models.PositiveSmallIntegerField(_("plan: row"), validators=[MaxValueValidator(PLAN_ROWS - 1)])
    plan_w = models.PositiveSmallIntegerField(
        _("plan: width"), default=4, validators=[MinValueValidator(1), MaxValueValidator(PLAN_COLUMNS)]
    )
    plan_h = models.PositiveSmallIntegerField(
        _("plan: height"), default=4, validators=[MinValueValidator(1), MaxValueValidator(PLAN_ROWS)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("naming opportunity")
        verbose_name_plural = _("naming opportunities")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="naming_name_per_campaign"),
            models.CheckConstraint(
                condition=Q(plan_x__lt=PLAN_COLUMNS) & Q(plan_y__lt=PLAN_ROWS) & Q(plan_w__gt=0) & Q(plan_h__gt=0),
                name="naming_on_the_plan",
            ),
            # A named space always says whose name it carries.
            models.CheckConstraint(
                condition=~Q(status="named") | ~Q(recognition_name=""), name="naming_named_has_a_name"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.plan_x is not None and self.plan_w is not None and self.plan_x + self.plan_w > PLAN_COLUMNS:
            raise ValidationError({"plan_w": _("The space runs off the plan: make it narrower or move it left.")})
        if self.plan_y is not None and self.plan_h is not None and self.plan_y + self.plan_h > PLAN_ROWS:
            raise ValidationError({"plan_h": _("The space runs off the plan: make it shorter or move it up.")})

    @property
    def price_display(self) -> str:
        return money.format_cents(self.price_cents, whole=True)


class NamingClaim(models.Model):
    """
    A hold, pledge or naming on a space: who (a gift, or a staff note for a prospect), until when
    (a hold's expiry), and when it was released. At most one unreleased claim per space.
    """

    opportunity = models.ForeignKey(NamingOpportunity, on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[c for c in NamingStatus.choices if c[0] != NamingStatus.AVAILABLE],
        default=NamingStatus.HELD,
    )
    gift = models.ForeignKey(
        "donations.Gift",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gift or pledge"),
    )
    holder_note = models.CharField(
        _("holder (staff note)"), max_length=200, blank=True, help_text=_("The prospect, for example “Rivera family”.")
    )
    expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    # A donor naming the space from the gift form: the name they asked for, which staff approve
    # (or agree another with them) before the page shows it.
    requested_name = models.CharField(_("name the donor asked for"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("naming claim")
        verbose_name_plural = _("naming claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The rule itself: one space, one donor.
            models.UniqueConstraint(
                fields=["opportunity"], condition=Q(released_at__isnull=True), name="naming_one_claim_per_space"
            ),
        ]

    def __str__(self):
        return f"{self.opportunity_id}: {self.status}"


class NamingInquiry(models.Model):
    """“Ask about naming this space”: a prospect's message for the development office."""

    opportunity = models.ForeignKey(
        NamingOpportunity, on_delete=models.CASCADE, related_name="inquiries", verbose_name=_("space")
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    language = models.CharField(max_length=10, default="en", editable=False)
    is_handled = models.BooleanField(_("handled"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("naming inquiry")
        verbose_name_plural = _("naming inquiries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} — {self.opportunity}"


class RecognitionLevel(LocalizedContent, models.Model):
    """A giving society of a campaign (Founders' Circle…): donors whose giving reaches the threshold."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recognition_levels")
    name = models.CharField(_("name"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True)
    threshold_cents = models.PositiveBigIntegerField(
        _("cumulative giving from (cents)"), validators=[MinValueValidator(100)]
    )

    class Meta:
        verbose_name = _("recognition level")
        verbose_name_plural = _("recognition levels")
        ordering = ["-threshold_cents"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "threshold_cents"], name="recognition_level_threshold_once"),
        ]

    def __str__(self):
        return f"{self.name} ({money.format_cents(self.threshold_cents, whole=True)})"
