"""
The issue's story in real Chromium, on demo payments: a parent creates a fundraiser's page from a
phone with a photo, staff approve it, two friends give through it (one anonymously), and the
parent's page, the team page and the campaign meter move by exactly the gifts; a refund moves
them back. Every new page passes axe.
"""

import json
import re

import pytest
from django.core import mail

from donations import services
from donations.models import Gift
from fundraisers.models import Fundraiser
from tests.browser.audit import run_axe, run_vnu
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signin import sign_in
from tests.factories import CampaignFactory
from tests.fundraisers.test_models import phone_photo
from tests.staff import PASSWORD, make_staff, restore_staff_groups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _campaign_raised(page, base, campaign) -> int:
    response = page.request.get(f"{base}/campaigns/{campaign.slug}/progress.json")
    return json.loads(response.text())["raised_cents"]


def _meter(page) -> str:
    return page.locator("[data-meter-raised]").first.inner_text()


def _give(browser, base, fundraiser, *, amount: str, name: str, anonymous: bool, email: str, shot, label: str):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base + fundraiser.get_absolute_url())
    page.get_by_role("link", name=re.compile("Give through")).click()
    page.wait_for_url(re.compile(r"/donate/\?campaign="))
    assert "Your gift supports Ana Rivera’s page" in page.inner_text("main")
    page.get_by_label("Other amount (US dollars)").fill(amount)
    if anonymous:
        page.get_by_label("Give anonymously (your gift is shown without a name)").check()
    else:
        page.get_by_label("Name on the donor wall").fill(name)
        page.get_by_label("Let the fundraiser see the amount of my gift").check()
    page.get_by_label("Message (optional)").fill(f"Go Ana! from {label}")
    shot(page, f"fundraiser-story-give-{label}")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/donate/thanks/"))
    context.close()


def test_a_parent_raises_money_through_their_own_page(
    browser, live_server, screenshot, settings, tmp_path, django_user_model
):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    base = live_server.url
    campaign = CampaignFactory(title="Infusion Centers", slug="infusion", is_featured=True)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(phone_photo())

    # 1. The parent, on a phone: campaign page → "Start your own fundraiser" → email → link → page.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()
    phone.goto(base + campaign.get_absolute_url())
    phone.get_by_role("link", name="Start your own fundraiser").click()
    phone.get_by_label("Your email").fill("ana.parent@example.com")
    phone.get_by_role("button", name="Email me a link").click()
    phone.wait_for_selector("text=Check your email.")
    link = re.search(r"http://\S+/fundraisers/new/#\S+", mail.outbox[-1].body).group(0)
    phone.goto(base + "/fundraisers/new/#" + link.split("#", 1)[1])
    assert phone.locator("#id_token").input_value() != ""  # copied from the fragment by the script
    pages = {"signup-open": phone.content()}
    assert "#" not in phone.url
    phone.get_by_role("button", name="Continue").click()
    phone.wait_for_url(re.compile(r"/fundraisers/new/page/$"))
    phone.get_by_label("Your name as shown on the page").fill("Ana Rivera")
    phone.get_by_label("Title of your page").fill("Ana runs 10K for the infusion center")
    phone.get_by_label("Story").fill("My son was treated here. **Thank you**, nurses.")
    phone.get_by_label("Photo", exact=True).set_input_files(str(photo))
    phone.get_by_label("Photo description").fill("Ana at the finish line")
    phone.get_by_label("Your goal (US dollars)").fill("500")
    phone.get_by_label("Or start a team (optional)").fill("Night nurses")
    phone.get_by_label(re.compile("I may share what I write")).check()
    screenshot(phone, "fundraiser-story-1-create-phone")
    pages["create"] = phone.content()
    assert run_axe(phone) == []
    phone.get_by_role("button", name="Create my page").click()
    phone.wait_for_selector("text=Our team will review it before it is shared.")
    screenshot(phone, "fundraiser-story-2-created-phone")
    fundraiser = Fundraiser.objects.select_related("team").get()
    assert fundraiser.status == Fundraiser.Status.PENDING
    assert phone.goto(base + fundraiser.get_absolute_url()).status == 404  # nothing public yet

    # 2. Staff approve it, signed in with their second factor.
    restore_staff_groups()  # an earlier transactional test may have flushed the groups
    officer = make_staff(django_user_model, "dev.story", "Development staff")
    staff = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(staff, base, officer, PASSWORD, lands_on="/admin/dashboard/")
    staff.goto(base + "/admin/fundraisers/fundraiser/?status__exact=pending")
    staff.locator(f"input[name=_selected_action][value='{fundraiser.pk}']").check()
    staff.select_option("select[name=action]", "mark_approved")
    staff.get_by_role("button", name="Run").click()
    staff.wait_for_selector("text=1 page approved.")
    screenshot(staff, "fundraiser-story-3-approved-admin")
    assert mail.outbox[-1].subject == "Your fundraiser “Ana runs 10K for the infusion center” is live"

    # 3. Two friends give through the page, one anonymously.
    before = _campaign_raised(phone, base, campaign)
    fundraiser.refresh_from_db()
    _give(browser, base, fundraiser, amount="60", name="Luis", anonymous=False, email="luis@example.com",
          shot=screenshot, label="luis")  # fmt: skip
    _give(browser, base, fundraiser, amount="40", name="", anonymous=True, email="secret@example.com",
          shot=screenshot, label="anonymous")  # fmt: skip

    phone.goto(base + fundraiser.get_absolute_url())
    assert _meter(phone) == "$100"
    text = phone.inner_text("main")
    assert "Luis" in text and "Anonymous" in text and "secret@example.com" not in text
    screenshot(phone, "fundraiser-story-4-page-phone")
    assert run_axe(phone) == []
    phone.goto(base + fundraiser.team.get_absolute_url())
    assert _meter(phone) == "$100"
    screenshot(phone, "fundraiser-story-5-team-phone")
    assert _campaign_raised(phone, base, campaign) == before + 100_00
    notices = [m for m in mail.outbox if m.to == ["ana.parent@example.com"] and m.subject.startswith("A gift")]
    assert len(notices) == 2
    assert "Amount: $60.00" in notices[0].body + notices[1].body
    assert "$40" not in notices[0].body + notices[1].body

    desk = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    desk.goto(base + campaign.get_absolute_url())
    assert "Top fundraisers" in desk.inner_text("main")
    desk.locator(".leaderboard").scroll_into_view_if_needed()
    screenshot(desk, "fundraiser-story-6-campaign-leaderboard-desktop")
    assert run_axe(desk) == []

    # 4. Finance refunds Luis's gift: everything moves back by exactly that.
    services.gift_refund(gift=Gift.objects.get(donor_email="luis@example.com"), amount_cents=60_00)
    # A fresh phone: the pages are public, max-age=60, and the browser would rightly reuse its copy.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()
    phone.goto(base + fundraiser.get_absolute_url())
    assert _meter(phone) == "$40"
    phone.goto(base + fundraiser.team.get_absolute_url())
    assert _meter(phone) == "$40"
    assert _campaign_raised(phone, base, campaign) == before + 40_00
    screenshot(phone, "fundraiser-story-7-team-after-refund-phone")

    # 5. The parent thanks the anonymous friend from their link, never seeing the address.
    manage = re.search(r"http://\S+/fundraisers/manage/#\S+", notices[-1].body).group(0)
    phone.goto(base + "/fundraisers/manage/#" + manage.split("#", 1)[1])
    phone.get_by_role("button", name="Continue").click()
    phone.wait_for_url(re.compile(r"/fundraisers/manage/page/$"))
    assert "@example.com" not in phone.inner_text("main")
    phone.get_by_label("Your thank-you note").first.fill("Thank you so much!")
    phone.get_by_role("button", name="Send my thanks").first.click()
    phone.wait_for_selector("text=Your note is on its way. Thank you!")
    screenshot(phone, "fundraiser-story-8-manage-phone")
    pages["manage"] = phone.content()  # before axe's script is injected into it
    assert run_axe(phone) == []
    phone.get_by_role("link", name="Edit your page").click()
    phone.wait_for_url(re.compile(r"/fundraisers/manage/edit/$"))
    screenshot(phone, "fundraiser-story-9-edit-phone")
    pages["edit"] = phone.content()
    assert run_axe(phone) == []
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(base + fundraiser.donate_url())
    pages["give-through-page"] = phone.content()

    files = {}
    for name, html in pages.items():
        files[name] = tmp_path / f"{name}.html"
        files[name].write_text(html)
    assert run_vnu(files) == {name: [] for name in files}
    assert mail.outbox[-1].to == ["secret@example.com"]
