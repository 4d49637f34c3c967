import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaign import demo
from campaign.models import Campaign, CampaignDonor, Designation, Division, Figure, Milestone, Tally, Update
from campaign.tallies import tallies_summed, tally_totals
from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory

pytestmark = pytest.mark.django_db

TALLY_COLUMNS = ("raised_cents", "online_cents", "offline_cents", "pledged_cents", "gift_count", "donor_count")


def tallies(campaign):
    """Each total of the campaign as the meter reads it (its stripes summed)."""
    return {
        row.designation_id: tuple(getattr(row, name) for name in TALLY_COLUMNS)
        for row in tallies_summed(campaign=campaign)
    }


def one_stripe(campaign, designation=None):
    """The total's stripes folded into one row (same sums), so a test can set a stored value by UPDATE."""
    totals = tally_totals(campaign=campaign, designation=designation)
    Tally.objects.filter(campaign=campaign, designation=designation).delete()
    values = {name: getattr(totals, name) for name in TALLY_COLUMNS}
    Tally.objects.create(campaign=campaign, designation=designation, stripe=3, **values)
    return Tally.objects.filter(campaign=campaign, designation=designation)


def run(*args):
    out = io.StringIO()
    call_command("recompute_tallies", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def campaign_with_gifts():
    campaign = CampaignFactory(slug="infusion")
    designation = DesignationFactory(campaign=campaign, name="Dialysis Center", slug="dialysis")
    GiftFactory(campaign=campaign, designation=designation, amount_cents=100_00, donor_email="a@example.com")
    GiftFactory(campaign=campaign, amount_cents=50_00, donor_email="A@example.com ")
    GiftFactory(campaign=campaign, source=Gift.Source.CHECK, amount_cents=1_000_00, donor_email="")
    GiftFactory(campaign=campaign, source=Gift.Source.PLEDGE, amount_cents=5_000_00, donor_email="")
    GiftFactory(campaign=campaign, status=Gift.Status.PENDING, amount_cents=999_00)
    return campaign, designation


def test_no_drift_is_reported_when_tallies_match(campaign_with_gifts):
    campaign, _ = campaign_with_gifts
    before = tallies(campaign)

    output = run("--check")

    assert "no drift" in output
    assert "All tallies match the gifts." in output
    assert "5 / 5 gifts read" in output
    assert tallies(campaign) == before


def test_check_reports_injected_drift_exits_non_zero_and_changes_nothing(campaign_with_gifts):
    campaign, designation = campaign_with_gifts
    one_stripe(campaign).update(raised_cents=1, donor_count=40)
    Tally.objects.filter(campaign=campaign, designation=designation).delete()
    drifted = tallies(campaign)

    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("recompute_tallies", "--check", stdout=out)

    assert error.value.returncode == 1
    assert "Run `manage.py recompute_tallies` without --check" in str(error.value)
    output = out.getvalue()
    assert "drift in whole campaign: raised_cents: $0.01 → $6,150.00, donor_count: 40 → 3" in output
    assert "drift in designation Dialysis Center: raised_cents: $0.00 → $100.00" in output
    assert "reported only (--check)" in output
    assert tallies(campaign) == drifted


def test_recompute_fixes_drift_in_tallies_gifts_and_donors(campaign_with_gifts):
    campaign, designation = campaign_with_gifts
    correct = tallies(campaign)
    correct_donors = dict(CampaignDonor.objects.filter(campaign=campaign).values_list("donor_key", "gift_count"))
    one_stripe(campaign).update(raised_cents=1, gift_count=0, offline_cents=7)
    Tally.objects.filter(campaign=campaign, designation=designation).delete()
    Gift.objects.filter(campaign=campaign, source=Gift.Source.CHECK).update(counted_cents=3)
    CampaignDonor.objects.filter(campaign=campaign).update(gift_count=9)

    output = run()

    assert "fixed" in output
    assert "1 gift(s) recorded a wrong contribution" in output
    assert tallies(campaign) == correct
    assert correct[None] == (6_150_00, 150_00, 1_000_00, 5_000_00, 4, 3)
    assert Gift.objects.get(campaign=campaign, source=Gift.Source.CHECK).counted_cents == 1_000_00
    donors = CampaignDonor.objects.filter(campaign=campaign).values_list("donor_key", "gift_count")
    assert dict(donors) == correct_donors
    assert "All tallies match the gifts." in run("--check")


def test_after_a_fix_further_gifts_keep_the_tally_exact(campaign_with_gifts):
    campaign, _ = campaign_with_gifts
    Tally.objects.filter(campaign=campaign).delete()
    CampaignDonor.objects.filter(campaign=campaign).delete()
    run()

    gift = Gift.objects.get(campaign=campaign, amount_cents=50_00)
    gift.status = Gift.Status.REFUNDED
    gift.refunded_cents = 50_00
    from donations.services import gift_save

    gift_save(gift)

    assert tallies(campaign)[None] == (6_100_00, 100_00, 1_000_00, 5_000_00, 3, 3)
    assert "no drift" in run("--check")


def test_recompute_only_one_campaign(campaign_with_gifts):
    campaign, _ = campaign_with_gifts
    other = CampaignFactory(slug="other")
    GiftFactory(campaign=other, amount_cents=10_00)
    one_stripe(other).update(raised_cents=0)
    one_stripe(campaign).update(raised_cents=0)

    output = run("--campaign", "other")

    assert "infusion" not in output
    assert tally_totals(campaign=other, designation=None).raised_cents == 10_00
    assert tally_totals(campaign=campaign, designation=None).raised_cents == 0


def test_unknown_campaign_slug_says_what_exists(campaign_with_gifts):
    with pytest.raises(CommandError) as error:
        run("--campaign", "nope")

    assert str(error.value) == "No campaign with the slug 'nope'. Known campaigns: infusion."


def test_progress_is_reported_per_chunk(campaign_with_gifts):
    output = run("--chunk-size", "2", "--check")

    assert [line.strip() for line in output.splitlines() if "gifts read" in line] == [
        "2 / 5 gifts read",
        "4 / 5 gifts read",
        "5 / 5 gifts read",
    ]


# --- seed_demo --------------------------------------------------------------------------------


def snapshot():
    return {
        "campaigns": list(Campaign.objects.values_list("slug", "is_featured", "goal_cents", "hero_image")),
        "figures": Figure.objects.count(),
        "divisions": Division.objects.count(),
        "designations": list(Designation.objects.values_list("slug", "is_default")),
        "milestones": Milestone.objects.count(),
        "updates": list(Update.objects.order_by("slug").values_list("slug", "status", "publish_at")),
        "gifts": Gift.objects.count(),
        "tallies": sorted(Tally.objects.values_list("designation_id", *TALLY_COLUMNS), key=str),
        "donors": CampaignDonor.objects.count(),
    }


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_seed_demo_loads_the_campaign_and_running_it_twice_changes_nothing(settings):
    call_command("seed_demo", stdout=io.StringIO())
    first, first_files = snapshot(), media_files(settings)

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert snapshot() == first
    assert media_files(settings) == first_files
    assert "Demo gifts: 0 created, 150 already there." in out.getvalue()

    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    assert campaign.is_featured and campaign.goal_cents == 5_000_000_00
    assert [f.value for f in campaign.figures.all()] == ["3,000+", "6 → 12", "1st", "363 sq ft"]
    assert campaign.divisions.count() == 9
    assert [d.name for d in campaign.designations.all()] == ["Infusion Center", "Dialysis Center", "Greatest need"]
    assert [d.slug for d in campaign.designations.filter(is_default=True)] == ["greatest-need"]
    assert campaign.milestones.count() == 4
    assert sorted(campaign.hero_renditions["jpeg"], key=int) == ["480", "960", "1600"]
    assert Gift.objects.filter(campaign=campaign).count() == 150
    assert Gift.objects.filter(source=Gift.Source.PLEDGE).count() == 1
    assert Gift.objects.filter(source=Gift.Source.CHECK).count() == 6
    assert Gift.objects.filter(is_anonymous=True).exists()
    assert Gift.objects.filter(frequency="monthly").exists()
    assert Gift.objects.exclude(message="").exists()
    assert Update.objects.published().count() == 3
    assert Update.objects.filter(status=Update.Status.DRAFT).count() == 1
    whole = tally_totals(campaign=campaign, designation=None)
    assert 0 < whole.raised_cents < campaign.goal_cents
    assert whole.gift_count == 150
    assert whole.donor_count < whole.gift_count
    assert "All tallies match the gifts." in run("--check")


def test_seed_demo_does_not_steal_the_featured_place(settings):
    featured = CampaignFactory(is_featured=True)

    call_command("seed_demo", stdout=io.StringIO())

    assert list(Campaign.objects.filter(is_featured=True)) == [featured]


def test_seed_demo_leaves_staff_edits_alone(settings):
    call_command("seed_demo", stdout=io.StringIO())
    Campaign.objects.filter(slug=demo.CAMPAIGN_SLUG).update(title="Edited by staff")

    call_command("seed_demo", stdout=io.StringIO())

    assert Campaign.objects.get(slug=demo.CAMPAIGN_SLUG).title == "Edited by staff"


def test_seed_demo_loads_the_destination_care_content_too(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "campaign.management.commands.seed_demo.seed_destination_content",
        lambda *, stdout: calls.append(stdout),
    )
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert len(calls) == 1
    assert calls[0]._out is out
