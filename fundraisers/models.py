import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from campaign.images import Picture, validate_image_upload
from campaign.models import Campaign

RESERVED_FUNDRAISER_SLUGS = frozenset({"start", "new", "manage"})


class Team(models.Model):
    """A group of fundraisers for one campaign (a school, a nursing unit): its total is its members' sum."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="fundraising_teams")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    # The team's own goal; without one, the sum of its approved pages' goals.
    goal_cents = models.PositiveBigIntegerField(
        _("team goal (cents)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(100)],
        help_text=_("Leave empty to use the sum of its pages' goals."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("fundraisers:team_detail", kwargs={"slug": self.slug})


class Fundraiser(models.Model):
    """
    A supporter's own page for a campaign. Gifts made through it are ordinary gifts to the campaign
    that also credit the page (Gift.fundraiser; its total is FundraiserTally, moved by gift_save).
    Nothing is public until staff approve it: a story may mention a patient.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")
        CLOSED = "closed", _("Closed")

    # Shown to the public (and taking gifts, until the end date); every other status shows a notice.
    PUBLIC_STATUSES = frozenset({Status.APPROVED})
    # Staff took it down, or it is over: the page answers "gone", not "not found".
    WITHDRAWN_STATUSES = frozenset({Status.HIDDEN, Status.CLOSED})

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="fundraisers")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    owner_email = models.EmailField(_("fundraiser's email"))
    display_name = models.CharField(
        _("fundraiser's name"), max_length=80, help_text=_("As shown on the page, for example “Ana Rivera”.")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=120)
    story = models.TextField(
        _("story"), max_length=5000, blank=True, help_text=_("Markdown. Scripts and unsafe HTML are removed.")
    )
    photo = models.ImageField(
        _("photo"),
        upload_to="fundraisers/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG or WebP, up to 10 MB. Location and camera details are removed."),
    )
    photo_alt = models.CharField(_("photo description"), max_length=300, blank=True)
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    goal_cents = models.PositiveBigIntegerField(_("goal (cents)"), validators=[MinValueValidator(100)])
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The language the fundraiser created their page in: the site's emails to them are written in it.
    language = models.CharField(_("language"), max_length=8, default="en")
    # The fundraiser confirmed they may share what they wrote (a story may be about a patient).
    share_consent = models.BooleanField(_("may share this story"), default=False)
    share_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fundraiser")
        verbose_name_plural = _("fundraisers")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "status"], name="fundraiser_campaign_status_idx")]
        permissions = [
            ("export_fundraiser", _("Can export fundraisers and their contact details")),
            ("message_fundraisers", _("Can email fundraisers")),
        ]

    def __str__(self):
        return f"{self.title} ({self.display_name})"

    def get_absolute_url(self):
        return reverse("fundraisers:fundraiser_detail", kwargs={"slug": self.slug})

    def clean(self):
        # These paths sit beside the pages under /fundraisers/ and would hide a page so named.
        if self.slug in RESERVED_FUNDRAISER_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s” is taken by the site; choose another slug.") % {"slug": self.slug}}
            )

    @cached_property
    def picture(self) -> Picture | None:
        return Picture.from_renditions(self.photo_renditions)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    def is_open(self, *, today: datetime.date | None = None) -> bool:
        """Public and not past its end date: gifts may be credited to it."""
        today = today or timezone.localdate()
        return self.is_public and (self.ends_on is None or self.ends_on >= today)

    def donate_url(self) -> str:
        """The gift form for the campaign, with this page preselected (DESIGN's query-string contract)."""
        return "/donate/?" + urlencode({"campaign": self.campaign.slug, "fundraiser": self.slug})


class FundraiserTally(models.Model):
    """
    What has counted through a fundraiser's page, kept in the same transaction as every gift change
    (donations.services.tallies.gift_save, through fundraisers.tallies, the only writer).
    """

    fundraiser = models.OneToOneField(Fundraiser, on_delete=models.CASCADE, related_name="tally")
    raised_cents = models.BigIntegerField(default=0)
    gift_count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fundraiser tally")
        verbose_name_plural = _("fundraiser tallies")

    def __str__(self):
        return f"{self.fundraiser_id}: {self.raised_cents}"


class GiftAcknowledgement(models.Model):
    """
    What the site did for one gift through a fundraiser's page: told the fundraiser (once), and
    sent the donor the fundraiser's thank-you note (once). `gift_id` names a donations Gift (a plain
    id: this app reads gifts only through donations.selectors); unique, so a retry cannot send twice.
    """

    fundraiser = models.ForeignKey(Fundraiser, on_delete=models.CASCADE, related_name="acknowledgements")
    gift_id = models.PositiveBigIntegerField(unique=True)
    notice_sent_at = models.DateTimeField(_("fundraiser told at"), null=True, blank=True)
    thanked_at = models.DateTimeField(_("donor thanked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift acknowledgement")
        verbose_name_plural = _("gift acknowledgements")

    def __str__(self):
        return f"{self.fundraiser_id}: gift {self.gift_id}"
