"""
The door to the donor's pages: an emailed, single-use, expiring link, then a while in one browser.

The token rides in the link's #fragment (never sent to a server, so never in a log); the landing
page copies it into a form that the donor posts (a mail scanner following links spends nothing).
"""

import datetime
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.tokens import token_create, token_hash_of_input, token_link, token_spend
from donations import selectors

from .models import DonorAccessToken

LINK_MAX_AGE = 30 * 60  # the emailed link works once, within 30 minutes
SESSION_KEY = "donors_access"
SESSION_MAX_AGE = 60 * 60  # then the browser may read the pages for an hour


def access_link_request(*, email: str, language: str, response) -> None:
    """
    Email the link once `response` has gone, whoever `email` belongs to: the request does the
    same work for a donor's address as for a stranger's, so neither its answer nor its timing
    tells who gives.
    """
    from .tasks import donor_send_access_link

    response._resource_closers.append(lambda: donor_send_access_link.enqueue(email=email, language=language))


def access_link_send(*, email: str, language: str) -> bool:
    """Create a token and email it, if `email` has given; False (and nothing sent) otherwise."""
    email = email.strip().lower()
    if not selectors.donor_has_giving(email=email):
        return False
    token, token_hash = token_create()
    DonorAccessToken.objects.create(
        email=email,
        token_hash=token_hash,
        expires_at=timezone.now() + datetime.timedelta(seconds=LINK_MAX_AGE),
    )
    url = token_link(reverse("donors:open"), token)
    # The language the donor gave in, else the page's they asked from.
    language = selectors.donor_language(email=email) or language
    with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
        context = {
            "url": url,
            "minutes": LINK_MAX_AGE // 60,
            "org_name": settings.ORG_NAME,
            "site_url": settings.SITE_URL,
        }
        message = EmailMultiAlternatives(
            subject=_("Your gifts to %(org)s") % {"org": settings.ORG_NAME},
            body=render_to_string("emails/donors/access_link.txt", context),
            to=[email],
        )
        message.attach_alternative(render_to_string("emails/donors/access_link.html", context), "text/html")
        message.send()
    return True


def access_token_use(*, token: str, session) -> str | None:
    """
    Spend a token (once, before it expires) and let this browser's session read the pages of its
    address for SESSION_MAX_AGE. Returns the address; None for an unknown, spent or expired token.
    """
    token_hash = token_hash_of_input(token)
    if token_hash is None:
        return None
    if not token_spend(DonorAccessToken.objects.filter(token_hash=token_hash, expires_at__gt=timezone.now())):
        return None
    email = DonorAccessToken.objects.values_list("email", flat=True).get(token_hash=token_hash)
    session.cycle_key()
    session[SESSION_KEY] = {"email": email, "until": int(time.time()) + SESSION_MAX_AGE}
    return email


def access_email(*, session) -> str | None:
    """The address this browser opened with an emailed link, while the grant lasts."""
    grant = session.get(SESSION_KEY)
    if (
        not isinstance(grant, dict)
        or not isinstance(grant.get("email"), str)
        or not isinstance(grant.get("until"), int)
    ):
        return None
    if grant["until"] < int(time.time()):
        return None
    return grant["email"]


def access_end(*, session) -> None:
    session.pop(SESSION_KEY, None)


def access_tokens_purge() -> int:
    """Spent or expired keys are of no use; keep the table small."""
    deleted, _rows = DonorAccessToken.objects.filter(
        expires_at__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()
    return deleted
