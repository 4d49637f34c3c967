"""Offline gifts: recorded in dollars, counted in the meter at once, with their own receipt."""

import datetime

import pytest
from django.utils import timezone

from campaign.models import Designation
from campaign.tallies import tally_totals
from donations.models import Gift
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/donations/offlinegift/add/"


@pytest.fixture
def campaign():
    return CampaignFactory(title="Dialysis Centers")


def tally(campaign, designation=None) -> dict:
    row = tally_totals(campaign=campaign, designation=designation)
    if row is None:
        return {"raised": 0, "offline": 0, "pledged": 0, "online": 0, "gifts": 0, "donors": 0}
    return {
        "raised": row.raised_cents,
        "offline": row.offline_cents,
        "pledged": row.pledged_cents,
        "online": row.online_cents,
        "gifts": row.gift_count,
        "donors": row.donor_count,
    }


def form(campaign, **overrides):
    data = {
        "campaign": campaign.pk,
        "designation": "",
        "source": "check",
        "amount": "2,500.00",
        "status": "succeeded",
        "received_on": "2026-11-02",
        "expected_on": "",
        "reference": "1042",
        "donor_name": "Katherine Johnson",
        "donor_email": "kj@example.com",
        "donor_address": "1 Main St\nHampton, VA",
        "display_name": "The Johnson family",
        "dedication": "",
        "honoree_name": "",
        "honoree_email": "",
        "message": "",
        "send_receipt": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, url, data, capture):
    with capture(execute=True):
        return client.post(url, data)


def test_a_check_counts_at_once_and_gets_a_receipt_naming_it(
    dev_client,
    development_officer,
    campaign,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    GiftFactory(campaign=campaign, amount_cents=100_00)  # an online gift already counted
    before = tally(campaign)

    response = post(dev_client, ADD_URL, form(campaign), django_capture_on_commit_callbacks)

    assert response.status_code == 302, response.context["adminform"].form.errors
    gift = Gift.objects.get(source="check")
    assert (gift.amount_cents, gift.fee_cents, gift.status, gift.reference) == (2_500_00, 0, "succeeded", "1042")
    assert timezone.localtime(gift.paid_at).date() == datetime.date(2026, 11, 2)
    after = tally(campaign)
    assert after["raised"] - before["raised"] == 2_500_00
    assert after["offline"] - before["offline"] == 2_500_00
    assert (after["online"], after["pledged"]) == (before["online"], 0)
    assert (after["gifts"], after["donors"]) == (before["gifts"] + 1, before["donors"] + 1)

    assert len(mailoutbox) == 1
    receipt = mailoutbox[0]
    assert receipt.to == ["kj@example.com"]
    assert "receipt" in receipt.subject.lower()
    assert "Given by: Check #1042" in receipt.body
    assert "Gift: $2,500.00" in receipt.body
    assert "Please keep this receipt for your tax records." in receipt.body
    gift.refresh_from_db()
    assert gift.receipt_sent_at is not None

    # The audit trail says who recorded it.
    created = gift.history.get(history_type="+")
    assert (created.history_user, created.amount_cents, created.source) == (development_officer, 2_500_00, "check")


def test_a_new_offline_gift_cannot_be_a_pledge_the_form_points_to_the_pledges(dev_client, campaign):
    # Staff enter a pledge under Pledges (its schedule, reminders and payments); the offline-gift
    # form's old "Pledge" method would make a second, schedule-less kind of pledge.
    page = dev_client.get(ADD_URL)
    source = page.context["adminform"].form.fields["source"]
    assert [value for value, _label in source.choices] == ["check", "cash", "wire", "stock"]
    assert str(source.help_text) == (
        'A new pledge is not entered here: add it under <a href="/admin/donations/pledge/">Pledges</a>, '
        "then record each payment there with “Record a payment”."
    )
    assert '<a href="/admin/donations/pledge/">Pledges</a>' in page.content.decode()

    refused = dev_client.post(ADD_URL, form(campaign, source="pledge", reference="", expected_on="2027-06-30"))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["source"] == [
        "Select a valid choice. pledge is not one of the available choices."
    ]
    assert not Gift.objects.exists()
    assert tally(campaign)["raised"] == 0


def test_the_help_points_to_the_pledges_in_spanish():
    from django.utils import translation

    from donations.admin.offline import OfflineGiftForm

    with translation.override("es"):
        help_text = OfflineGiftForm().fields["source"].help_text
    assert help_text == (
        'Un compromiso nuevo no se registra aquí: agréguelo en <a href="/admin/donations/pledge/">Compromisos</a> '
        "y registre cada pago allí con “Registrar un pago”."
    )


def test_an_old_pledge_gift_keeps_its_method_needs_its_date_and_was_acknowledged_not_receipted(
    dev_client,
    development_officer,
    campaign,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # Recorded with the "Pledge" method before pledges had their own admin (the same service the
    # form called then).
    from donations import services

    with django_capture_on_commit_callbacks(execute=True):
        pledge = services.offline_gift_save(
            gift=Gift(
                campaign=campaign,
                source=Gift.Source.PLEDGE,
                status=Gift.Status.SUCCEEDED,
                amount_cents=10_000_00,
                received_on=datetime.date(2026, 11, 2),
                expected_on=datetime.date(2027, 6, 30),
                donor_name="Katherine Johnson",
                donor_email="kj@example.com",
            ),
            actor=development_officer,
        )
    assert tally(campaign) | {"donors": None} == {
        "raised": 10_000_00,
        "offline": 0,
        "pledged": 10_000_00,
        "online": 0,
        "gifts": 1,
        "donors": None,
    }
    assert len(mailoutbox) == 1
    letter = mailoutbox[0]
    assert letter.subject.startswith("Thank you for your pledge")
    assert "it is not a tax receipt" in letter.body
    assert "Expected by: " in letter.body
    assert "tax records" not in letter.body

    change_url = f"/admin/donations/offlinegift/{pledge.pk}/change/"
    page = dev_client.get(change_url)
    source = page.context["adminform"].form.fields["source"]
    assert [value for value, _label in source.choices] == ["check", "cash", "wire", "stock", "pledge"]
    assert '<option value="pledge" selected>Pledge</option>' in page.content.decode()
    assert dev_client.get("/admin/donations/offlinegift/").content.decode().count(">Pledge<") >= 1

    missing = post(
        dev_client,
        change_url,
        form(campaign, source="pledge", reference="", amount="10000", expected_on=""),
        django_capture_on_commit_callbacks,
    )
    assert missing.status_code == 200
    assert missing.context["adminform"].form.errors["expected_on"] == ["A pledge needs the date the money is expected."]
    pledge.refresh_from_db()
    assert (pledge.source, pledge.expected_on) == ("pledge", datetime.date(2027, 6, 30))

    # The pledge is paid by wire: the same gift moves from pledged to offline, and the tax receipt goes.
    paid = post(
        dev_client,
        change_url,
        form(
            campaign,
            source="wire",
            amount="10000",
            reference="FW-2027-7",
            received_on="2027-06-20",
            expected_on="2027-06-30",
        ),
        django_capture_on_commit_callbacks,
    )
    assert paid.status_code == 302
    assert tally(campaign)["raised"] == 10_000_00
    assert (tally(campaign)["pledged"], tally(campaign)["offline"]) == (0, 10_000_00)
    assert len(mailoutbox) == 2
    assert "Given by: Wire transfer (reference FW-2027-7)" in mailoutbox[1].body
    assert "tax records" in mailoutbox[1].body
    # Paid, it is a wire: the form no longer offers to make it a pledge again.
    source = dev_client.get(change_url).context["adminform"].form.fields["source"]
    assert [value for value, _label in source.choices] == ["check", "cash", "wire", "stock"]


def test_voiding_a_bounced_check_takes_exactly_it_off_the_meter(
    dev_client,
    campaign,
    django_capture_on_commit_callbacks,
):
    designation = Designation.objects.create(campaign=campaign, name="Infusion Center", slug="infusion")
    GiftFactory(campaign=campaign, amount_cents=75_00)
    post(
        dev_client,
        ADD_URL,
        form(campaign, designation=designation.pk, amount="300"),
        django_capture_on_commit_callbacks,
    )
    check = Gift.objects.get(source="check")
    assert (tally(campaign)["raised"], tally(campaign, designation)["raised"]) == (375_00, 300_00)

    response = post(
        dev_client,
        f"/admin/donations/offlinegift/{check.pk}/change/",
        form(campaign, designation=designation.pk, amount="300", status="failed", send_receipt=None),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    assert (tally(campaign)["raised"], tally(campaign, designation)["raised"]) == (75_00, 0)
    check.refresh_from_db()
    assert (check.status, check.counted_cents) == ("failed", 0)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", "Enter the amount in dollars, like 50 or 50.00."),
        ("-5", "Enter the amount in dollars, like 50 or 50.00."),
        ("1e3", "Enter the amount in dollars, like 50 or 50.00."),
        ("0", "Enter an amount above zero."),
        ("", "Enter the amount in dollars, like 2500 or 2,500.00."),
    ],
)
def test_bad_amounts_are_explained_and_nothing_is_saved(dev_client, campaign, amount, message):
    response = dev_client.post(ADD_URL, form(campaign, amount=amount))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"] == [message]
    assert not Gift.objects.exists()


def test_a_designation_of_another_campaign_is_refused(dev_client, campaign):
    other = Designation.objects.create(campaign=CampaignFactory(), name="Elsewhere", slug="elsewhere")
    response = dev_client.post(ADD_URL, form(campaign, designation=other.pk))
    assert response.context["adminform"].form.errors["designation"] == [
        "Choose a designation of the campaign above, or none."
    ]
    assert not Gift.objects.exists()


def test_online_gifts_are_not_offline_gifts(dev_client, campaign):
    online = GiftFactory(campaign=campaign, stripe_payment_intent_id="pi_x")
    assert dev_client.get(f"/admin/donations/offlinegift/{online.pk}/change/").status_code == 302  # "doesn't exist"
    assert online.pk not in [
        gift.pk for gift in dev_client.get("/admin/donations/offlinegift/").context["cl"].result_list
    ]
    assert dev_client.get(f"/admin/donations/offlinegift/{online.pk}/delete/").status_code == 403
