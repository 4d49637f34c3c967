"""
Every public page in every state a person meets it (empty, with errors, done), walked in one
browser page: the audit suite (axe, Nu) and the phone checks (375 px) call `visit(name)` at each.
"""

import re
from collections.abc import Callable

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from campaign import demo
from campaign.models import Update

PAGES = [
    "home", "campaign", "embed", "updates", "update", "fundraiser", "team", "fundraiser-hidden",
    "naming", "naming-filtered", "naming-inquiry", "naming-inquiry-errors", "naming-inquiry-thanks",
    "naming-gift", "naming-gift-errors",
    "donate", "donate-pledge", "donate-errors", "demo-checkout", "thank-you",
    "cancelled", "manage", "manage-errors", "manage-done", "destination-inquiry", "destination-referral",
    "destination-errors", "destination-thanks", "destination-story", "privacy", "privacy-families", "terms", "contact",
    "donate-challenge", "404", "csrf-failure", "400", "500",
]  # fmt: skip


FUNDRAISER_SLUG, HIDDEN_FUNDRAISER_SLUG, TEAM_SLUG = "ana-runs-10k", "hidden-page", "night-nurses"
# Pages whose HTML as served is what the Nu checker should read: the ALTCHA widget's own runtime
# DOM serialises as `dir=""` and an unnamed checkbox, which is the vendored widget's markup, not
# ours (axe still checks the live widget).
SERVED_HTML: dict[str, str] = {}


def seed_public_pages() -> None:
    """The demo content (seed_demo): a campaign with everything, updates, Destination Care; a fundraiser's pages."""
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    seed_fundraisers()


def seed_fundraisers() -> None:
    """A team, an approved page with a photo and two gifts (one anonymous), and a hidden page."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from campaign.models import Campaign
    from donations.models import Gift
    from donations.services import gift_save
    from fundraisers.models import Fundraiser, Team
    from fundraisers.services import fundraiser_save

    campaign = Campaign.objects.get(slug=demo.CAMPAIGN_SLUG)
    team = Team.objects.create(campaign=campaign, name="Night nurses", slug=TEAM_SLUG)
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (60, 120, 170)).save(buffer, format="JPEG")
    common = {"campaign": campaign, "team": team, "goal_cents": 2_000_00, "share_consent": True}
    page = fundraiser_save(
        fundraiser=Fundraiser(
            **common,
            slug=FUNDRAISER_SLUG,
            owner_email="ana@example.com",
            display_name="Ana Rivera",
            title="Ana runs 10K for the infusion center",
            story="My son was treated here for two years. **Thank you**, nurses: I run for the next family.",
            photo=SimpleUploadedFile("ana.jpg", buffer.getvalue(), "image/jpeg"),
            photo_alt="Ana at the finish line",
            status=Fundraiser.Status.APPROVED,
        )
    )
    fundraiser_save(
        fundraiser=Fundraiser(
            **common,
            slug=HIDDEN_FUNDRAISER_SLUG,
            owner_email="hidden@example.com",
            display_name="Hidden",
            title="A page staff took down",
            status=Fundraiser.Status.HIDDEN,
        )
    )
    for name, anonymous, amount in (("Luis", False, 50_00), ("", True, 25_00)):
        gift_save(
            Gift(
                campaign=campaign,
                fundraiser=page,
                amount_cents=amount,
                status=Gift.Status.SUCCEEDED,
                source=Gift.Source.CHECK,
                display_name=name,
                is_anonymous=anonymous,
                donor_name=name or "Anonymous friend",
                message="Go Ana!" if name else "",
                paid_at=timezone.now(),
            )
        )


def newest_update_with_image() -> Update:
    return (
        Update.objects.filter(status=Update.Status.PUBLISHED, publish_at__lte=timezone.now())
        .exclude(image="")
        .order_by("-publish_at")
        .first()
    )


def walk_public_pages(page, base: str, visit: Callable[[str], None]) -> None:
    """
    Needs DEMO_PAYMENTS on, seed_public_pages() done and ROOT_URLCONF "tests.browser.media_urls";
    calls visit(name) for each of PAGES, in order.
    """
    update = newest_update_with_image()
    page.goto(base + "/")
    visit("home")
    page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/")
    visit("campaign")
    page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/embed/")
    visit("embed")
    page.goto(base + "/updates/")
    visit("updates")
    page.goto(base + update.get_absolute_url())
    visit("update")
    page.goto(f"{base}/fundraisers/{FUNDRAISER_SLUG}/")
    visit("fundraiser")
    page.goto(f"{base}/teams/{TEAM_SLUG}/")
    visit("team")
    response = page.goto(f"{base}/fundraisers/{HIDDEN_FUNDRAISER_SLUG}/")
    assert response.status == 410
    visit("fundraiser-hidden")

    page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/naming/")
    visit("naming")
    page.get_by_label("Center", exact=True).select_option("dialysis")
    page.get_by_label("Status", exact=True).select_option("available")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
    assert "center=dialysis" in page.url
    visit("naming-filtered")
    page.get_by_role("link", name="Ask about naming this space: Station 2").click()
    page.wait_for_load_state("load")
    visit("naming-inquiry")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").count() >= 1
    visit("naming-inquiry-errors")
    page.locator("main form").get_by_label("Your name").fill("Ana Pérez")
    page.locator("main form").get_by_label("Your email").fill("ana@example.com")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"sent=1"))
    visit("naming-inquiry-thanks")
    page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/naming/")
    page.get_by_role("link", name="Name this space with a gift: Bay 2", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="You are naming: Bay 2")).to_be_visible()
    visit("naming-gift")
    page.get_by_label("Name on the space").fill("   ")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_load_state("load")
    visit("naming-gift-errors")

    page.goto(base + "/donate/")
    visit("donate")
    page.goto(base + "/donate/?amount=250&frequency=quarterly&installments=8")
    expect(page.locator("#pledge-summary")).to_have_text("A pledge of $2,000.00: $250.00 a quarter for 8 quarters.")
    visit("donate-pledge")
    page.goto(base + "/donate/")
    page.get_by_label("Other amount", exact=True).check()
    page.get_by_label("Other amount (US dollars)").fill("1")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_load_state("load")
    assert page.locator(".is-invalid").count() >= 1
    visit("donate-errors")
    page.get_by_label("Other amount (US dollars)").fill("35")
    page.get_by_label("Name on the donor wall").fill("The Audit Family")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
    visit("demo-checkout")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/donate/thanks/"))
    assert "has been received" in page.inner_text("h1")
    visit("thank-you")
    page.goto(base + "/donate/cancelled/")
    visit("cancelled")

    page.goto(base + "/donate/manage/")
    visit("manage")
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_load_state("load")
    visit("manage-errors")
    page.get_by_label("Email").fill("donor@example.com")
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("status").count() == 1
    visit("manage-done")

    page.goto(base + "/destination-care/")
    visit("destination-inquiry")
    page.goto(base + "/destination-care/?form=referral")
    visit("destination-referral")
    page.goto(base + "/destination-care/?form=inquiry")
    page.locator("#inquiry-panel").get_by_role("button", name="Send inquiry").click()
    page.wait_for_load_state("load")
    visit("destination-errors")
    form = page.locator("#inquiry-panel form")
    form.get_by_label("Your name (parent or guardian)").fill("Ana Pérez")
    form.get_by_role("textbox", name="Email").fill("ana@example.com")
    form.get_by_label("Country").select_option("MX")
    form.get_by_label("Child's age").fill("6")
    form.get_by_label("Specialty").select_option("cardiology")
    form.get_by_label("How can we help?").fill("A second opinion, please.")
    form.get_by_label("I agree that the Destination Care team", exact=False).check()
    form.get_by_role("button", name="Send inquiry").click()
    page.wait_for_url(re.compile(r"/destination-care/thanks/"))
    visit("destination-thanks")
    # A patient story's own page, reached from its link in the Destination Care page's list.
    page.goto(base + "/destination-care/")
    page.locator("#whyconnecticutchildrens").get_by_role("link", name=re.compile("Kiki")).click()
    page.wait_for_url(re.compile(r"/destination-care/stories/[-a-z0-9]+/$"))
    visit("destination-story")

    for name, path in (
        ("privacy", "/privacy/"),
        ("privacy-families", "/privacy/destination-care/"),
        ("terms", "/terms/"),
        ("contact", "/contact/"),
    ):
        assert page.goto(base + path).status == 200
        visit(name)

    # The self-hosted proof of work, as every donor sees it while a burst is on.
    from django.core.cache import cache

    from donations import antifraud

    cache.set(antifraud.CHALLENGE_MODE_KEY, True, 60)
    SERVED_HTML["donate-challenge"] = page.goto(base + "/donate/").text()
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile(r".{40,}"), timeout=30_000)
    visit("donate-challenge")
    cache.delete(antifraud.CHALLENGE_MODE_KEY)

    response = page.goto(base + "/no-such-page/")
    assert response.status == 404
    visit("404")

    # A form sent after its CSRF cookie is gone (expired, or cookies blocked).
    page.goto(base + "/donate/manage/")
    page.context.clear_cookies()
    page.get_by_label("Email").fill("donor@example.com")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Email me a link").click()
    assert posted.value.status == 403
    page.wait_for_load_state("load")
    visit("csrf-failure")
    for status in (400, 500):
        response = page.goto(f"{base}/test-errors/{status}/")
        assert response.status == status
        visit(str(status))
