"""
Pledges: a total promised in equal instalments (monthly, quarterly, annual), paid online through
a Stripe subscription that ends by itself, or offline with payments staff record. Each
instalment paid is a gift (`Gift.pledge`), receipted like any other.
"""

import calendar
import datetime
import logging
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import money
from core.cache import pages_invalidate_on_commit

from .. import stripe_gateway
from ..models import PERIOD_MONTHS, Frequency, Gift, Pledge, PledgeReminder, RecurringPlan

log = logging.getLogger(__name__)

# Instalments of these frequencies get a reminder before they fall due (a monthly one is too frequent to remind).
REMINDED_FREQUENCIES = frozenset({Frequency.QUARTERLY, Frequency.ANNUAL})


# The schedule in words; the gift form's script fills in the same sentences (pledge_sentences).
SCHEDULE_SENTENCES = {
    Frequency.MONTHLY: gettext_lazy("A pledge of %(total)s: %(amount)s a month for %(count)s months."),
    Frequency.QUARTERLY: gettext_lazy("A pledge of %(total)s: %(amount)s a quarter for %(count)s quarters."),
    Frequency.ANNUAL: gettext_lazy("A pledge of %(total)s: %(amount)s a year for %(count)s years."),
}


def pledge_schedule_text(*, installment_cents: int, installments: int, frequency: str) -> str:
    """The schedule in words, in the active language: the form, Checkout, the emails and the admin say the same."""
    values = {
        "total": money.format_cents(installment_cents * installments),
        "amount": money.format_cents(installment_cents),
        "count": installments,
    }
    return str(SCHEDULE_SENTENCES[frequency]) % values


def pledge_sentences() -> dict[str, str]:
    """{frequency: the sentence with its %(total)s, %(amount)s, %(count)s placeholders}, in the active language."""
    return {str(frequency): str(sentence) for frequency, sentence in SCHEDULE_SENTENCES.items()}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole months: the same day, or the month's last (Jan 31 + 1 → Feb 28), as Stripe bills."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def pledge_due_dates(pledge: Pledge) -> list[datetime.date]:
    """Every instalment's due date, counted from the first (never from the last, so no drift)."""
    months = PERIOD_MONTHS[pledge.frequency]
    return [add_months(pledge.first_due_on, months * number) for number in range(pledge.installments)]


class PledgeFigures(NamedTuple):
    pledged_cents: int
    paid_cents: int
    paid_count: int
    outstanding_cents: int
    overdue_cents: int


def pledge_figures(*, pledge: Pledge, paid_cents: int, paid_count: int, today: datetime.date) -> PledgeFigures:
    """
    What a pledge stands at. Paid: what its gifts count (net of refunds, without covered fees).
    Outstanding: the unpaid part of an active pledge; a completed, cancelled or written-off one
    has none (what was paid stays paid). Overdue: what fell due before today and is unpaid.
    """
    if pledge.status not in Pledge.OPEN_STATUSES:
        return PledgeFigures(pledge.total_cents, paid_cents, paid_count, 0, 0)
    outstanding = Pledge.outstanding_of(status=pledge.status, total_cents=pledge.total_cents, paid_cents=paid_cents)
    due = sum(1 for day in pledge_due_dates(pledge) if day < today) * pledge.installment_cents
    overdue = min(outstanding, max(0, due - paid_cents))
    return PledgeFigures(pledge.total_cents, paid_cents, paid_count, outstanding, overdue)


def pledges_with_payments(queryset=None):
    """Pledges annotated with paid_cents and paid_count (their counted gifts), in one query."""
    counted = Q(gifts__status__in=Gift.COUNTED_STATUSES)
    queryset = Pledge.objects.all() if queryset is None else queryset
    return queryset.annotate(
        paid_cents=Sum("gifts__counted_cents", filter=counted, default=0),
        paid_count=Count("gifts", filter=counted),
    )


def _paid_count(pledge: Pledge) -> int:
    return pledge.gifts.filter(status__in=Gift.COUNTED_STATUSES).count()


def pledge_after_payment(*, pledge: Pledge) -> Pledge:
    """
    Called (inside the caller's transaction, the pledge locked) after an instalment was recorded
    or changed: a pending online pledge becomes active at its first payment, and a pledge is paid
    in full once it has as many paid instalments as it promised.
    """
    paid = _paid_count(pledge)
    status = pledge.status
    if pledge.status == Pledge.Status.PENDING and paid:
        pledge.status = Pledge.Status.ACTIVE
        pledge.first_due_on = timezone.localdate()
        pledge_id = pledge.pk
        transaction.on_commit(lambda: _after_activation(pledge_id), robust=True)
    if pledge.status == Pledge.Status.ACTIVE and paid >= pledge.installments:
        pledge.status = Pledge.Status.COMPLETED
        pledge.closed_at = timezone.now()
    pledge.save()
    if pledge.status != status:  # activated or paid in full (the instalment's own gift_save refreshed the rest)
        _meter_moved()
    return pledge


def _meter_moved() -> None:
    """A pledge's outstanding part changed: the meter's cached pages are rebuilt once the change commits."""
    pages_invalidate_on_commit(figures=True)


def _after_activation(pledge_id: int) -> None:
    from ..tasks import pledge_send_acknowledgement, pledge_set_end

    pledge_send_acknowledgement.enqueue(pledge_id=pledge_id)
    pledge_set_end.enqueue(pledge_id=pledge_id)


def pledge_link_plan(*, pledge: Pledge, plan: RecurringPlan) -> None:
    """The online pledge's subscription, once Checkout made it (idempotent)."""
    if pledge.plan_id is None:
        pledge.plan = plan
        pledge.save(update_fields=["plan", "updated_at"])


def pledge_set_end(*, pledge_id: int) -> str:
    """
    Give the pledge's subscription its end at Stripe (a schedule that cancels it after the last
    instalment), once. Runs in a task after the first payment commits; reconcile runs it again
    for any active online pledge still without a schedule.
    """
    pledge = Pledge.objects.select_related("plan").get(pk=pledge_id)
    if pledge.stripe_schedule_id or pledge.plan is None or pledge.source != Pledge.Source.ONLINE:
        return pledge.stripe_schedule_id
    months = PERIOD_MONTHS[pledge.frequency] * pledge.installments
    schedule_id = stripe_gateway.subscription_end_after(
        subscription_id=pledge.plan.stripe_subscription_id,
        interval="year" if pledge.frequency == Frequency.ANNUAL else "month",
        interval_count=pledge.installments if pledge.frequency == Frequency.ANNUAL else months,
        pledge_id=pledge.pk,
    )
    Pledge.objects.filter(pk=pledge.pk, stripe_schedule_id="").update(stripe_schedule_id=schedule_id)
    return schedule_id


def pledge_record_plan_ended(*, plan: RecurringPlan) -> None:
    """The subscription ended (by its schedule, or cancelled): a pledge not paid in full is cancelled."""
    pledge = Pledge.objects.select_for_update().filter(plan=plan).first()
    if pledge is None or pledge.status not in (Pledge.Status.ACTIVE, Pledge.Status.PENDING):
        return
    if _paid_count(pledge) >= pledge.installments:
        pledge.status = Pledge.Status.COMPLETED
    else:
        pledge.status = Pledge.Status.CANCELED
    pledge.closed_at = timezone.now()
    pledge.save()
    _meter_moved()


def pledge_close(*, pledge: Pledge, status: str, actor=None) -> Pledge:
    """Staff cancel or write off a pledge: its outstanding part stops counting; what was paid stays."""
    if status not in (Pledge.Status.CANCELED, Pledge.Status.WRITTEN_OFF):
        raise ValueError(status)
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if pledge.status in (Pledge.Status.ACTIVE, Pledge.Status.PENDING):
            pledge.status = status
            pledge.closed_at = timezone.now()
            pledge.save()
            _meter_moved()
    log.info("Pledge %s closed as %s by user %s", pledge.pk, status, getattr(actor, "pk", None))
    return pledge


def pledge_record_payment(
    *, pledge: Pledge, amount_cents: int, source: str, received_on: datetime.date, reference: str = "", actor=None
) -> Gift:
    """A payment staff received on a pledge: an offline gift of the pledge, receipted, and the pledge moved on."""
    from .offline import offline_gift_save

    if source not in Gift.OFFLINE_SOURCES or source == Gift.Source.PLEDGE:
        raise ValueError(_("A payment is a check, cash, a wire or stock."))
    if amount_cents <= 0:
        raise ValueError(_("Enter an amount greater than zero."))
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if pledge.status != Pledge.Status.ACTIVE:
            raise ValueError(_("Only an active pledge takes payments."))
        gift = Gift(
            campaign=pledge.campaign,
            designation=pledge.designation,
            pledge=pledge,
            amount_cents=amount_cents,
            source=source,
            status=Gift.Status.SUCCEEDED,
            received_on=received_on,
            reference=reference[:120],
            donor_name=pledge.donor_name,
            donor_email=pledge.donor_email,
            display_name=pledge.donor_name[:80],
            language=pledge.language,
        )
        gift._history_user = actor
        offline_gift_save(gift=gift, actor=actor)
        pledge_after_payment(pledge=pledge)
    return gift


def pledge_create_offline(*, pledge: Pledge, actor=None) -> Pledge:
    """A pledge staff entered: active at once, and acknowledged to the donor after the transaction commits."""
    pledge.source = Pledge.Source.OFFLINE
    pledge.status = Pledge.Status.ACTIVE
    with transaction.atomic():
        pledge.save()
        _meter_moved()
        pledge_id = pledge.pk
        transaction.on_commit(lambda: _acknowledge_later(pledge_id), robust=True)
    log.info("Offline pledge %s entered by user %s", pledge.pk, getattr(actor, "pk", None))
    return pledge


def _acknowledge_later(pledge_id: int) -> None:
    from ..tasks import pledge_send_acknowledgement

    pledge_send_acknowledgement.enqueue(pledge_id=pledge_id)


# --- Emails ------------------------------------------------------------------------------------


def pledge_acknowledgement_send(*, pledge_id: int) -> bool:
    """The pledge and its schedule (not a tax receipt: each instalment gets one), once per pledge."""
    from .. import receipts

    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().select_related("campaign").get(pk=pledge_id)
        email = pledge.donor_email or _first_gift_email(pledge)
        if pledge.acknowledged_at or not email:
            return False
        receipts.pledge_schedule_send(pledge=pledge, to=email, due_dates=pledge_due_dates(pledge))
        pledge.acknowledged_at = timezone.now()
        pledge.donor_email = email
        pledge.save(update_fields=["acknowledged_at", "donor_email", "donor_name", "updated_at"])
    return True


def _first_gift_email(pledge: Pledge) -> str:
    gift = pledge.gifts.exclude(donor_email="").order_by("pk").first()
    if gift is not None and not pledge.donor_name:
        pledge.donor_name = gift.donor_name
    return gift.donor_email if gift else ""


def pledge_payment_failed_send(*, plan: RecurringPlan) -> bool:
    """An instalment's card payment failed: tell the donor plainly, with a link to update their card."""
    from .. import receipts
    from .plans import plan_manage_url

    pledge = Pledge.objects.filter(plan=plan).first()
    email = (pledge.donor_email if pledge else "") or plan.donor_email
    if pledge is None or not email:
        return False
    receipts.pledge_payment_failed_send(pledge=pledge, to=email, manage_url=plan_manage_url(plan=plan))
    return True


def pledge_reminders_send(*, today: datetime.date | None = None, days: int | None = None, stdout=None) -> dict:
    """
    Email each donor whose quarterly or annual instalment falls due within `days` (settings.
    PLEDGE_REMINDER_DAYS): once per instalment, whatever how often this runs (a unique reminder
    row, taken under a lock before the email, marked sent after it). The first instalment of an
    online pledge was charged at Checkout, and one already paid needs no reminder.
    """
    from .. import receipts

    today = today or timezone.localdate()
    days = settings.PLEDGE_REMINDER_DAYS if days is None else days
    horizon = today + datetime.timedelta(days=days)
    pledges = pledges_with_payments(
        Pledge.objects.filter(status=Pledge.Status.ACTIVE, frequency__in=REMINDED_FREQUENCIES).exclude(donor_email="")
    ).order_by("pk")
    counts = {"pledges": 0, "sent": 0, "already": 0}
    for pledge in pledges.iterator(chunk_size=500):
        counts["pledges"] += 1
        dates = pledge_due_dates(pledge)
        # The next instalment not yet paid (paid instalments are counted in order).
        if pledge.paid_count >= len(dates):
            continue
        due_on = dates[pledge.paid_count]
        if not today <= due_on <= horizon:
            continue
        with transaction.atomic():
            reminder, _created = PledgeReminder.objects.get_or_create(pledge=pledge, due_on=due_on)
            reminder = PledgeReminder.objects.select_for_update().get(pk=reminder.pk)
            if reminder.sent_at:
                counts["already"] += 1
                continue
            receipts.pledge_reminder_send(pledge=pledge, due_on=due_on, number=pledge.paid_count + 1)
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
        counts["sent"] += 1
        if stdout is not None:
            stdout.write(f"pledge {pledge.pk}: reminder for {due_on:%Y-%m-%d} sent")
    return counts
