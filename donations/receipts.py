"""The donor's receipt and the dedication notice, rendered in the gift's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core import money

from .models import Gift


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


def receipt_context(*, gift: Gift) -> dict:
    return {
        "gift": gift,
        "method": payment_method(gift) if gift.is_offline else "",
        "receipt_number": gift.receipt_number,
        "amount": money.format_cents(gift.amount_cents),
        "fee": money.format_cents(gift.fee_cents) if gift.fee_cents else "",
        "total": money.format_cents(gift.total_cents),
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


def dedication_notice_send(*, gift: Gift) -> None:
    """Tells the honoree (or their family) about the gift made in their name: never the amount."""
    with translation.override(gift.language or settings.LANGUAGE_CODE):
        context = {
            "donor_name": gift.public_name or gift.donor_name or _("A friend"),
            "is_memory": gift.dedication == Gift.Dedication.MEMORY,
            "honoree_name": gift.honoree_name,
            "campaign": gift.campaign,
            "org_name": settings.ORG_NAME,
            "site_url": settings.SITE_URL,
        }
        subject = _("A gift has been made in your honor") if not context["is_memory"] else _("A gift in memory")
        _send(template="dedication_notice", subject=subject, to=gift.honoree_email, context=context)


def plan_manage_link_send(*, plan, url: str) -> None:
    with translation.override(plan.language or settings.LANGUAGE_CODE):
        context = {
            "plan": plan,
            "url": url,
            "amount": money.format_cents(plan.amount_cents + plan.fee_cents),
            "org_name": settings.ORG_NAME,
        }
        subject = _("Manage your monthly gift")
        _send(template="plan_manage_link", subject=subject, to=plan.donor_email, context=context)
