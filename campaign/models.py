from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from campaign.images import Picture, validate_image_upload
from core import money
from core.localization import LocalizedContent


def validate_preset_amounts(value: str) -> None:
    try:
        amounts = money.parse_preset_amounts(value)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if not amounts:
        raise ValidationError(_("Give at least one preset amount, for example “25, 50, 100, 250”."))


class CampaignQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_published=True)


class GivingDayPeriod(models.TextChoices):
    HOUR = "hour", _("hour")
    DAY = "day", _("day")


class Campaign(LocalizedContent, models.Model):
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    tagline_es = models.CharField(_("tagline (Spanish)"), max_length=300, blank=True)
    story = models.TextField(_("story"), blank=True, help_text=_("Markdown. Scripts and unsafe HTML are removed."))
    story_es = models.TextField(_("story (Spanish)"), blank=True)
    hero_image = models.ImageField(
        _("hero image"),
        upload_to="campaigns/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("A wide photo (at least 1,600 pixels wide), JPEG, PNG or WebP, up to 10 MB."),
    )
    hero_image_alt = models.CharField(_("hero image description"), max_length=300, blank=True)
    hero_image_alt_es = models.CharField(_("hero image description (Spanish)"), max_length=300, blank=True)
    # Web-sized renditions of hero_image, {width: storage name}, written when the image changes.
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    goal_cents = models.PositiveBigIntegerField(_("goal (cents)"), validators=[MinValueValidator(100)])
    currency = models.CharField(_("currency"), max_length=3, default="usd", editable=False)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    preset_amounts = models.CharField(
        _("preset amounts (dollars)"),
        max_length=200,
        default="25, 50, 100, 250, 500",
        validators=[validate_preset_amounts],
        help_text=_("Comma-separated whole dollar amounts shown as buttons on the gift form."),
    )
    # A giving day: a window of a day or two with a live donor count, a countdown and a goal of
    # donors each hour (or day), "42 more donors this hour unlocks …".
    giving_day_starts_at = models.DateTimeField(_("giving day starts"), null=True, blank=True)
    giving_day_ends_at = models.DateTimeField(_("giving day ends"), null=True, blank=True)
    giving_day_period = models.CharField(
        _("giving day goal per"), max_length=4, choices=GivingDayPeriod.choices, default=GivingDayPeriod.HOUR
    )
    giving_day_goal_donors = models.PositiveIntegerField(
        _("donors needed each hour or day"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    giving_day_unlock = models.CharField(
        _("what reaching it unlocks"),
        max_length=200,
        blank=True,
        help_text=_("Finishes the sentence “42 more donors this hour unlocks …”, e.g. “an extra $5,000 from Acme”."),
    )
    giving_day_unlock_es = models.CharField(_("what reaching it unlocks (Spanish)"), max_length=200, blank=True)
    monthly_by_default = models.BooleanField(
        _("monthly by default"),
        default=False,
        help_text=_("The gift form opens on “Monthly” instead of “One time” (the donor can still change it)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-is_featured", "-starts_on", "title"]
        constraints = [
            # One featured campaign at a time: "/" must know which to show.
            models.UniqueConstraint(
                fields=["is_featured"], condition=Q(is_featured=True), name="one_featured_campaign"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaign:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
        if bool(self.giving_day_starts_at) != bool(self.giving_day_ends_at):
            raise ValidationError({"giving_day_ends_at": _("A giving day needs both its start and its end.")})
        if self.giving_day_starts_at and self.giving_day_ends_at <= self.giving_day_starts_at:
            raise ValidationError({"giving_day_ends_at": _("The giving day must end after it starts.")})

    @property
    def preset_amounts_cents(self) -> list[int]:
        return [dollars * 100 for dollars in money.parse_preset_amounts(self.preset_amounts)]

    @cached_property
    def hero_picture(self) -> Picture | None:
        return Picture.from_renditions(self.hero_renditions)

    def donate_url(self, *, amount_dollars: int | None = None, frequency: str = "", designation: str = "") -> str:
        """The gift form, prefilled for this campaign (the query string is DESIGN's contract)."""
        params = {"campaign": self.slug}
        if amount_dollars:
            params["amount"] = str(amount_dollars)
        if frequency:
            params["frequency"] = frequency
        if designation:
            params["designation"] = designation
        return "/donate/?" + urlencode(params)

    def donate_options(self) -> list[dict]:
        """One entry per preset amount: the one-time and the monthly link for it."""
        try:
            amounts = money.parse_preset_amounts(self.preset_amounts)
        except ValueError:
            amounts = []  # a bad value saved outside the admin must not break the page
        return [
            {
                "dollars": dollars,
                "cents": dollars * 100,
                "url": self.donate_url(amount_dollars=dollars),
                "monthly_url": self.donate_url(amount_dollars=dollars, frequency="monthly"),
            }
            for dollars in amounts
        ]


class Figure(LocalizedContent, models.Model):
    """A big number on the campaign page: "3,000+" / "infusions a year"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="figures")
    value = models.CharField(_("value"), max_length=40)
    value_es = models.CharField(_("value (Spanish)"), max_length=40, blank=True)
    label = models.CharField(_("label"), max_length=120)
    label_es = models.CharField(_("label (Spanish)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.value} {self.label}"


class Division(LocalizedContent, models.Model):
    """A clinical division whose patients the campaign's centers serve."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("division served")
        verbose_name_plural = _("divisions served")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Designation(LocalizedContent, models.Model):
    """Where a donor can direct a gift within a campaign (Infusion Center, Greatest need…)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="designations")
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=300, blank=True)
    is_default = models.BooleanField(_("default choice"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="designation_slug_per_campaign"),
        ]

    def __str__(self):
        return self.name

    def donate_url(self) -> str:
        return self.campaign.donate_url(designation=self.slug)


class Milestone(LocalizedContent, models.Model):
    """A mark on the progress meter ("First infusion chairs ordered" at $250,000)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    amount_cents = models.PositiveBigIntegerField(_("amount (cents)"))
    label = models.CharField(_("label"), max_length=160)
    label_es = models.CharField(_("label (Spanish)"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["amount_cents", "pk"]

    def __str__(self):
        return f"{self.label} ({money.format_cents(self.amount_cents)})"


class Tally(models.Model):
    """
    Running totals of what counts toward a campaign, kept in the same transaction as every gift
    change (donations.services.gift_save, through campaign.tallies, the only writer), so that reading
    progress costs one row whatever the number of gifts. One row per campaign with designation NULL
    (the whole campaign), and one per designation. `manage.py recompute_tallies` rebuilds them from
    the gifts and reports drift.

    Each of those totals is split over settings.TALLY_STRIPES rows (`stripe` 0..N-1): a payment
    moves one stripe, the first its transaction finds unlocked, so concurrent payments to one
    campaign do not queue on one row lock; every reader sums the stripes in one query
    (campaign.tallies.tally_totals and friends), whatever N. Never read one row as "the" total.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tallies")
    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stripe = models.PositiveSmallIntegerField(default=0)
    raised_cents = models.BigIntegerField(default=0)
    online_cents = models.BigIntegerField(default=0)
    offline_cents = models.BigIntegerField(default=0)
    pledged_cents = models.BigIntegerField(default=0)
    gift_count = models.BigIntegerField(default=0)
    donor_count = models.BigIntegerField(default=0)
    # Sponsors' matches of these gifts (donations.models.MatchChallenge): their own part of the meter.
    matched_cents = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "designation", "stripe"],
                condition=Q(designation__isnull=False),
                name="tally_stripe_per_designation",
            ),
            models.UniqueConstraint(
                fields=["campaign", "stripe"], condition=Q(designation__isnull=True), name="tally_stripe_per_campaign"
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.designation_id or '*'}#{self.stripe}: {self.raised_cents}"


class CampaignDonor(models.Model):
    """
    How many counted gifts each donor has in a campaign, so that the donor count moves by
    exactly one when a donor's first gift counts or their last one stops counting. The key is a
    hash of the normalised email (or name, for offline gifts): no personal data is kept here.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    donor_key = models.CharField(max_length=64)
    gift_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "donor_key"], name="campaign_donor_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.donor_key[:8]}: {self.gift_count}"


RESERVED_UPDATE_SLUGS = frozenset({"feed", "rss"})


class UpdateQuerySet(models.QuerySet):
    def published(self, *, now=None):
        return self.filter(status=Update.Status.PUBLISHED, publish_at__lte=now or timezone.now())


class Update(LocalizedContent, models.Model):
    """A campaign update: a post on the blog, in the feeds and on the campaign page."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="updates")
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_es = models.CharField(_("summary (Spanish)"), max_length=300, blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown. Scripts and unsafe HTML are removed."))
    body_es = models.TextField(_("body (Spanish)"), blank=True)
    image = models.ImageField(
        _("image"),
        upload_to="updates/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG or WebP, up to 10 MB. Shown on the update and when it is shared."),
    )
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    image_alt_es = models.CharField(_("image description (Spanish)"), max_length=300, blank=True)
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("byline"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"), default=timezone.now, help_text=_("A future time schedules the update.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["status", "-publish_at"], name="update_published_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaign:update_detail", kwargs={"slug": self.slug})

    def clean(self):
        # These paths sit beside the updates under /updates/ and would hide an update so named.
        if self.slug in RESERVED_UPDATE_SLUGS:
            message = _("“%(slug)s” is taken by the feeds; choose another slug.") % {"slug": self.slug}
            raise ValidationError({"slug": message})

    @cached_property
    def picture(self) -> Picture | None:
        return Picture.from_renditions(self.image_renditions)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()


class UpdateImage(models.Model):
    """
    A picture placed inside an update's text (the editor's "Insert a picture" uploads it and adds
    its Markdown). Stored re-encoded from its pixels alone, at most BODY_IMAGE_MAX_WIDTH wide: no
    EXIF, no location, no 6 MB camera original on a donor's phone.
    """

    image = models.ImageField(_("image"), upload_to="updates/body/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    description = models.CharField(_("image description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("picture in an update")
        verbose_name_plural = _("pictures in updates")
        ordering = ["-created_at"]

    def __str__(self):
        return self.description or self.image.name
