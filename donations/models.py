from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history import register as history_register
from simple_history.models import HistoricalRecords

from campaign.images import validate_image_upload
from campaign.models import Campaign, Designation, Milestone, Update
from fundraisers.models import Fundraiser

EMPLOYER_NAME_MAX_LENGTH = 120


class EmployerMatch(models.TextChoices):
    """Where a gift's employer match stands, for staff following it up."""

    AWAITING = "awaiting", _("Awaiting")
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    DECLINED = "declined", _("Declined")


class Frequency(models.TextChoices):
    ONE_TIME = "one_time", _("One time")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


# A recurring frequency's billing period, in months (Stripe: interval month ×1, month ×3, year ×1).
PERIOD_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}
RECURRING_FREQUENCIES = frozenset(PERIOD_MONTHS)


class RecurringPlan(models.Model):
    """A recurring gift (monthly, quarterly or annual): one Stripe subscription. Each paid invoice is one Gift."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Incomplete")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        CANCELED = "canceled", _("Cancelled")

    ACTIVE_STATUSES = frozenset({Status.ACTIVE, Status.PAST_DUE})  # still charging the donor monthly

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="plans")
    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, null=True, blank=True, related_name="plans")
    # The fundraiser's page the plan began through: every later month credits it too (a soft credit).
    fundraiser = models.ForeignKey(
        Fundraiser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("through fundraiser"),
    )
    amount_cents = models.PositiveIntegerField(_("amount each time (cents)"))
    fee_cents = models.PositiveIntegerField(_("fee covered (cents)"), default=0)
    currency = models.CharField(max_length=3, default="usd")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    donor_name = models.CharField(_("donor name"), max_length=200, blank=True)
    donor_email = models.EmailField(_("donor email"), blank=True)
    # The language the donor gave in (from the plan's first gift): later months' receipts and the
    # management-link email are written in it.
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.INCOMPLETE)
    stripe_subscription_id = models.CharField(max_length=255, unique=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    # The donor paused it (pause_collection at Stripe): nothing is charged until then.
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    # A matching challenge "at N months" this plan began under: its first N paid months will be
    # matched when the Nth is paid (services.matching); cleared then, so later months cost nothing.
    match_pending_challenge = models.ForeignKey(
        "MatchChallenge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="pending_plans",
        verbose_name=_("matching challenge awaiting its Nth month"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monthly plan")
        verbose_name_plural = _("monthly plans")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.stripe_subscription_id} ({self.get_status_display()})"


class PlanChange(models.Model):
    """What the donor changed on their plan, and when: its history (amounts before and after, pauses)."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("Amount changed")
        FREQUENCY = "frequency", _("Frequency changed")
        PAUSE = "pause", _("Paused")
        RESUME = "resume", _("Resumed")
        CANCEL = "cancel", _("Cancelled")

    plan = models.ForeignKey(RecurringPlan, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount_cents_before = models.PositiveIntegerField()
    amount_cents_after = models.PositiveIntegerField()
    frequency_before = models.CharField(max_length=10, choices=Frequency.choices)
    frequency_after = models.CharField(max_length=10, choices=Frequency.choices)
    paused_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.plan_id})"


class Pledge(models.Model):
    """
    A total promised in equal instalments (monthly, quarterly or annual). Online, it is paid
    through one Stripe subscription (`plan`) that Stripe ends by itself after the last instalment
    (a subscription schedule, services.pledges); offline, staff record each payment. Every
    instalment paid is a Gift with `pledge` set, receipted like any gift.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the first payment")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Paid in full")
        CANCELED = "canceled", _("Cancelled")
        WRITTEN_OFF = "written_off", _("Written off")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online (Stripe)")
        OFFLINE = "offline", _("Entered by staff")

    # Pledges whose unpaid part still counts as outstanding (and gets reminders).
    OPEN_STATUSES = frozenset({Status.ACTIVE})
    MAX_INSTALLMENTS = 60

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    designation = models.ForeignKey(
        Designation, on_delete=models.PROTECT, null=True, blank=True, related_name="pledges"
    )
    plan = models.OneToOneField(
        RecurringPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="pledge", editable=False
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OFFLINE)
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=[(value, label) for value, label in Frequency.choices if value != Frequency.ONE_TIME],
        default=Frequency.MONTHLY,
    )
    installment_cents = models.PositiveIntegerField(_("instalment (cents)"))
    installments = models.PositiveSmallIntegerField(_("number of instalments"))
    total_cents = models.PositiveBigIntegerField(_("total pledged (cents)"), editable=False)
    first_due_on = models.DateField(_("first instalment due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    donor_name = models.CharField(_("donor name"), max_length=200, blank=True)
    donor_email = models.EmailField(_("donor email"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # The Stripe subscription schedule that ends the plan after the last instalment.
    stripe_schedule_id = models.CharField(max_length=255, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledgement sent at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created_at", "-pk"]
        permissions = [("record_pledge_payment", _("Can record a payment on a pledge"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(installments__gte=1, installments__lte=60), name="pledge_installments_in_range"
            ),
            models.CheckConstraint(condition=Q(installment_cents__gt=0), name="pledge_installment_positive"),
            models.CheckConstraint(
                condition=Q(total_cents=models.F("installment_cents") * models.F("installments")),
                name="pledge_total_is_installments",
            ),
            models.CheckConstraint(condition=~Q(frequency="one_time"), name="pledge_recurring_frequency"),
        ]

    def __str__(self):
        return f"Pledge {self.pk}: {self.donor_name or self.donor_email or '-'}"

    def save(self, *args, **kwargs):
        self.total_cents = (self.installment_cents or 0) * (self.installments or 0)
        super().save(*args, **kwargs)

    @classmethod
    def outstanding_of(cls, *, status: str, total_cents: int, paid_cents: int) -> int:
        """
        The one rule for what a pledge still promises: the unpaid part of an active pledge, never
        below zero; a pending, completed, cancelled or written-off pledge promises nothing more
        (what was paid stays paid: its instalments are gifts, counted as given).
        """
        if status not in cls.OPEN_STATUSES:
            return 0
        return max(0, total_cents - paid_cents)


class PledgeReminder(models.Model):
    """One reminder of one instalment: unique, so a reminder run repeated (or run twice at once) sends it once."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pledge reminder")
        verbose_name_plural = _("pledge reminders")
        constraints = [models.UniqueConstraint(fields=["pledge", "due_on"], name="pledge_reminder_once")]

    def __str__(self):
        return f"pledge {self.pledge_id} {self.due_on}"


# Kept by name so that saves through the OfflineGift proxy are recorded too (below).
GIFT_HISTORY = HistoricalRecords(excluded_fields=["receipt_error"])


class MatchChallenge(models.Model):
    """
    A sponsor's matching challenge: during its window, each qualifying gift draws ratio × the gift
    from the sponsor's pot when Stripe confirms it (donations.services.matching, inside gift_save).
    `drawn_cents` is what the pot has given, kept equal to the sum of its gifts' matched_cents;
    the database refuses a pot overdrawn (the check constraint), whatever the code does.
    """

    class RecurringRule(models.TextChoices):
        EXCLUDED = "excluded", _("Monthly gifts do not qualify")
        FIRST_PAYMENT = "first_payment", _("A new monthly gift qualifies at its first payment")
        AFTER_PAYMENTS = "after_payments", _("A new monthly gift qualifies at N months: its first N months are matched")

    MONTHS_RANGE = (2, 24)  # 1 month is the first-payment rule

    class Ratio(models.IntegerChoices):
        ONE = 1, _("1:1 (a dollar for each dollar)")
        TWO = 2, _("2:1 (two dollars for each dollar)")
        THREE = 3, _("3:1 (three dollars for each dollar)")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="match_challenges")
    sponsor_name = models.CharField(_("sponsor's name"), max_length=120)
    sponsor_logo = models.ImageField(
        _("sponsor's logo"),
        upload_to="sponsors/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("Optional. A JPEG, PNG, WebP or GIF picture; the sponsor's name is its description."),
    )
    pot_cents = models.BigIntegerField(_("pot"))
    drawn_cents = models.BigIntegerField(_("matched so far"), default=0, editable=False)
    ratio = models.PositiveSmallIntegerField(_("ratio"), choices=Ratio.choices, default=Ratio.ONE)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    match_online = models.BooleanField(_("online gifts qualify"), default=True)
    match_offline = models.BooleanField(_("offline gifts qualify (check, cash, wire, stock)"), default=False)
    designation = models.ForeignKey(
        Designation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only gifts to this designation"),
    )
    new_donors_only = models.BooleanField(
        _("only first gifts of new donors"),
        default=False,
        help_text=_("A donor who has already given to this campaign is not matched again."),
    )
    recurring_rule = models.CharField(
        _("monthly gifts"), max_length=16, choices=RecurringRule.choices, default=RecurringRule.FIRST_PAYMENT
    )
    # "At N months": a plan begun inside the window is matched for its first N paid months when the
    # Nth is paid (services.matching). None for the other rules.
    monthly_match_after_payments = models.PositiveSmallIntegerField(
        _("months before a monthly gift is matched (N)"),
        null=True,
        blank=True,
        help_text=_(
            'Only for "at N months", from 2 to 24. A new monthly gift begun during the challenge is matched '
            "for its first N months when its Nth payment is made, which may come after the challenge ends "
            "(from what the pot holds then). A gift stopped before N payments is not matched, and a refunded "
            "month does not count. Quarterly and annual gifts count their payments: N payments, not N months. "
            "Cannot change once the challenge has begun: donors were promised it."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to stop matching at once (gifts already matched stay matched).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching challenge")
        verbose_name_plural = _("matching challenges")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(drawn_cents__gte=0) & Q(drawn_cents__lte=models.F("pot_cents")),
                name="match_pot_never_overdrawn",
            ),
            models.CheckConstraint(condition=Q(pot_cents__gt=0), name="match_pot_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="match_window_ordered"),
            models.CheckConstraint(
                condition=Q(monthly_match_after_payments__isnull=True)
                | Q(monthly_match_after_payments__gte=2, monthly_match_after_payments__lte=24),
                name="match_after_payments_in_range",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "ends_at"], name="match_campaign_open_idx")]

    def __str__(self):
        return f"{self.sponsor_name} ({self.get_ratio_display()})"

    @property
    def left_cents(self) -> int:
        return max(0, self.pot_cents - self.drawn_cents)


class Gift(models.Model):
    """
    One gift: an online one-time gift, one paid month of a monthly plan, or an offline gift that
    staff record. `amount_cents` is the gift itself; `fee_cents` is what the donor added to cover
    the card fee (charged, but not counted toward the goal).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        DISPUTED = "disputed", _("Disputed")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online (Stripe)")
        CHECK = "check", _("Check")
        CASH = "cash", _("Cash")
        WIRE = "wire", _("Wire transfer")
        STOCK = "stock", _("Stock")
        PLEDGE = "pledge", _("Pledge")

    class Dedication(models.TextChoices):
        NONE = "", _("No dedication")
        HONOR = "honor", _("In honor of")
        MEMORY = "memory", _("In memory of")

    class MessageStatus(models.TextChoices):
        NONE = "", _("No message")
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Shown on the donor wall")
        HIDDEN = "hidden", _("Hidden")

    # What counts in the meter (net of refunds); what Stripe has settled (paid, whatever came after);
    # what a Finance refund may start from; what staff record by hand.
    COUNTED_STATUSES = frozenset({Status.SUCCEEDED, Status.PARTIALLY_REFUNDED})
    SETTLED_STATUSES = frozenset({Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.DISPUTED})
    OFFLINE_SOURCES = frozenset({Source.CHECK, Source.CASH, Source.WIRE, Source.STOCK, Source.PLEDGE})

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="gifts")
    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, null=True, blank=True, related_name="gifts")
    plan = models.ForeignKey(RecurringPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="gifts")
    # An instalment of a pledge (online: one invoice of the pledge's plan; offline: a payment staff recorded).
    pledge = models.ForeignKey(
        "Pledge", on_delete=models.PROTECT, null=True, blank=True, related_name="gifts", verbose_name=_("pledge")
    )
    # The fundraiser's page the gift was made through (a soft credit: the gift is the campaign's).
    fundraiser = models.ForeignKey(
        Fundraiser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gifts",
        verbose_name=_("through fundraiser"),
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    fee_cents = models.PositiveIntegerField(_("fee covered (cents)"), default=0)
    refunded_cents = models.PositiveIntegerField(_("refunded (cents)"), default=0)
    currency = models.CharField(max_length=3, default="usd")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONE_TIME)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)

    donor_name = models.CharField(_("donor name"), max_length=200, blank=True)
    donor_email = models.EmailField(_("donor email"), blank=True)
    # Offline gifts: where a paper receipt or acknowledgement goes when there is no email.
    donor_address = models.TextField(_("donor mailing address"), max_length=500, blank=True)
    display_name = models.CharField(_("name on the donor wall"), max_length=80, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    dedication = models.CharField(_("dedication"), max_length=10, choices=Dedication.choices, blank=True, default="")
    honoree_name = models.CharField(_("honoree's name"), max_length=200, blank=True)
    honoree_email = models.EmailField(_("honoree's email"), blank=True)
    message = models.TextField(_("message"), max_length=500, blank=True)
    # The donor let the fundraiser whose page they gave through see the amount (unchecked by default).
    amount_shown_to_fundraiser = models.BooleanField(_("amount shown to the fundraiser"), default=False)
    # The donor wall shows a message only once staff approved it (settings.DONOR_WALL_PREMODERATION).
    message_status = models.CharField(
        _("message on the donor wall"), max_length=10, choices=MessageStatus.choices, blank=True, default=""
    )
    message_reviewed_at = models.DateTimeField(_("message reviewed at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")

    # Offline gifts: when the money (or the pledge) arrived, when a pledge is due, check number.
    received_on = models.DateField(_("received on"), null=True, blank=True)
    expected_on = models.DateField(_("pledge expected on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)

    stripe_checkout_session_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True)
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)

    # What this gift currently contributes to its campaign's Tally; kept in step by
    # donations.services.gift_save in the same transaction as any change to the gift.
    counted_cents = models.BigIntegerField(default=0, editable=False)
    counted_donor_key = models.CharField(max_length=64, blank=True, editable=False)
    # A matching challenge this gift qualified for when it was paid: what the ratio offered, what
    # the pot could give then (less when it ran short, 0 when it was empty), and what is matched
    # now (less after a refund: given back in proportion). The match is the sponsor's money.
    match_challenge = models.ForeignKey(
        MatchChallenge, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="gifts"
    )
    match_offered_cents = models.BigIntegerField(default=0, editable=False)
    match_drawn_cents = models.BigIntegerField(default=0, editable=False)
    matched_cents = models.BigIntegerField(_("matched by a sponsor (cents)"), default=0, editable=False)

    # Why a payment did not go through, for staff ("card declined", "session expired").
    failure_reason = models.CharField(_("failure reason"), max_length=300, blank=True)
    # Finance refunds made through the site: numbers each refund's idempotency key, so that a
    # retried request can never refund twice.
    refund_requests = models.PositiveSmallIntegerField(default=0, editable=False)

    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # The receipt's number, "R<year>-<serial>": given when the gift is first paid, from one
    # unbroken sequence a year (ReceiptSequence), so a tax office reads no gaps.
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    receipt_serial = models.PositiveIntegerField(null=True, blank=True, editable=False)
    receipt_sent_at = models.DateTimeField(_("receipt sent at"), null=True, blank=True)
    # The receipt is retried (send_pending_receipts) until it goes out or the attempts run out.
    receipt_attempts = models.PositiveSmallIntegerField(_("receipt attempts"), default=0)
    receipt_error = models.TextField(_("last receipt error"), blank=True)
    dedication_notice_sent_at = models.DateTimeField(_("dedication notice sent at"), null=True, blank=True)
    # Where the donor came from (the landing URL's utm_* and ?source=), validated and bounded (forms.ATTRIBUTION).
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    source_code = models.CharField(_("source code"), max_length=40, blank=True)
    # "Email me a link if I don't finish": one reminder with Stripe's recovery link, at most.
    recovery_email = models.EmailField(_("reminder email if unfinished"), blank=True)
    recovery_url = models.URLField(_("Checkout recovery link"), max_length=2000, blank=True, editable=False)
    recovery_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True, editable=False)
    recovered_from_session_id = models.CharField(max_length=255, blank=True, editable=False)
    # The gift form's newsletter opt-in (unchecked by default): when, and the exact words the donor saw.
    newsletter_consent_at = models.DateTimeField(_("newsletter consent at"), null=True, blank=True, editable=False)
    newsletter_consent_wording = models.TextField(_("newsletter consent wording"), blank=True, editable=False)
    # "My employer matches gifts": the employer the donor named, and where staff are with the match
    # ("" when the donor did not ask; "awaiting" until staff follow up).
    employer_name = models.CharField(_("employer (matching gift)"), max_length=EMPLOYER_NAME_MAX_LENGTH, blank=True)
    employer_match_status = models.CharField(
        _("employer match"), max_length=10, choices=EmployerMatch.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who changed what and when (staff edits of offline gifts, refunds, webhook effects).
    history = GIFT_HISTORY

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("export_gift", _("Can export gifts")),
            ("resend_receipt", _("Can resend a gift's receipt")),
            ("refund_gift", _("Can refund gifts through Stripe")),
            ("moderate_message", _("Can approve or hide donor-wall messages")),
            ("follow_employer_match", _("Can record where a gift's employer match stands")),
        ]
        constraints = [
            # Stripe objects map to at most one gift: retries and races cannot make a second.
            models.UniqueConstraint(
                fields=["stripe_checkout_session_id"],
                condition=~Q(stripe_checkout_session_id=""),
                name="gift_unique_checkout_session",
            ),
            models.UniqueConstraint(
                fields=["stripe_invoice_id"], condition=~Q(stripe_invoice_id=""), name="gift_unique_invoice"
            ),
            models.UniqueConstraint(
                fields=["stripe_payment_intent_id"],
                condition=~Q(stripe_payment_intent_id=""),
                name="gift_unique_payment_intent",
            ),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=models.F("amount_cents") + models.F("fee_cents")),
                name="gift_refund_within_charge",
            ),
            models.UniqueConstraint(
                fields=["receipt_year", "receipt_serial"],
                condition=Q(receipt_serial__isnull=False),
                name="gift_unique_receipt_number",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "-paid_at"], name="gift_wall_idx"),
            models.Index(fields=["donor_email"], name="gift_donor_email_idx"),
            # And on PostgreSQL, gift_wall_recent_idx (migration 0004): SQLite cannot index NULLS LAST.
        ]

    def __str__(self):
        return f"Gift {self.pk} ({self.get_status_display()})"

    @property
    def receipt_number(self) -> str:
        """
        "R2026-0000042": the year and the gift's place in that year's unbroken sequence; "" until
        the gift is paid. A pledge is not a gift until paid: its acknowledgement is "P<year>-<id>".
        """
        if self.receipt_serial:
            return f"R{self.receipt_year}-{self.receipt_serial:07d}"
        if self.is_pledge and self.pk:
            when = self.paid_at or self.created_at
            return f"P{when.year if when else 0}-{self.pk:07d}"
        return ""

    @property
    def remaining_cents(self) -> int:
        """What can still be refunded of what the donor was charged."""
        return self.total_cents - self.refunded_cents

    @property
    def total_cents(self) -> int:
        """What the donor was charged: the gift plus any fee they chose to cover."""
        return self.amount_cents + self.fee_cents

    @property
    def is_offline(self) -> bool:
        return self.source != self.Source.ONLINE

    @property
    def is_pledge(self) -> bool:
        return self.source == self.Source.PLEDGE

    @property
    def kind_label(self) -> str:
        """How receipts name a recurring gift ("monthly gift", "pledge instalment"); "" for a one-time gift."""
        if self.pledge_id:
            return _("pledge instalment")
        return {
            Frequency.MONTHLY: _("monthly gift"),
            Frequency.QUARTERLY: _("quarterly gift"),
            Frequency.ANNUAL: _("annual gift"),
        }.get(self.frequency, "")

    @property
    def public_name(self) -> str:
        return "" if self.is_anonymous else (self.display_name or "")


class OfflineGiftManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().exclude(source=Gift.Source.ONLINE)


class OfflineGift(Gift):
    """
    Gifts staff record by hand (checks, cash, wires, stock, pledges): the same rows as Gift, with
    their own admin and their own add/change permissions, so that editing an offline gift never
    implies the right to touch one that came through Stripe.
    """

    objects = OfflineGiftManager()

    class Meta:
        proxy = True
        verbose_name = _("offline gift")
        verbose_name_plural = _("offline gifts")
        ordering = ["-created_at", "-pk"]


# The gift row's history also covers its offline proxy (same table, same history rows): Django
# sends a proxy's save signals with the proxy as sender, which the Gift history would not hear.
OfflineGift._meta.simple_history_manager_attribute = "history"
models.signals.post_save.connect(GIFT_HISTORY.post_save, sender=OfflineGift, weak=False)
models.signals.post_delete.connect(GIFT_HISTORY.post_delete, sender=OfflineGift, weak=False)


class ReceiptSequence(models.Model):
    """The last receipt serial given in a year (one row a year, locked while a gift takes the next)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt sequence")
        verbose_name_plural = _("receipt sequences")

    def __str__(self):
        return f"{self.year}: {self.last}"


class WebhookEvent(models.Model):
    """
    One Stripe event, stored once (unique id) in the same transaction as its effects, so a
    redelivered event is recognised and changes nothing. A failed event is kept with its error
    (outside the rolled-back transaction) for `manage.py replay_webhook_events`.
    """

    class Status(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    stripe_event_id = models.CharField(_("Stripe event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    payload = models.JSONField(_("payload"), default=dict)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    livemode = models.BooleanField(default=False)
    stripe_created_at = models.DateTimeField(_("created at Stripe"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="webhookevent_status_idx")]

    def __str__(self):
        return f"{self.type} {self.stripe_event_id} ({self.get_status_display()})"


class PlanManageToken(models.Model):
    """
    The emailed key to manage a monthly gift (the Stripe Customer Portal): random, stored as a
    SHA-256 only, short-lived and spent on first use (selectors.PLAN_LINK_MAX_AGE).
    """

    plan = models.ForeignKey(RecurringPlan, on_delete=models.CASCADE, related_name="manage_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("manage-gift link")
        verbose_name_plural = _("manage-gift links")

    def __str__(self):
        return f"plan {self.plan_id} ({self.created_at:%Y-%m-%d %H:%M})"


class DemoCheckoutSession(models.Model):
    """
    Demo payments only (no Stripe keys): the Checkout Session the gateway would have created at
    Stripe, kept locally in Stripe's shape so the demo runs through the real webhook code.
    """

    session_id = models.CharField(max_length=255, unique=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("demo checkout session")
        verbose_name_plural = _("demo checkout sessions")

    def __str__(self):
        return self.session_id


# Audit trail of campaign content (the goal above all). The history tables live in this app so
# that the campaign app's migrations stay its own.
# Image renditions are derived from the image and left out.
history_register(Campaign, app="donations", excluded_fields=["hero_renditions"])
history_register(Designation, app="donations")
history_register(Milestone, app="donations")
history_register(Update, app="donations", excluded_fields=["image_renditions"])
