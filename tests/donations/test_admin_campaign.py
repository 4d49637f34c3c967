"""Campaign editing for development staff: previews before publishing, and the audit trail."""

import pytest

from campaign.models import Campaign, Update
from tests.factories import CampaignFactory, GiftFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def campaign_form(campaign, **overrides):
    data = {
        "title": campaign.title,
        "slug": campaign.slug,
        "tagline": campaign.tagline,
        "story": campaign.story,
        "hero_image_alt": "",
        "goal_cents": f"{campaign.goal_cents // 100}.{campaign.goal_cents % 100:02d}",  # the form shows dollars
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else "",
        "preset_amounts": campaign.preset_amounts,
        "is_published": "on" if campaign.is_published else "",
    }
    for prefix in ("figures", "divisions", "designations", "milestones"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_development_staff_edit_the_goal_and_the_history_says_who(dev_client, development_officer):
    campaign = CampaignFactory(goal_cents=1_000_000_00)
    response = dev_client.post(
        f"/admin/campaign/campaign/{campaign.pk}/change/",
        campaign_form(
            campaign,
            goal_cents="15,000,000",  # staff type dollars (issue 17)
            **{
                "milestones-TOTAL_FORMS": "1",
                "milestones-0-amount_cents": "5,000,000",
                "milestones-0-label": "First chairs",
            },
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.goal_cents == 15_000_000_00
    latest = campaign.history.latest()
    assert (latest.history_user, latest.goal_cents, latest.history_type) == (development_officer, 15_000_000_00, "~")
    assert campaign.milestones.get().history.get().history_user == development_officer

    page = dev_client.get(f"/admin/campaign/campaign/{campaign.pk}/change/").content.decode()
    assert f"$15,000,000 · {timezone_now_prefix()}" in page and "dev.officer" in page
    assert "$1,000,000 · " in page
    history = dev_client.get(f"/admin/campaign/campaign/{campaign.pk}/history/")
    assert history.status_code == 200
    assert "dev.officer" in history.content.decode()


def timezone_now_prefix() -> str:
    from django.utils import timezone

    return timezone.localtime().strftime("%Y-%m-%d")


def test_an_unpublished_campaign_can_be_previewed_by_staff_only(dev_client, client, care_coordinator):
    campaign = CampaignFactory(is_published=False, title="Coming soon", story="A **secret** plan.")
    GiftFactory(campaign=campaign, amount_cents=250_00)
    assert dev_client.get(f"/campaigns/{campaign.slug}/").status_code == 404  # the public page

    preview = dev_client.get(f"/admin/campaign/campaign/{campaign.pk}/preview/")
    assert preview.status_code == 200
    assert preview.templates[0].name == "admin/campaign/campaign_preview.html"
    assert "campaign/campaign_detail.html" in [template.name for template in preview.templates]
    html = preview.content.decode()
    assert "Preview: this campaign is not published, the public can’t see it." in html
    assert "<strong>secret</strong>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert preview["X-Robots-Tag"] == "noindex"
    assert {"private", "no-store"} <= {part.strip() for part in preview["Cache-Control"].split(",")}
    assert preview.context["progress"].raised_cents == 250_00

    edit = dev_client.get(f"/admin/campaign/campaign/{campaign.pk}/change/").content.decode()
    assert f'href="/admin/campaign/campaign/{campaign.pk}/preview/"' in edit

    client.force_login(care_coordinator)
    assert client.get(f"/admin/campaign/campaign/{campaign.pk}/preview/").status_code == 403


def test_a_draft_update_links_to_its_marked_preview(dev_client):
    update = UpdateFactory(status=Update.Status.DRAFT, slug="draft-news")
    listing = dev_client.get("/admin/campaign/update/").content.decode()
    assert 'href="/updates/draft-news/"' in listing
    preview = dev_client.get("/updates/draft-news/")
    assert preview.status_code == 200
    assert "Preview of a draft" in preview.content.decode()
    assert update.history.count() == 1


def test_gift_and_offline_gift_history_pages(dev_client):
    from donations.models import Gift
    from donations.services import gift_save

    online = GiftFactory()
    check = GiftFactory(source=Gift.Source.CHECK, reference="9")
    check.reference = "1042"
    gift_save(check)  # a real second change: two history rows
    assert dev_client.get(f"/admin/donations/gift/{online.pk}/history/").status_code == 200
    page = dev_client.get(f"/admin/donations/offlinegift/{check.pk}/history/")
    assert page.status_code == 200
    assert len(page.context["page_obj"].object_list) == check.history.count() == 2


def test_deleting_a_campaign_with_gifts_is_refused(dev_client):
    campaign = CampaignFactory()
    GiftFactory(campaign=campaign)
    response = dev_client.post(f"/admin/campaign/campaign/{campaign.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # Django lists the protected gifts instead of deleting
    assert Campaign.objects.filter(pk=campaign.pk).exists()
