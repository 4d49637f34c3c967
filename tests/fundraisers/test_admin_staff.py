"""
Staff's view of fundraisers: totals, donors and contact details (Development staff only), a
formula-safe CSV export, an email to every fundraiser of a campaign (one task each), and the gift
list filtered by fundraiser and team.
"""

import csv
import io

import pytest
from django.core import mail

from tests.factories import FundraiserFactory, GiftFactory, TeamFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/fundraisers/fundraiser/"


@pytest.fixture
def pages():
    team = TeamFactory(name="Night nurses")
    campaign = team.campaign
    ana = FundraiserFactory(campaign=campaign, team=team, display_name="Ana", owner_email="ana@example.com")
    ben = FundraiserFactory(campaign=campaign, display_name='=HYPERLINK("http://x")', owner_email="ben@example.com")
    other = FundraiserFactory(display_name="Other campaign", owner_email="other@example.com")
    GiftFactory(campaign=campaign, fundraiser=ana, amount_cents=40_00, donor_email="a@example.com")
    GiftFactory(campaign=campaign, fundraiser=ana, amount_cents=10_00, donor_email="a@example.com")
    GiftFactory(campaign=campaign, fundraiser=ana, amount_cents=25_00, donor_email="b@example.com")
    GiftFactory(campaign=campaign, fundraiser=ben, amount_cents=5_00, donor_email="c@example.com", status="failed")
    return campaign, ana, ben, other


def test_development_staff_see_totals_donors_and_contact_details(dev_client, pages):
    campaign, ana, _ben, _other = pages
    response = dev_client.get(CHANGELIST, {"campaign__id__exact": campaign.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ana@example.com" in html and "other@example.com" not in html
    rows = {obj.pk: obj for obj in response.context["cl"].result_list}
    assert rows[ana.pk].donor_total == 2  # three gifts, two donors
    assert "$75.00" in html


def test_staff_without_fundraiser_rights_see_nothing(client, care_coordinator, pages):
    client.force_login(care_coordinator)
    assert client.get(CHANGELIST).status_code == 403


def test_the_export_is_exact_and_formula_safe(dev_client, pages):
    campaign, ana, ben, _other = pages
    response = dev_client.post(
        f"{CHANGELIST}?campaign__id__exact={campaign.pk}",
        {"action": "export_csv", "_selected_action": [ana.pk, ben.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Campaign", "Title", "Fundraiser", "Email", "Team", "Status", "Goal", "Raised", "Gifts", "Donors",
        "Ends on", "Created", "Page",
    ]  # fmt: skip
    by_email = {row[3]: row for row in rows[1:]}
    assert len(rows) == 3
    assert by_email["ana@example.com"][4:10] == ["Night nurses", "Approved", "1000.00", "75.00", "3", "2"]
    assert by_email["ben@example.com"][2] == '\'=HYPERLINK("http://x")'
    assert by_email["ben@example.com"][7:10] == ["0.00", "0", "0"]
    assert by_email["ana@example.com"][12] == f"http://127.0.0.1:8000/fundraisers/{ana.slug}/"


def test_export_and_email_need_their_own_rights(client, django_user_model, pages):
    from django.contrib.auth.models import Group

    _campaign, ana, _ben, _other = pages
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Group.objects.get(name="Development staff")
        .permissions.filter(content_type__app_label="fundraisers")
        .exclude(codename__in=["export_fundraiser", "message_fundraisers"])
    )
    client.force_login(viewer)
    html = client.get(CHANGELIST).content.decode()
    assert "export_csv" not in html and "message_fundraisers" not in html
    for action in ("export_csv", "message_fundraisers"):
        response = client.post(CHANGELIST, {"action": action, "_selected_action": [ana.pk], "send": "1",
                                            "subject": "Hi", "body": "Hello"})  # fmt: skip
        assert response.status_code == 302  # "no action selected": Django refuses an action not offered
    assert mail.outbox == []


def test_email_every_fundraiser_of_a_campaign_through_tasks(dev_client, pages, django_capture_on_commit_callbacks):
    campaign, ana, _ben, _other = pages
    filtered = f"{CHANGELIST}?campaign__id__exact={campaign.pk}"
    confirm = dev_client.post(
        filtered, {"action": "message_fundraisers", "_selected_action": [ana.pk], "select_across": "1"}
    )
    assert confirm.status_code == 200
    assert "This email goes to 2 fundraisers" in confirm.content.decode()

    data = {"action": "message_fundraisers", "_selected_action": [ana.pk], "select_across": "1", "send": "1"}
    assert dev_client.post(filtered, {**data, "subject": "", "body": "x"}).status_code == 200  # re-shown, nothing sent
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = dev_client.post(filtered, {**data, "subject": "Race day", "body": "See you at 8 am!"})
    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.com", "ben@example.com"]
    assert all(message.subject == "Race day" and "See you at 8 am!" in message.body for message in mail.outbox)
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)


def test_the_gift_list_filters_by_fundraiser_and_by_team(dev_client, pages):
    campaign, ana, ben, _other = pages
    teamless = GiftFactory(campaign=campaign)

    by_page = dev_client.get("/admin/donations/gift/", {"fundraiser__id__exact": ana.pk, "payment": "all"})
    assert by_page.status_code == 200
    listed = {gift.pk for gift in by_page.context["cl"].result_list}
    assert listed == set(ana.gifts.values_list("pk", flat=True))
    by_team = dev_client.get("/admin/donations/gift/", {"fundraiser__team__id__exact": ana.team_id, "payment": "all"})
    listed = {gift.pk for gift in by_team.context["cl"].result_list}
    assert listed == set(ana.gifts.values_list("pk", flat=True))
    assert teamless.pk not in listed and not ben.gifts.filter(pk__in=listed).exists()


def test_teams_are_listed_with_totals_goal_and_donors(dev_client, pages):
    _campaign, ana, _ben, _other = pages
    GiftFactory(campaign=ana.campaign, fundraiser=FundraiserFactory(campaign=ana.campaign, team=ana.team),
                amount_cents=5_00, donor_email="a@example.com")  # fmt: skip
    response = dev_client.get("/admin/fundraisers/team/")
    assert response.status_code == 200
    [team] = response.context["cl"].result_list
    assert (team.raised_total, team.members_total, team.donor_total) == (80_00, 2, 2)
    assert "$80.00" in response.content.decode()


def test_the_team_export_is_exact_and_formula_safe(dev_client, pages):
    _campaign, ana, _ben, _other = pages
    ana.team.goal_cents = 2_000_00
    ana.team.save()
    rogue = TeamFactory(campaign=ana.campaign, name="=cmd|' /C calc'!A0", goal_cents=0)
    response = dev_client.post(
        "/admin/fundraisers/team/", {"action": "export_csv", "_selected_action": [ana.team.pk, rogue.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="teams-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Campaign", "Team", "Fundraisers", "Goal", "Raised", "Donors", "Page"]
    by_name = {row[1]: row for row in rows[1:]}
    assert len(rows) == 3
    assert by_name["Night nurses"][2:6] == ["1", "2000.00", "75.00", "2"]
    assert by_name["'=cmd|' /C calc'!A0"][2:6] == ["0", "", "0.00", "0"]
    assert by_name["Night nurses"][6] == f"http://127.0.0.1:8000/teams/{ana.team.slug}/"


def test_the_team_export_needs_the_export_right(client, care_coordinator, pages):
    _campaign, ana, _ben, _other = pages
    client.force_login(care_coordinator)
    response = client.post("/admin/fundraisers/team/", {"action": "export_csv", "_selected_action": [ana.team.pk]})
    assert response.status_code == 403
