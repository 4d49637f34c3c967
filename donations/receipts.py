"""The donor's receipt and the dedication notice, rendered in the gift's language."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import money

from .models import Gift, MatchChallenge


def payment_method(gift: Gift) -> str:
    """How the gift was given, as the receipt says it: "Check #1042", "Gift of stock: 20 ACME"."""
    reference = gift.reference.strip()
    if gift.source == Gift.Source.CHECK:
        return _("Check #%(number)s") % {"number": reference} if reference else _("Check")
    if gift.source == Gift.Source.CASH:
        return _("Cash")
    if gift.source == Gift.Source.WIRE:
        return _("Wire transfer (reference %(ref)s)") % {"ref": reference} if reference else _("Wire transfer")
    if gift.source == Gift.Source.STOCK:
        return _("Gift of stock: %(shares)s") % {"shares": reference} if reference else _("Gift of stock")
    if gift.source == Gift.Source.PLEDGE:
        return _("Pledge")
    return _("Card, online")


def deductible_cents(gift: Gift) -> int:
    """
    What the donor may deduct: what they were charged (the gift and any fee they covered) less
    what went back to them. Nothing while a bank dispute is open or after one is lost: the bank
    has taken the payment back.
    """
    if gift.status == Gift.Status.DISPUTED:
        return 0
    return max(0, gift.total_cents - gift.refunded_cents)


def match_statement(gift: Gift) -> str:
    """
    What the thank-you page and the receipt say of a matching challenge the gift qualified for:
    exactly what was matched, or honestly that the pot had run out, and always that the match is
    the sponsor's money (never part of the donor's gift or deduction). "" if it did not qualify.
    """
    if gift.match_challenge_id is None:
        return _monthly_promise(gift)
    if gift.plan_id and gift.match_challenge.recurring_rule == MatchChallenge.RecurringRule.AFTER_PAYMENTS:
        return _monthly_match_statement(gift)
    values = {
        "sponsor": gift.match_challenge.sponsor_name,
        "matched": money.format_cents(gift.matched_cents),
        "drawn": money.format_cents(gift.match_drawn_cents),
        "offered": money.format_cents(gift.match_offered_cents),
    }
    own_money = _("The match is %(sponsor)s's own gift: it is not part of your gift or of your deduction.") % values
    if gift.match_drawn_cents == 0:
        return (
            _(
                "Your gift came after %(sponsor)s's matching pot had been used in full, so it was not matched. "
                "It counts in full toward the goal."
            )
            % values
        )
    if gift.matched_cents < gift.match_drawn_cents:
        if gift.matched_cents == 0:
            return _("%(sponsor)s's match of %(drawn)s went back to their pot with the refund of your gift.") % values
        return (
            _("%(sponsor)s matched %(matched)s of your gift (%(drawn)s before the refund).") % values + " " + own_money
        )
    if gift.match_drawn_cents < gift.match_offered_cents:
        return (
            _("%(sponsor)s matched %(matched)s of your gift: the last of their pot (a full match was %(offered)s).")
            % values
            + " "
            + own_money
        )
    return _("%(sponsor)s matched your gift with %(matched)s.") % values + " " + own_money


def _monthly_promise(gift: Gift) -> str:
    """The first payment of a plan under an "at N months" challenge: what the donor is promised."""
    if not gift.plan_id or not gift.stripe_checkout_session_id or gift.plan.match_pending_challenge_id is None:
        return ""
    if gift.plan.status == gift.plan.Status.CANCELED:
        return ""  # stopped before its Nth month: no match is coming
    challenge = gift.plan.match_pending_challenge
    values = {
        "sponsor": challenge.sponsor_name,
        "months": challenge.monthly_match_after_payments,
        "left": money.format_cents(challenge.left_cents),
    }
    if challenge.left_cents <= 0:
        return (
            _(
                "%(sponsor)s's matching pot has been used in full, so your monthly gift will not be matched. "
                "It counts in full toward the goal."
            )
            % values
        )
    return (
        _(
            "If you give for %(months)s months, %(sponsor)s will match your first %(months)s months "
            "(up to %(left)s left in the pot)."
        )
        % values
        + " "
        + _("The match is %(sponsor)s's own gift: it is not part of your gift or of your deduction.") % values
    )


def _monthly_match_statement(gift: Gift) -> str:
    """A plan matched "at N months": what its first N months were matched with, all together."""
    totals = Gift.objects.filter(plan_id=gift.plan_id, match_challenge_id=gift.match_challenge_id).aggregate(
        months=Count("pk"),
        offered=Sum("match_offered_cents"),
        drawn=Sum("match_drawn_cents"),
        matched=Sum("matched_cents"),
    )
    values = {
        "sponsor": gift.match_challenge.sponsor_name,
        "months": totals["months"],
        "matched": money.format_cents(totals["matched"]),
        "drawn": money.format_cents(totals["drawn"]),
        "offered": money.format_cents(totals["offered"]),
    }
    own_money = _("The match is %(sponsor)s's own gift: it is not part of your gift or of your deduction.") % values
    if totals["drawn"] == 0:
        return (
            _(
                "Your monthly gift reached %(months)s months after %(sponsor)s's matching pot had been used in "
                "full, so it was not matched. It counts in full toward the goal."
            )
            % values
        )
    if totals["matched"] < totals["drawn"]:
        return (
            _(
                "%(sponsor)s matched %(matched)s of the first %(months)s months of your monthly gift "
                "(%(drawn)s before a refund)."
            )
            % values
            + " "
            + own_money
        )
    if totals["drawn"] < totals["offered"]:
        return (
            _(
                "%(sponsor)s matched %(matched)s of the first %(months)s months of your monthly gift: the last of "
                "their pot (a full match was %(offered)s)."
            )
            % values
            + " "
            + own_money
        )
    return (
        _("%(sponsor)s matched the first %(months)s months of your monthly gift with %(matched)s.") % values
        + " "
        + own_money
    )


def receipt_context(*, gift: Gift) -> dict:
    # A refund or a dispute changes what the receipt certifies: the receipt lists what went back
    # and the net deductible amount (a corrected receipt, whenever it is sent or printed).
    corrected = gift.refunded_cents > 0 or gift.status == Gift.Status.DISPUTED
    return {
        "gift": gift,
        "method": payment_method(gift) if gift.is_offline else "",
        "receipt_number": gift.receipt_number,
        "amount": money.format_cents(gift.amount_cents),
        "fee": money.format_cents(gift.fee_cents) if gift.fee_cents else "",
        "total": money.format_cents(gift.total_cents),
        "refunded": money.format_cents(gift.refunded_cents) if gift.refunded_cents else "",
        "disputed": gift.status == Gift.Status.DISPUTED,
        "deductible": money.format_cents(deductible_cents(gift)) if corrected else "",
        "match": match_statement(gift),
        "org_legal_name": settings.ORG_LEGAL_NAME,
        "org_tax_id": settings.ORG_TAX_ID,
        "org_address": settings.ORG_ADDRESS,
        "org_name": settings.ORG_NAME,
        "site_url": settings.SITE_URL,
    }


def _send(*, template: str, subject: str, to: str, context: dict) -> None:
    text = render_to_string(f"emails/donations/{template}.txt", context)
    html = render_to_string(f"emails/donations/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def receipt_send(*, gift: Gift) -> None:
    """The tax receipt; for a pledge, an acknowledgement instead (a pledge is not a gift until paid)."""
    with translation.override(gift.language or settings.LANGUAGE_CODE):
        context = receipt_context(gift=gift)
        if gift.is_pledge:
            subject = _("Thank you for your pledge to %(org)s") % {"org": settings.ORG_NAME}
            _send(template="pledge_acknowledgement", subject=subject, to=gift.donor_email, context=context)
            return
        subject = _("Your gift receipt %(number)s from %(org)s") % {
            "number": gift.receipt_number,
            "org": settings.ORG_NAME,
        }
        _send(template="receipt", subject=subject, to=gift.donor_email, context=context)


def refund_notice_send(*, gift: Gift) -> None:
    """
    A short notice to the donor that part or all of a gift went back to them (a refund) or that
    their bank disputed it, with the new deductible amount: their tax record must say what they
    really gave. In the gift's language.
    """
    with translation.override(gift.language or settings.LANGUAGE_CODE):
        context = receipt_context(gift=gift)
        context["deductible"] = money.format_cents(deductible_cents(gift))
        if gift.status == Gift.Status.DISPUTED:
            subject = _("A dispute of your gift %(number)s") % {"number": gift.receipt_number}
        else:
            subject = _("A refund of your gift %(number)s") % {"number": gift.receipt_number}
        _send(template="refund_notice", subject=subject, to=gift.donor_email, context=context)


# A name that could carry a link, an address or a second line is replaced by a neutral one: the
# honoree notice goes to an address the donor chose, so it must say only what it is.
_UNSAFE_NAME = re.compile(r"(?i)(://|\bwww\.|@|[<>\[\]{}]|[\x00-\x1f\x7f]|\w\.[a-z]{2,}\b)")


def _plain_name(name: str, *, fallback: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 60 or _UNSAFE_NAME.search(name):
        return fallback
    return name


def dedication_notice_send(*, gift: Gift) -> None:
    """
    Tells the honoree (or their family) about the gift made in their name: never the amount.
    Plain text only, a fixed subject, names that cannot carry links (see _plain_name).
    """
    with translation.override(gift.language or settings.LANGUAGE_CODE):
        context = {
            "donor_name": _plain_name(gift.public_name or gift.donor_name, fallback=_("A donor")),
            "is_memory": gift.dedication == Gift.Dedication.MEMORY,
            "honoree_name": _plain_name(gift.honoree_name, fallback=_("someone dear to them")),
            "campaign": gift.campaign,
            "org_name": settings.ORG_NAME,
            "site_url": settings.SITE_URL,
            "contact_url": settings.SITE_URL + reverse("pages:contact"),
        }
        subject = _("A gift has been made in your honor") if not context["is_memory"] else _("A gift in memory")
        text = render_to_string("emails/donations/dedication_notice.txt", context)
        EmailMultiAlternatives(subject=subject, body=text, to=[gift.honoree_email]).send()


def plan_change_confirmation_send(*, plan, kind: str) -> None:
    """Every change the donor makes to a plan is confirmed by email, in the plan's language."""
    from .models import PlanChange

    with translation.override(plan.language or settings.LANGUAGE_CODE):
        context = {
            "plan": plan,
            "kind": kind,
            "amount": money.format_cents(plan.amount_cents + plan.fee_cents),
            "frequency": plan.get_frequency_display(),
            "org_name": settings.ORG_NAME,
            "site_url": settings.SITE_URL,
        }
        subject = _("Your recurring gift: %(change)s") % {"change": PlanChange.Kind(kind).label}
        _send(template="plan_change", subject=subject, to=plan.donor_email, context=context)


def _pledge_context(*, pledge) -> dict:
    from .services.pledges import pledge_schedule_text

    return {
        "pledge": pledge,
        "schedule": pledge_schedule_text(
            installment_cents=pledge.installment_cents, installments=pledge.installments, frequency=pledge.frequency
        ),
        "installment": money.format_cents(pledge.installment_cents),
        "total": money.format_cents(pledge.total_cents),
        "online": pledge.source == pledge.Source.ONLINE,
        "org_name": settings.ORG_NAME,
        "org_legal_name": settings.ORG_LEGAL_NAME,
        "site_url": settings.SITE_URL,
    }


def pledge_schedule_send(*, pledge, to: str, due_dates: list) -> None:
    """The pledge acknowledgement: the total, each instalment's date and amount; not a tax receipt."""
    with translation.override(pledge.language or settings.LANGUAGE_CODE):
        context = _pledge_context(pledge=pledge) | {"due_dates": due_dates}
        subject = _("Your pledge to %(org)s: the schedule") % {"org": settings.ORG_NAME}
        _send(template="pledge_schedule", subject=subject, to=to, context=context)


def pledge_reminder_send(*, pledge, due_on, number: int) -> None:
    with translation.override(pledge.language or settings.LANGUAGE_CODE):
        context = _pledge_context(pledge=pledge) | {"due_on": due_on, "number": number}
        subject = _("Your pledge instalment of %(amount)s is due on %(date)s") % {
            "amount": context["installment"],
            "date": date_format(due_on, "DATE_FORMAT"),
        }
        _send(template="pledge_reminder", subject=subject, to=pledge.donor_email, context=context)


def pledge_payment_failed_send(*, pledge, to: str, manage_url: str) -> None:
    with translation.override(pledge.language or settings.LANGUAGE_CODE):
        context = _pledge_context(pledge=pledge) | {"url": manage_url}
        subject = _("Your pledge instalment of %(amount)s did not go through") % {"amount": context["installment"]}
        _send(template="pledge_payment_failed", subject=subject, to=to, context=context)
