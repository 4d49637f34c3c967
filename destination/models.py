"""
Destination Care: the page's editable content, and the inquiries and referrals sent through it.

A CareRequest is health information about a child. It holds only what a coordinator needs for a
first call, is visible only with this app's model permissions (the `Care coordinators` group), and
its personal details are erased by `purge_inquiries` once the request is closed or declined and
the retention period has passed; only anonymous counts (RequestCount) outlive it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from core.localization import LocalizedContent

# --- Page content -------------------------------------------------------------------------


class DestinationPage(LocalizedContent, models.Model):
    """The Destination Care page's text. One row; the admin refuses a second."""

    hero_heading = models.CharField(_("heading"), max_length=200)
    hero_heading_es = models.CharField(_("heading (Spanish)"), max_length=200, blank=True)
    hero_body = models.TextField(_("introduction"), blank=True, help_text=_("Blank lines separate paragraphs."))
    hero_body_es = models.TextField(_("introduction (Spanish)"), blank=True)
    why_heading = models.CharField(_("“why choose us” heading"), max_length=200)
    why_heading_es = models.CharField(_("“why choose us” heading (Spanish)"), max_length=200, blank=True)
    why_body = models.TextField(_("“why choose us” text"), blank=True)
    why_body_es = models.TextField(_("“why choose us” text (Spanish)"), blank=True)
    research_count = models.PositiveIntegerField(_("active research studies"), null=True, blank=True)
    research_label = models.CharField(_("research figure label"), max_length=120, blank=True)
    research_label_es = models.CharField(_("research figure label (Spanish)"), max_length=120, blank=True)
    research_caption = models.CharField(_("research figure caption"), max_length=200, blank=True)
    research_caption_es = models.CharField(_("research figure caption (Spanish)"), max_length=200, blank=True)
    team_heading = models.CharField(_("team heading"), max_length=200)
    team_heading_es = models.CharField(_("team heading (Spanish)"), max_length=200, blank=True)
    team_intro = models.TextField(_("team introduction"), blank=True)
    team_intro_es = models.TextField(_("team introduction (Spanish)"), blank=True)
    process_heading = models.CharField(_("process heading"), max_length=200)
    process_heading_es = models.CharField(_("process heading (Spanish)"), max_length=200, blank=True)
    process_intro = models.TextField(_("process introduction"), blank=True)
    process_intro_es = models.TextField(_("process introduction (Spanish)"), blank=True)
    stay_heading = models.CharField(_("stay heading"), max_length=200)
    stay_heading_es = models.CharField(_("stay heading (Spanish)"), max_length=200, blank=True)
    preparing_heading = models.CharField(_("“preparing for your visit” heading"), max_length=200, blank=True)
    preparing_heading_es = models.CharField(
        _("“preparing for your visit” heading (Spanish)"), max_length=200, blank=True
    )
    preparing_body = models.TextField(_("“preparing for your visit” text"), blank=True)
    preparing_body_es = models.TextField(_("“preparing for your visit” text (Spanish)"), blank=True)
    preparing_url = models.URLField(_("“learn more” link"), blank=True)
    getting_here_heading = models.CharField(_("“getting here” heading"), max_length=200, blank=True)
    getting_here_heading_es = models.CharField(_("“getting here” heading (Spanish)"), max_length=200, blank=True)
    getting_here_body = models.TextField(_("“getting here” text"), blank=True)
    getting_here_body_es = models.TextField(_("“getting here” text (Spanish)"), blank=True)
    address = models.CharField(_("hospital address"), max_length=200, blank=True)
    lodging_heading = models.CharField(_("lodging heading"), max_length=200, blank=True)
    lodging_heading_es = models.CharField(_("lodging heading (Spanish)"), max_length=200, blank=True)
    lodging_body = models.TextField(_("lodging text"), blank=True)
    lodging_body_es = models.TextField(_("lodging text (Spanish)"), blank=True)
    form_heading = models.CharField(_("form heading"), max_length=200)
    form_heading_es = models.CharField(_("form heading (Spanish)"), max_length=200, blank=True)
    form_intro = models.TextField(_("form introduction"), blank=True)
    form_intro_es = models.TextField(_("form introduction (Spanish)"), blank=True)
    form_notice = models.TextField(
        _("notice beside the send button"),
        help_text=_("That sending the form does not guarantee care and is not for emergencies."),
    )
    form_notice_es = models.TextField(_("notice beside the send button (Spanish)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Destination Care page")
        verbose_name_plural = _("Destination Care page")

    def __str__(self):
        return str(_("Destination Care page"))

    def get_absolute_url(self):
        return reverse("destination:page")


class OrderedItem(LocalizedContent, models.Model):
    page = models.ForeignKey(DestinationPage, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class PatientStory(OrderedItem):
    place = models.CharField(_("place"), max_length=120, help_text=_("For example: Nigeria, West Africa."))
    place_es = models.CharField(_("place (Spanish)"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_es = models.TextField(_("summary (Spanish)"), blank=True)
    url = models.URLField(_("link to the full story"), blank=True)
    # The story's own page on this site (/destination-care/stories/<slug>/).
    slug = models.SlugField(
        _("address of the story's page"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Made from the title when left blank. Changing it breaks links already shared."),
    )
    body = models.TextField(
        _("story"), blank=True, help_text=_("Shown on the story's own page. Markdown: **bold**, [link](https://…).")
    )
    body_es = models.TextField(_("story (Spanish)"), blank=True)

    class Meta(OrderedItem.Meta):
        default_related_name = "stories"
        verbose_name = _("patient story")
        verbose_name_plural = _("patient stories")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = story_slug_unique(self.title, taken=PatientStory.objects.exclude(pk=self.pk))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("destination:story", kwargs={"slug": self.slug})

    @property
    def url_host(self) -> str:
        """The outbound link's site, as a reader would name it (www. left off)."""
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


def story_slug_unique(title: str, *, taken) -> str:
    """A slug from the title that no row of `taken` (a PatientStory queryset or manager) holds."""
    base = slugify(title)[:190].strip("-") or "story"
    slug, n = base, 1
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class TeamRole(OrderedItem):
    title = models.CharField(_("role"), max_length=120)
    title_es = models.CharField(_("role (Spanish)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)

    class Meta(OrderedItem.Meta):
        default_related_name = "team_roles"
        verbose_name = _("team role")
        verbose_name_plural = _("team roles")

    def __str__(self):
        return self.title


class ProcessStep(OrderedItem):
    title = models.CharField(_("title"), max_length=120)
    title_es = models.CharField(_("title (Spanish)"), max_length=120, blank=True)
    body = models.TextField(_("text"), blank=True)
    body_es = models.TextField(_("text (Spanish)"), blank=True)

    class Meta(OrderedItem.Meta):
        default_related_name = "steps"
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")

    def __str__(self):
        return self.title


class Airport(OrderedItem):
    name = models.CharField(_("airport"), max_length=120)
    location = models.CharField(_("location"), max_length=120, blank=True)
    location_es = models.CharField(_("location (Spanish)"), max_length=120, blank=True)
    driving_time = models.CharField(_("driving time"), max_length=60, help_text=_("For example: 30 mins."))
    driving_time_es = models.CharField(_("driving time (Spanish)"), max_length=60, blank=True)
    distance = models.CharField(_("distance"), max_length=60, blank=True, help_text=_("For example: 16 miles."))
    distance_es = models.CharField(_("distance (Spanish)"), max_length=60, blank=True)

    class Meta(OrderedItem.Meta):
        default_related_name = "airports"
        verbose_name = _("airport")
        verbose_name_plural = _("airports")

    def __str__(self):
        return self.name


# --- Inquiries and referrals --------------------------------------------------------------


class Specialty(models.TextChoices):
    NOT_SURE = "not_sure", _("Not sure yet")
    CARDIOLOGY = "cardiology", _("Heart (cardiology, cardiac surgery)")
    FETAL = "fetal", _("Fetal care and fetal surgery")
    NEUROSURGERY = "neurosurgery", _("Brain and spine surgery (neurosurgery, spina bifida)")
    NEUROLOGY = "neurology", _("Neurology and neuromuscular (epilepsy, SMA)")
    ONCOLOGY = "oncology", _("Cancer and blood disorders")
    NEPHROLOGY = "nephrology", _("Kidneys and dialysis")
    GASTRO = "gastro", _("Digestive system and liver")
    PULMONOLOGY = "pulmonology", _("Lungs and breathing")
    ENDOCRINOLOGY = "endocrinology", _("Hormones and diabetes")
    ORTHOPEDICS = "orthopedics", _("Bones, joints and sports medicine")
    SURGERY = "surgery", _("General and specialty surgery")
    CRANIOFACIAL = "craniofacial", _("Plastic and craniofacial surgery")
    ENT = "ent", _("Ear, nose and throat")
    GENETICS = "genetics", _("Genetics and rare diseases")
    OTHER = "other", _("Something else")


# What a family or physician sends about a person: read-only once sent, kept out of the history,
# and erased by the retention purge.
PERSONAL_FIELDS = (
    "contact_name",
    "practice",
    "email",
    "phone",
    "country",
    "preferred_contact",
    "preferred_language",
    "patient_initials",
    "age_value",
    "age_unit",
    "condition",
    "details",
)


class CareRequest(models.Model):
    """An inquiry from a family or a referral from a physician."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Family inquiry")
        REFERRAL = "referral", _("Physician referral")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    class AgeUnit(models.TextChoices):
        YEARS = "years", _("years")
        MONTHS = "months", _("months")
        PRENATAL = "prenatal", _("not born yet")

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text or WhatsApp")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        PORTUGUESE = "pt", _("Portuguese")
        FRENCH = "fr", _("French")
        ARABIC = "ar", _("Arabic")
        CHINESE = "zh", _("Chinese")
        OTHER = "other", _("Another language (we will arrange an interpreter)")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        SOON = "soon", _("Soon (within weeks)")
        URGENT = "urgent", _("Urgent (within days)")

    # Statuses after which the retention clock starts.
    RESOLVED_STATUSES = (Status.DECLINED, Status.CLOSED)

    # Not personal: the triage record.
    kind = models.CharField(_("type"), max_length=10, choices=Kind)
    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    specialty = models.CharField(_("specialty"), max_length=20, choices=Specialty)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    resolved_at = models.DateTimeField(
        _("closed or declined at"), null=True, blank=True, editable=False, help_text=_("Starts the retention clock.")
    )

    # Personal: erased by purge_inquiries. The sender is the parent/guardian or the physician.
    contact_name = models.CharField(_("name"), max_length=120)
    practice = models.CharField(_("practice or hospital"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    phone = PhoneNumberField(_("phone"), blank=True)
    country = CountryField(_("country"))
    preferred_contact = models.CharField(_("preferred contact"), max_length=10, choices=ContactMethod, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, choices=Language, blank=True)
    # The site's language when the request was sent: the confirmation email is written in it.
    language = models.CharField(_("language of the site when sent"), max_length=8, default="en", editable=False)
    patient_initials = models.CharField(_("patient's initials"), max_length=3, blank=True)
    age_value = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    age_unit = models.CharField(_("age in"), max_length=10, choices=AgeUnit, default=AgeUnit.YEARS)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    details = models.TextField(_("message or clinical summary"), max_length=2000)
    consented_at = models.DateTimeField(_("consent given at"), editable=False)

    # The history follows triage only: the submitted details are read-only in the admin, so a
    # copy of them in every history row would only multiply the personal data to erase.
    history = HistoricalRecords(excluded_fields=[*PERSONAL_FIELDS, "consented_at", "updated_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inquiry or referral")
        verbose_name_plural = _("inquiries and referrals")
        indexes = [models.Index(fields=["status", "resolved_at"])]

    def __str__(self):
        # Shown in admin log entries and history: the reference only, never a name.
        return f"{self.get_kind_display()} {self.reference}"

    def get_admin_url(self):
        return reverse("admin:destination_carerequest_change", args=[self.pk])

    @property
    def age_display(self) -> str:
        if self.age_unit == self.AgeUnit.PRENATAL:
            return str(_("not born yet"))
        if self.age_value is None:
            return ""
        return f"{self.age_value} {self.get_age_unit_display()}"


class RequestCount(models.Model):
    """What is left of purged requests: how many, by type, month received, outcome and region."""

    class Region(models.TextChoices):
        DOMESTIC = "us", _("United States")
        INTERNATIONAL = "intl", _("Outside the United States")

    kind = models.CharField(_("type"), max_length=10, choices=CareRequest.Kind)
    month = models.DateField(_("month received"), help_text=_("The first day of the month."))
    outcome = models.CharField(_("outcome"), max_length=10, choices=CareRequest.Status)
    region = models.CharField(_("region"), max_length=4, choices=Region)
    count = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        ordering = ["-month", "kind", "outcome", "region"]
        verbose_name = _("monthly count of closed requests")
        verbose_name_plural = _("requests by month (after deletion)")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month", "outcome", "region"], name="destination_requestcount_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%Y-%m} {self.get_outcome_display()}: {self.count}"
