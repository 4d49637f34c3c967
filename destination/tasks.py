"""
Emails about Destination Care requests, sent as tasks after the request is committed.

Neither email carries a submitted detail: the coordinators get a link to the admin (behind sign-in
and permissions), the sender gets the reference and what happens next.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from destination.models import CareRequest

logger = logging.getLogger(__name__)


class DestinationMailError(Exception):
    """Sending failed; says which request and why in general terms, never to whom."""


def _send(*, template: str, context: dict, to: list[str], request_id: int) -> None:
    subject = render_to_string(f"emails/destination/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/destination/{template}.txt", context)
    html = render_to_string(f"emails/destination/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:
        # SMTP errors quote the refused address, and the task runner logs (and the database
        # backend stores) the traceback: re-raise without the original message or its chain.
        raise DestinationMailError(
            f"{template} email for request id={request_id} failed: {type(error).__name__}"
        ) from None


def coordinator_emails() -> list[str]:
    """Every active member of the Care coordinators group with an address: who is told by default."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(groups__name="Care coordinators", is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@task
def care_request_notify_coordinators(request_id: int) -> None:
    care_request = CareRequest.objects.filter(pk=request_id).only("pk", "kind", "reference").first()
    if care_request is None:  # erased before the task ran
        logger.info("destination notify skipped id=%s (gone)", request_id)
        return
    recipients = list(settings.DESTINATION_NOTIFY_EMAILS) or coordinator_emails()
    if not recipients:
        logger.warning("destination notify skipped id=%s: no coordinator with an email address", request_id)
        return
    context = {
        "kind": care_request.get_kind_display(),
        "is_referral": care_request.kind == CareRequest.Kind.REFERRAL,
        "reference": care_request.reference,
        "admin_url": settings.SITE_URL + care_request.get_admin_url(),
    }
    # Staff read English, whatever language the family used (the immediate backend runs this
    # inside their request, with their language active).
    with translation.override(settings.LANGUAGE_CODE):
        _send(template="coordinator_notification", context=context, to=recipients, request_id=request_id)
    logger.info("destination notify sent id=%s kind=%s", request_id, care_request.kind)


@task
def care_request_confirm_to_sender(request_id: int) -> None:
    care_request = (
        CareRequest.objects.filter(pk=request_id).only("pk", "kind", "reference", "email", "language").first()
    )
    if care_request is None:
        logger.info("destination confirmation skipped id=%s (gone)", request_id)
        return
    context = {
        "is_referral": care_request.kind == CareRequest.Kind.REFERRAL,
        "reference": care_request.reference,
        "page_url": settings.SITE_URL + "/destination-care/",
        "contact_url": settings.SITE_URL + reverse("pages:contact"),
        "privacy_url": settings.SITE_URL + reverse("pages:privacy_families"),
        "ORG_NAME": settings.ORG_NAME,
    }
    with translation.override(care_request.language or settings.LANGUAGE_CODE):
        _send(template="sender_confirmation", context=context, to=[care_request.email], request_id=request_id)
    logger.info("destination confirmation sent id=%s kind=%s", request_id, care_request.kind)
