"""Resending receipts from the gifts list (permission donations.resend_receipt)."""

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from donations.models import Gift
from tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def test_resend_sends_again_and_says_what_was_skipped(dev_client, mailoutbox):
    sent_before = GiftFactory(donor_email="ada@example.com", receipt_sent_at=timezone.now())
    no_email = GiftFactory(donor_email="")
    pending = GiftFactory(status=Gift.Status.PENDING, paid_at=None)
    # The list hides checkouts that never paid unless asked, and an action sees only the list.
    response = dev_client.post(
        "/admin/donations/gift/?payment=all",
        {"action": "resend_receipts", "_selected_action": [sent_before.pk, no_email.pk, pending.pk]},
    )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]
    assert sent_before.receipt_number in mailoutbox[0].subject
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 receipt sent.",
        "2 gifts were skipped: no email address, or not paid.",
    ]


def test_without_the_permission_the_action_is_refused(client, django_user_model, mailoutbox):
    from django.contrib.auth.models import Group

    gift = GiftFactory()
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Group.objects.get(name="Development staff").permissions.exclude(codename="resend_receipt")
    )
    client.force_login(viewer)
    response = client.post("/admin/donations/gift/", {"action": "resend_receipts", "_selected_action": [gift.pk]})
    # An action not offered to this user: Django's "no action selected", back to the list.
    assert response.status_code == 302
    assert mailoutbox == []


def test_a_mail_failure_is_reported_and_kept_on_the_gift(dev_client, mailoutbox, monkeypatch):
    from donations import receipts

    gift = GiftFactory()

    def broken(**kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(receipts, "receipt_send", broken)
    response = dev_client.post("/admin/donations/gift/", {"action": "resend_receipts", "_selected_action": [gift.pk]})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 receipt could not be sent; the error is on its gift. Try again later."
    ]
    gift.refresh_from_db()
    assert gift.receipt_error == "ConnectionRefusedError: SMTP down"
