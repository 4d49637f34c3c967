"""Staff open a matching challenge in dollars, follow it, and give the sponsor a report (CSV too)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from donations.models import Gift, MatchChallenge
from donations.services import gift_save
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory, MatchChallengeFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/donations/matchchallenge/add/"


def png(width=300, height=120) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile("acme.png", buffer.getvalue(), content_type="image/png")


def form(campaign, **overrides):
    start = timezone.localtime() + datetime.timedelta(minutes=5)
    end = start + datetime.timedelta(hours=24)
    data = {
        "campaign": campaign.pk,
        "sponsor_name": "Acme Health",
        "pot_cents": "50,000",
        "ratio": "1",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "match_online": "on",
        "designation": "",
        "recurring_rule": "first_payment",
        "is_active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_development_staff_open_a_one_to_one_challenge_of_50000_dollars_for_24_hours(dev_client):
    campaign = CampaignFactory()
    response = dev_client.post(ADD_URL, {**form(campaign), "sponsor_logo": png()})

    assert response.status_code == 302, response.content.decode()[:3000]
    challenge = MatchChallenge.objects.get()
    assert (challenge.pot_cents, challenge.drawn_cents, challenge.ratio) == (50_000_00, 0, 1)
    assert challenge.ends_at - challenge.starts_at == datetime.timedelta(hours=24)
    assert challenge.sponsor_logo.name.startswith("sponsors/")


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"pot_cents": "lots"}, "pot_cents", ""),
        ({"pot_cents": "0"}, "pot_cents", "more than zero"),
        ({"pot_cents": "-50"}, "pot_cents", ""),
        ({"pot_cents": "999999999999"}, "pot_cents", ""),
        ({"match_online": None}, "match_online", "Choose online gifts, offline gifts, or both."),
        ({"ratio": "7"}, "ratio", "Select a valid choice"),
        ({"ends_at_0": "2020-01-01"}, "ends_at", "The challenge must end after it starts."),
        ({"starts_at_0": "not a date"}, "starts_at", "Enter a valid date"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(dev_client, overrides, field, message):
    response = dev_client.post(ADD_URL, form(CampaignFactory(), **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not MatchChallenge.objects.exists()


def test_a_logo_that_is_not_an_image_is_refused(dev_client):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = dev_client.post(ADD_URL, {**form(CampaignFactory()), "sponsor_logo": fake})
    assert response.status_code == 200
    assert "not an image" in " ".join(response.context["adminform"].form.errors["sponsor_logo"])
    assert not MatchChallenge.objects.exists()


def test_a_designation_of_another_campaign_is_refused(dev_client):
    other = DesignationFactory()
    response = dev_client.post(ADD_URL, form(CampaignFactory(), designation=other.pk))
    assert response.status_code == 200
    assert "another campaign" in " ".join(response.context["adminform"].form.errors["designation"])


def test_the_pot_cannot_be_cut_below_what_has_been_matched(dev_client):
    challenge = MatchChallengeFactory(pot_cents=1_000_00)
    GiftFactory(campaign=challenge.campaign, amount_cents=600_00)
    url = f"/admin/donations/matchchallenge/{challenge.pk}/change/"
    response = dev_client.post(url, form(challenge.campaign, pot_cents="500"))
    assert response.status_code == 200
    assert "cannot be smaller than that" in " ".join(response.context["adminform"].form.errors["pot_cents"])
    challenge.refresh_from_db()
    assert challenge.pot_cents == 1_000_00


def test_nobody_deletes_a_challenge(dev_client):
    challenge = MatchChallengeFactory()
    assert (
        dev_client.post(f"/admin/donations/matchchallenge/{challenge.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert MatchChallenge.objects.filter(pk=challenge.pk).exists()


def test_the_list_shows_each_challenges_progress(dev_client):
    challenge = MatchChallengeFactory(pot_cents=1_000_00, sponsor_name="Acme Health")
    GiftFactory(campaign=challenge.campaign, amount_cents=250_00)
    html = dev_client.get("/admin/donations/matchchallenge/").content.decode()
    assert "Acme Health" in html
    assert "$250.00" in html and "$750.00" in html
    assert "Open" in html


def test_the_sponsor_report_counts_gifts_donors_and_money_and_exports_them(dev_client, django_assert_num_queries):
    challenge = MatchChallengeFactory(pot_cents=300_00, sponsor_name="Acme Health")
    campaign = challenge.campaign
    GiftFactory(campaign=campaign, amount_cents=100_00, donor_email="a@example.com", display_name="=HYPERLINK(1)")
    GiftFactory(campaign=campaign, amount_cents=100_00, donor_email="a@example.com", is_anonymous=True)
    refunded = GiftFactory(campaign=campaign, amount_cents=100_00, donor_email="b@example.com")
    refunded.refunded_cents, refunded.status = 100_00, Gift.Status.REFUNDED
    gift_save(refunded)  # its match goes back: it is not in the report
    GiftFactory(
        campaign=campaign, amount_cents=150_00, donor_email="c@example.com", display_name="Cy"
    )  # pot's last $100
    GiftFactory(campaign=campaign, amount_cents=20_00, donor_email="d@example.com")  # after the pot ran out

    response = dev_client.get(f"/admin/donations/matchchallenge/{challenge.pk}/report/")
    html = response.content.decode()
    assert 'data-report="gifts">3<' in html
    assert 'data-report="donors">2<' in html
    assert 'data-report="matched">$300.00<' in html
    assert 'data-report="given">$350.00<' in html
    assert 'data-report="left">$0.00<' in html
    assert 'data-report="unmatched">1<' in html

    export = dev_client.get(f"/admin/donations/matchchallenge/{challenge.pk}/report.csv")
    lines = b"".join(export.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == "paid_at,gift_id,donor,designation,gift,matched"
    assert [line.split(",")[2:] for line in lines[1:]] == [
        ["'=HYPERLINK(1)", "", "100.00", "100.00"],
        ["Anonymous", "", "100.00", "100.00"],
        ["Cy", "", "150.00", "100.00"],
    ]
    assert "@example.com" not in "\n".join(lines)


def test_care_coordinators_and_other_staff_cannot_see_challenges(client, care_coordinator):
    challenge = MatchChallengeFactory()
    client.force_login(care_coordinator)
    for url in (
        "/admin/donations/matchchallenge/",
        f"/admin/donations/matchchallenge/{challenge.pk}/report/",
        f"/admin/donations/matchchallenge/{challenge.pk}/report.csv",
    ):
        assert client.get(url).status_code == 403, url


def test_an_unknown_challenge_report_is_404(dev_client):
    assert dev_client.get("/admin/donations/matchchallenge/999999/report/").status_code == 404
    assert dev_client.get("/admin/donations/matchchallenge/999999/report.csv").status_code == 404


def test_staff_open_a_challenge_that_matches_new_monthly_gifts_at_n_months(dev_client):
    response = dev_client.post(
        ADD_URL, form(CampaignFactory(), recurring_rule="after_payments", monthly_match_after_payments="6")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    challenge = MatchChallenge.objects.get()
    assert (challenge.recurring_rule, challenge.monthly_match_after_payments) == ("after_payments", 6)
    page = dev_client.get(f"/admin/donations/matchchallenge/{challenge.pk}/change/").content.decode()
    assert "Quarterly and annual gifts count their payments" in page
    assert "may come after the challenge ends" in page


@pytest.mark.parametrize(
    "rule, months, message",
    [
        ("after_payments", None, "How many months"),
        ("after_payments", "", "How many months"),
        ("after_payments", "0", "between 2 and 24"),
        ("after_payments", "1", "at its first payment"),
        ("after_payments", "25", "between 2 and 24"),
        ("after_payments", "-3", "between 2 and 24"),
        ("after_payments", "six", "Enter a whole number"),
        ("first_payment", "6", "only for monthly gifts matched at N months"),
        ("excluded", "6", "only for monthly gifts matched at N months"),
    ],
)
def test_the_number_of_months_is_checked(dev_client, rule, months, message):
    response = dev_client.post(
        ADD_URL, form(CampaignFactory(), recurring_rule=rule, monthly_match_after_payments=months)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["monthly_match_after_payments"])
    assert not MatchChallenge.objects.exists()


def test_the_number_of_months_cannot_change_once_the_challenge_has_begun(dev_client):
    challenge = MatchChallengeFactory(recurring_rule="after_payments", monthly_match_after_payments=3)
    url = f"/admin/donations/matchchallenge/{challenge.pk}/change/"
    start, end = timezone.localtime(challenge.starts_at), timezone.localtime(challenge.ends_at)
    dates = {
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
    }
    base = form(challenge.campaign, pot_cents="1000", recurring_rule="after_payments", **dates)
    response = dev_client.post(url, {**base, "monthly_match_after_payments": "6"})
    assert response.status_code == 200
    assert "donors were promised" in " ".join(response.context["adminform"].form.errors["monthly_match_after_payments"])
    response = dev_client.post(url, {**base, "monthly_match_after_payments": "3", "sponsor_name": "Acme"})
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.sponsor_name, challenge.monthly_match_after_payments) == ("Acme", 3)


def test_the_sponsor_report_shows_monthly_gifts_waiting_for_their_nth_month(dev_client):
    from donations.models import RecurringPlan

    challenge = MatchChallengeFactory(recurring_rule="after_payments", monthly_match_after_payments=3, ratio=2)
    for n, status in enumerate(["active", "past_due", "canceled"]):
        plan = RecurringPlan.objects.create(
            campaign=challenge.campaign, amount_cents=10_00, stripe_subscription_id=f"sub_w{n}", status=status
        )
        plan.match_pending_challenge = challenge
        plan.save()
    html = dev_client.get(f"/admin/donations/matchchallenge/{challenge.pk}/report/").content.decode()
    assert "to be matched at 3 months (not drawn yet)" in html
    assert 'data-report="waiting">2<' in html
    assert 'data-report="promised">$120.00<' in html  # 2 plans × 3 months × $10 × 2:1

    first_payment = MatchChallengeFactory()
    html = dev_client.get(f"/admin/donations/matchchallenge/{first_payment.pk}/report/").content.decode()
    assert 'data-report="waiting"' not in html
