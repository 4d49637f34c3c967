"""
The staff admin in real Chromium: a development officer signs in with a password and a TOTP
code, opens the dashboard, filters the gifts, and records a check. Screenshots are saved to
artifacts/screenshots/admin-*.png; no page may break the Content Security Policy.
"""

import base64
import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaign.models import Designation, Milestone
from campaign.tallies import tally_totals
from donations.models import Gift, RecurringPlan
from tests.factories import CampaignFactory, GiftFactory
from tests.staff import PASSWORD, restore_staff_groups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.real_two_factor]


def ensure_development_staff_group() -> Group:
    # A transactional test before this one may have flushed the groups the migrations made.
    restore_staff_groups()
    return Group.objects.get(name="Development staff")


@pytest.fixture
def campaign_with_gifts():
    now = timezone.now()
    campaign = CampaignFactory(
        title="Infusion & Outpatient Dialysis Centers", slug="infusion", goal_cents=5_000_000_00, is_featured=True
    )
    infusion = Designation.objects.create(campaign=campaign, name="Infusion Center", slug="infusion-center")
    dialysis = Designation.objects.create(campaign=campaign, name="Dialysis Center", slug="dialysis-center")
    Milestone.objects.create(campaign=campaign, amount_cents=1_000_000_00, label="First chairs ordered")
    names = ["Ada Lovelace", "Grace Hopper", "Katherine Johnson", "Mary Jackson", "Dorothy Vaughan", "Alan Turing"]
    for index in range(36):
        GiftFactory(
            campaign=campaign,
            designation=[infusion, dialysis, None][index % 3],
            amount_cents=[25_00, 50_00, 100_00, 250_00, 1_000_00][index % 5],
            frequency="monthly" if index % 4 == 0 else "one_time",
            donor_name=names[index % len(names)],
            donor_email=f"donor{index}@example.com",
            paid_at=now - datetime.timedelta(days=(index * 7) % 58, hours=index),
            stripe_payment_intent_id=f"pi_3Demo{index:04d}",
        )
    GiftFactory(
        campaign=campaign,
        source=Gift.Source.CHECK,
        reference="1042",
        amount_cents=25_000_00,
        donor_name="Whitaker Family Foundation",
        paid_at=now - datetime.timedelta(days=12),
    )
    GiftFactory(
        campaign=campaign,
        source=Gift.Source.PLEDGE,
        amount_cents=500_000_00,
        donor_name="Health Partners",
        expected_on=timezone.localdate() + datetime.timedelta(days=90),
        paid_at=now - datetime.timedelta(days=20),
    )
    GiftFactory(campaign=campaign, status=Gift.Status.FAILED, donor_name="Card Declined", paid_at=None)
    RecurringPlan.objects.create(
        campaign=campaign,
        amount_cents=25_00,
        stripe_subscription_id="sub_ok",
        status="active",
        donor_name="Grace Hopper",
    )
    RecurringPlan.objects.create(
        campaign=campaign,
        amount_cents=50_00,
        stripe_subscription_id="sub_late",
        status="past_due",
        donor_name="Mary Jackson",
        donor_email="mary@example.com",
    )
    return campaign


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(
        "dana", email="dana@foundation.example", password=PASSWORD, is_staff=True, first_name="Dana"
    )
    user.groups.add(ensure_development_staff_group())
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def record_csp_error(errors: list[str], message) -> None:
    if "Content Security Policy" in message.text:
        errors.append(message.text)


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_a_development_officer_runs_the_campaign_from_the_admin(
    page, live_server, screenshot, campaign_with_gifts, officer
):
    user, device = officer
    csp_errors = []
    page.on(
        "console",
        lambda message: csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )

    # Password, then the code from the authenticator app.
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/verify/**")
    page.fill("#id_token", current_code(device))
    page.click("#otp-form input[type=submit]")
    # The dashboard: a development officer's admin home, straight after the code.
    page.wait_for_url(f"{live_server.url}/admin/dashboard/")
    assert page.locator("svg.dash-chart").count() == 2
    assert page.locator("rect.chart-bar").count() == 60
    raised = tally_totals(campaign=campaign_with_gifts, designation=None).raised_cents
    assert page.locator(".dash-table tr.selected td.num").first.inner_text() == f"${raised // 100:,}"
    assert "Mary Jackson" in page.locator("#content-main").inner_text()
    screenshot(page, "admin-dashboard")

    # The gifts, filtered to monthly gifts to the Infusion Center.
    page.goto(f"{live_server.url}/admin/donations/gift/")
    page.locator("details[data-filter-title='frequency'] a", has_text="Monthly").click()
    page.wait_for_url("**frequency__exact=monthly**")
    page.locator("details[data-filter-title='designation'] a", has_text="Infusion Center").click()
    page.wait_for_url("**designation__id__exact=**")
    expected = Gift.objects.filter(frequency="monthly", designation__name="Infusion Center").count()
    assert page.locator("#result_list tbody tr").count() == expected
    screenshot(page, "admin-gifts")

    # Recording a check.
    page.goto(f"{live_server.url}/admin/donations/offlinegift/add/")
    page.select_option("#id_campaign", str(campaign_with_gifts.pk))
    page.select_option("#id_source", "check")
    page.fill("#id_amount", "2,500.00")
    page.fill("#id_reference", "2231")
    page.fill("#id_donor_name", "Katherine Johnson")
    page.fill("#id_donor_email", "kj@example.com")
    page.fill("#id_donor_address", "1 Main Street\nHampton, VA 23669")
    page.locator("h1").first.scroll_into_view_if_needed()
    screenshot(page, "admin-offline-gift")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/donations/offlinegift/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    after = tally_totals(campaign=campaign_with_gifts, designation=None).raised_cents
    assert after - raised == 2_500_00

    # An online gift: read-only, with its Stripe links.
    online = Gift.objects.filter(source="online").order_by("pk").first()
    page.goto(f"{live_server.url}/admin/donations/gift/{online.pk}/change/")
    assert (
        page.locator(f"a[href='https://dashboard.stripe.com/test/payments/{online.stripe_payment_intent_id}']").count()
        == 1
    )
    assert page.locator("input[name=donor_name]").count() == 0
    screenshot(page, "admin-gift-detail")

    assert csp_errors == []


def test_a_new_staff_member_enrols_an_authenticator(page, live_server, screenshot, django_user_model):
    user = django_user_model.objects.create_user("new.officer", password=PASSWORD, is_staff=True)
    user.groups.add(ensure_development_staff_group())
    csp_errors = []
    page.on(
        "console",
        lambda message: csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )

    from staffauth import services as staffauth

    # The emailed invitation: its token in the fragment, copied into the form by a script.
    url = staffauth.invitation_send(user=user)
    page.goto(live_server.url + url.removeprefix(settings.SITE_URL))
    assert page.input_value("#id_invitation") == url.split("#", 1)[1]
    assert "#" not in page.url  # taken out of the address bar and history
    screenshot(page, "admin-otp-invitation")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/enrol/**")
    assert page.locator(".otp-qr svg").is_visible()
    box = page.locator(".otp-qr svg").bounding_box()
    assert box["width"] >= 150  # large enough for a phone camera
    secret = page.locator(".otp-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user)
    assert secret == base64.b32encode(device.bin_key).decode().rstrip("=")
    screenshot(page, "admin-otp-enrol")

    page.fill("#id_token", current_code(device))
    page.click("#otp-form input[type=submit]")
    page.wait_for_url("**/admin/otp/backup-codes/**")
    assert "Two-step sign-in is set up." in page.locator(".messagelist").inner_text()
    assert page.locator(".otp-backup-codes li").count() == 10
    screenshot(page, "admin-otp-backup-codes")
    page.get_by_role("link", name="Continue to the admin").click()
    page.wait_for_url(f"{live_server.url}/admin/dashboard/")  # Development staff's admin home
    assert csp_errors == []
