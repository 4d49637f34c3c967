"""
The donor's own pages and tributes in real Chromium, from a phone and a desktop: the door, the
emailed link, every gift, a receipt, the statement, making a tribute card, the card and the
honoree's page; each checked by axe-core and the Nu HTML checker, used by keyboard, in Spanish too.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from donations.models import RecurringPlan
from tests.browser import audit
from tests.factories import CampaignFactory, GiftFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "phone.donor@example.com"
LINK = re.compile(r"https?://[^/\s]+(/donate/manage/access/#\S+)")


def _seed():
    campaign = CampaignFactory(title="Infusion Centers", is_featured=True)
    now = timezone.now()
    tribute = GiftFactory(
        campaign=campaign, donor_email=EMAIL, donor_name="Pat Phone", amount_cents=100_00, fee_cents=3_20,
        dedication="memory", honoree_name="Rose Doe", receipt_year=now.year, receipt_serial=7,
    )  # fmt: skip
    GiftFactory(
        campaign=campaign, donor_email=EMAIL, donor_name="Pat Phone", source="check", reference="1042",
        amount_cents=250_00, paid_at=now - datetime.timedelta(days=3), receipt_year=now.year, receipt_serial=8,
    )  # fmt: skip
    RecurringPlan.objects.create(
        campaign=campaign, amount_cents=25_00, donor_email=EMAIL, status="active", stripe_subscription_id="sub_demo_1"
    )
    return tribute


class Checked:
    """Saves each page's HTML for the Nu checker and runs axe on it."""

    def __init__(self, page):
        self.page, self.files, self.axe = page, {}, {}
        self.dir = audit.AUDIT_DIR / "html-donors"
        self.dir.mkdir(parents=True, exist_ok=True)

    def __call__(self, name):
        self.page.wait_for_load_state("load")
        path = self.dir / f"{name}.html"
        path.write_text(self.page.content(), encoding="utf-8")
        self.files[name] = path
        self.axe[name] = audit.run_axe(self.page)


def _sign_in(page, base):
    page.goto(base + "/donate/manage/")
    mail.outbox.clear()
    field = page.get_by_label("The email you gave with")
    field.fill(EMAIL)
    field.press("Enter")  # the keyboard submits the form
    page.wait_for_load_state("load")
    assert "we have sent it a link" in page.inner_text("main")
    # The link is emailed after the response has gone (the answer takes the same time for every
    # address), so the page can be on screen before the email is in the outbox: wait for it.
    for _attempt in range(100):
        if mail.outbox:
            break
        page.wait_for_timeout(100)
    path = LINK.search(mail.outbox[-1].body).group(1)
    page.goto(base + path)
    page.get_by_role("button", name=re.compile("Continue|Continuar")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/donate/manage/you/$"))


def test_the_donor_pages_at_375_and_1280_by_keyboard_and_in_spanish(browser, live_server, screenshot):
    audit.require(audit.AXE_JS, "axe-core")
    audit.require(audit.VNU_JAR, "vnu-jar (the W3C Nu HTML checker)")
    audit.require_command("java")
    tribute = _seed()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    check = Checked(page)
    try:
        page.goto(base + "/donate/manage/you/")
        check("expired")
        page.goto(base + "/donate/manage/")
        check("door")
        _sign_in(page, base)
        check("home")
        screenshot(page, "donor-home-desktop")
        text = page.inner_text("main")
        assert "R" + str(timezone.now().year) + "-0000007" in text and "$250.00" in text and "Rose Doe" in text
        page.get_by_role("link", name=re.compile(r"^R\d{4}-0000007$")).click()
        check("receipt")
        screenshot(page, "donor-receipt-desktop")
        page.goto(base + "/donate/manage/you/preferences/")
        check("preferences")
        page.get_by_label(re.compile("newsletter")).check()
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state("load")
        check("preferences-saved")
        screenshot(page, "donor-preferences-desktop")
        page.goto(base + f"/donate/manage/you/statements/{timezone.localdate().year}/")
        check("statement")
        screenshot(page, "donor-statement-desktop")
        page.goto(base + f"/donate/tribute-card/{tribute.pk}/")
        check("card-form")
        page.get_by_label("Night stars").check()
        page.keyboard.press("ArrowRight")  # a real radio group: the arrows choose
        assert page.get_by_label("Hearts").is_checked()
        page.get_by_label("From (your name as the card shows it)").fill("Pat and family")
        page.get_by_label("Your message (optional)").fill("Rose made every room brighter.")
        page.get_by_label("Recipient's email (for the e-card)").fill("family@example.com")
        screenshot(page, "donor-card-form-desktop")
        page.get_by_role("button", name="Make the card").click()
        page.wait_for_load_state("load")
        check("card-made")
        page.get_by_role("link", name="See the card").click()
        check("card")
        screenshot(page, "donor-card-desktop")
        page.get_by_role("link", name=re.compile("Everyone who gave")).click()
        check("honoree")
        screenshot(page, "donor-honoree-desktop")
        page.goto(base + "/donate/")
        page.get_by_label("Email me a link if I don't finish").check()
        check("donate-with-reminder")

        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": base}])
        page.goto(base + "/donate/manage/")
        assert page.locator("html").get_attribute("lang") == "es"
        assert "Sus donaciones y recibos" in page.inner_text("h1")
        check("es-door")
        page.goto(base + "/donate/manage/you/")
        assert "Constancias anuales de donaciones" in page.inner_text("main")
        check("es-home")
        page.goto(base + f"/donate/tribute-card/{tribute.pk}/")
        check("es-card-made")
    finally:
        context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    try:
        page.goto(base + "/donate/manage/")
        screenshot(page, "donor-door-phone")
        _sign_in(page, base)
        screenshot(page, "donor-home-phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.goto(base + f"/donate/manage/you/statements/{timezone.localdate().year}/")
        screenshot(page, "donor-statement-phone")
        page.goto(base + f"/donate/tribute-card/{tribute.pk}/")
        page.get_by_role("link", name="See the card").click()
        screenshot(page, "donor-card-phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        phone.close()

    nu = audit.run_vnu(check.files)
    problems = [
        f"{name}: axe {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for name, violations in check.axe.items()
        for v in violations
    ] + [f"{name}: Nu line {e['line']}: {e['message']}" for name, errors in nu.items() for e in errors]
    assert problems == [], "\n".join(problems)
