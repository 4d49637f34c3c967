"""Contact details and email preferences: the newsletter consent is recorded with its date and words."""

import pytest

from donations.models import Gift
from donors.models import ConsentRecord, ContactPreference
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

WORDING = "Send me the foundation's newsletter by email"


def test_the_donor_sets_a_receipt_name_and_consents_to_the_newsletter(client, sign_in, alice_gift):
    sign_in("alice@example.com")
    page = client.get("/donate/manage/you/preferences/")
    assert page.status_code == 200
    assert (
        'name="newsletter"' in page.content.decode()
        and "checked" not in page.content.decode().split('name="newsletter"')[1][:40]
    )

    saved = client.post(
        "/donate/manage/you/preferences/",
        {"receipt_name": "Dr. Alice Doe", "mailing_address": "1 Elm St\nHartford CT", "newsletter": "on"},
    )

    assert saved.status_code == 200
    preference = ContactPreference.objects.get(email="alice@example.com")
    assert (preference.receipt_name, preference.newsletter) == ("Dr. Alice Doe", True)
    (record,) = ConsentRecord.objects.all()
    assert (record.email, record.given, record.where, record.language) == (
        "alice@example.com",
        True,
        "donor_pages",
        "en",
    )
    assert record.wording.startswith(WORDING)
    alice_gift.refresh_from_db()
    assert alice_gift.donor_name == "Dr. Alice Doe"
    assert "Dr. Alice Doe" in client.get(f"/donate/manage/you/gifts/{alice_gift.pk}/receipt/").content.decode()


def test_withdrawing_consent_is_recorded_too_and_saving_again_records_nothing(client, sign_in, alice_gift):
    sign_in("alice@example.com")
    client.post("/donate/manage/you/preferences/", {"newsletter": "on"})
    client.post("/donate/manage/you/preferences/", {"newsletter": "on"})
    client.post("/donate/manage/you/preferences/", {})

    assert list(ConsentRecord.objects.order_by("pk").values_list("given", flat=True)) == [True, False]
    assert ContactPreference.objects.get().newsletter is False


def test_preferences_need_the_emailed_link(client, alice_gift):
    assert client.get("/donate/manage/you/preferences/").status_code == 403
    assert client.post("/donate/manage/you/preferences/", {"newsletter": "on"}).status_code == 403
    assert not ContactPreference.objects.exists()


def test_a_receipt_name_with_a_link_is_refused(client, sign_in, alice_gift):
    sign_in("alice@example.com")
    response = client.post("/donate/manage/you/preferences/", {"receipt_name": "www.spam.example"})

    assert response.status_code == 400
    assert not ContactPreference.objects.exists()


def test_the_gift_forms_opt_in_is_unchecked_and_records_date_and_words(client, fake_stripe):
    from tests.donations.conftest import form_data

    campaign = CampaignFactory()
    html = client.get(f"/donate/?campaign={campaign.slug}").content.decode()
    field = html.split('name="newsletter"', 1)[1][:60]
    assert "checked" not in field

    client.post("/donate/", form_data(campaign))
    client.post("/donate/", form_data(campaign, newsletter="on"))

    without, with_consent = Gift.objects.order_by("pk")
    assert (without.newsletter_consent_at, without.newsletter_consent_wording) == (None, "")
    assert with_consent.newsletter_consent_at is not None
    assert with_consent.newsletter_consent_wording.startswith(WORDING)
