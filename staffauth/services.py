"""
Two-step sign-in enrolment by invitation (issue 18): a superuser creates or resets a staff
account, the staff member gets a single-use link by email, and only a session that presented
that link may set up a device. A password alone enrols nothing.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from core.tokens import token_create, token_hash_of_input, token_link, token_spend

from .models import EnrolmentInvitation

# Where the enrol step finds the invitation this browser presented.
SESSION_KEY = "staffauth_invitation_id"


def invitation_url(token: str) -> str:
    return token_link(reverse("admin:otp_invitation"), token)


def invitation_create(*, user, created_by=None) -> str:
    """A new invitation for `user` (any older unused one stops working); returns its token."""
    token, token_hash = token_create()
    now = timezone.now()
    with transaction.atomic():
        EnrolmentInvitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        EnrolmentInvitation.objects.create(
            user=user,
            token_hash=token_hash,
            created_by=created_by,
            expires_at=now + datetime.timedelta(hours=settings.STAFF_INVITATION_HOURS),
        )
    return token


def invitation_send(*, user, created_by=None) -> str:
    """Create an invitation and email its link to the staff member; returns the link."""
    token = invitation_create(user=user, created_by=created_by)
    url = invitation_url(token)
    context = {"user": user, "url": url, "hours": settings.STAFF_INVITATION_HOURS, "org_name": settings.ORG_NAME}
    if user.email:
        send_mail(
            subject=f"{settings.ORG_NAME}: set up two-step sign-in for the campaign admin",
            message=render_to_string("emails/staffauth/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    return url


def invitation_for_token(*, token: str) -> EnrolmentInvitation | None:
    """The usable invitation `token` names, or None (unknown, used, expired or for an inactive user)."""
    token_hash = token_hash_of_input(token)
    if token_hash is None:
        return None
    invitation = EnrolmentInvitation.objects.select_related("user").filter(token_hash=token_hash).first()
    if invitation is None or not invitation.is_usable or not invitation.user.is_active:
        return None
    return invitation


def invitation_for_session(*, request) -> EnrolmentInvitation | None:
    """The usable invitation this session presented, when it belongs to the signed-in user."""
    invitation_id = request.session.get(SESSION_KEY)
    if not isinstance(invitation_id, int):
        return None
    invitation = EnrolmentInvitation.objects.filter(pk=invitation_id, user=request.user).first()
    return invitation if invitation is not None and invitation.is_usable else None


def invitation_use(*, invitation: EnrolmentInvitation) -> bool:
    """Mark the invitation used, once: False if another request used it first."""
    return token_spend(EnrolmentInvitation.objects.filter(pk=invitation.pk))


def two_factor_reset(*, user) -> None:
    """Forget every device of `user` (a lost phone or key): they set up again from a new invitation."""
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def staff_without_device():
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(totpdevice__confirmed=True)
        .order_by("pk")
    )
