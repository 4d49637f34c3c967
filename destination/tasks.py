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

from destination.models import CareRequest

logger = logging.getLogger(__name__)


def _send(*, template: str, context: dict, to: list[str]) -> None:
    subject = render_to_string(f"emails/destination/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/destination/{template}.txt", context)
    html = render_to_string(f"emails/destination/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


@task
def care_request_notify_coordinators(request_id: int) -> None:
    care_request = CareRequest.objects.filter(pk=request_id).only("pk", "kind", "reference").first()
    if care_request is None:  # erased before the task ran
        logger.info("destination notify skipped id=%s (gone)", request_id)
        return
    recipients = list(settings.DESTINATION_NOTIFY_EMAILS)
    if not recipients:
        logger.warning("destination notify skipped id=%s: DESTINATION_NOTIFY_EMAILS is empty", request_id)
        return
    context = {
        "kind": care_request.get_kind_display(),
        "is_referral": care_request.kind == CareRequest.Kind.REFERRAL,
        "reference": care_request.reference,
        "admin_url": settings.SITE_URL + care_request.get_admin_url(),
    }
    _send(template="coordinator_notification", context=context, to=recipients)
    logger.info("destination notify sent id=%s kind=%s", request_id, care_request.kind)


@task
def care_request_confirm_to_sender(request_id: int) -> None:
    care_request = CareRequest.objects.filter(pk=request_id).only("pk", "kind", "reference", "email").first()
    if care_request is None:
        logger.info("destination confirmation skipped id=%s (gone)", request_id)
        return
    context = {
        "is_referral": care_request.kind == CareRequest.Kind.REFERRAL,
        "reference": care_request.reference,
        "page_url": settings.SITE_URL + "/destination-care/",
        "ORG_NAME": settings.ORG_NAME,
    }
    _send(template="sender_confirmation", context=context, to=[care_request.email])
    logger.info("destination confirmation sent id=%s kind=%s", request_id, care_request.kind)
