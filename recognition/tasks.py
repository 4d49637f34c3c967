"""
The development office's task email about a naming inquiry, sent after the inquiry is committed.
It carries a link to the admin (behind sign-in and two-step verification), not what the
prospect typed: an inbox is not where a donor's phone number should live.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import NamingInquiry

logger = logging.getLogger(__name__)


class NamingMailError(Exception):
    """Sending failed; says which inquiry and why in general terms, never to whom."""


def development_office_emails() -> list[str]:
    """NAMING_NOTIFY_EMAILS, else every active member of Development staff with an address."""
    if settings.NAMING_NOTIFY_EMAILS:
        return list(settings.NAMING_NOTIFY_EMAILS)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(groups__name="Development staff", is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@task
def naming_inquiry_notify(inquiry_id: int) -> None:
    inquiry = NamingInquiry.objects.select_related("opportunity__campaign").filter(pk=inquiry_id).first()
    if inquiry is None:
        logger.info("naming inquiry notify skipped id=%s (gone)", inquiry_id)
        return
    recipients = development_office_emails()
    if not recipients:
        logger.warning("naming inquiry notify skipped id=%s: no one to tell", inquiry_id)
        return
    context = {
        "inquiry": inquiry,
        "opportunity": inquiry.opportunity,
        "admin_url": settings.SITE_URL + reverse("admin:recognition_naminginquiry_change", args=[inquiry.pk]),
    }
    # Staff read English, whatever language the prospect used.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/recognition/inquiry_notification_subject.txt", context).strip()
        body = render_to_string("emails/recognition/inquiry_notification.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except Exception as error:
        raise NamingMailError(f"inquiry email id={inquiry_id} failed: {type(error).__name__}") from None
    logger.info("naming inquiry notify sent id=%s", inquiry_id)


GIFT_NOTICE_KINDS = ("paid", "refunded", "conflict")


@task
def naming_gift_notify(kind: str, gift_id: int, opportunity_id: int) -> None:
    """Tell the development office about a gift that names a space: paid (approve the name), refunded, or a conflict."""
    from .models import NamingOpportunity

    opportunity = NamingOpportunity.objects.select_related("campaign").filter(pk=opportunity_id).first()
    if opportunity is None or kind not in GIFT_NOTICE_KINDS:
        logger.info("naming gift notify skipped kind=%s space=%s", kind, opportunity_id)
        return
    recipients = development_office_emails()
    if not recipients:
        logger.warning("naming gift notify skipped kind=%s space=%s: no one to tell", kind, opportunity_id)
        return
    context = {
        "kind": kind,
        "gift_id": gift_id,
        "opportunity": opportunity,
        "admin_url": settings.SITE_URL + reverse("admin:recognition_namingopportunity_change", args=[opportunity.pk]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/recognition/gift_notification_subject.txt", context).strip()
        body = render_to_string("emails/recognition/gift_notification.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except Exception as error:
        failure = type(error).__name__
        raise NamingMailError(f"naming gift email kind={kind} space={opportunity_id} failed: {failure}") from None
    logger.info("naming gift notify sent kind=%s space=%s", kind, opportunity_id)
