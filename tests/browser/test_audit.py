"""
The audit suite: every public page, in every state a person meets it (empty, with errors, done),
in real Chromium, checked by axe-core (no violation of any rule, best practices included) and the
W3C Nu HTML checker (no error); and Lighthouse (at least 95 in all four categories) on the main
pages served as in production. Results: artifacts/audit/ (JSON and a Markdown summary).

    npm ci --ignore-scripts && .venv/bin/pytest -m audit
"""

import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaign import demo
from campaign.models import Update
from tests.browser import audit

pytestmark = [pytest.mark.browser, pytest.mark.audit]

SUMMARY = audit.AUDIT_DIR / "summary.md"
LIGHTHOUSE_MIN = 95


def _summary(rows: dict[str, dict]) -> str:
    lines = [
        "| page | axe violations | Nu errors | performance | accessibility | best practices | SEO |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        scores = row.get("lighthouse", {})
        lines.append(
            f"| {name} | {row.get('axe', '–')} | {row.get('nu', '–')} | "
            + " | ".join(str(scores.get(category, "–")) for category in audit.CATEGORIES)
            + " |"
        )
    return "\n".join(lines) + "\n"


def _merge_summary(update: dict[str, dict]) -> None:
    """Both tests write to one table: artifacts/audit/results.json keeps what each found."""
    audit.AUDIT_DIR.mkdir(parents=True, exist_ok=True)
    store = audit.AUDIT_DIR / "results.json"
    rows = json.loads(store.read_text()) if store.exists() else {}
    for name, row in update.items():
        rows.setdefault(name, {}).update(row)
    store.write_text(json.dumps(rows, indent=2))
    SUMMARY.write_text("# Audit results\n\n" + _summary(rows))


class PageAudit:
    """Saves each page's HTML for the Nu checker and runs axe on it, as the test walks the site."""

    def __init__(self, page):
        self.page = page
        self.html_dir = audit.AUDIT_DIR / "html"
        self.html_dir.mkdir(parents=True, exist_ok=True)
        self.files = {}
        self.axe = {}

    def __call__(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        path = self.html_dir / f"{name}.html"
        path.write_text(self.page.content(), encoding="utf-8")  # before axe's own script is added
        self.files[name] = path
        self.axe[name] = audit.run_axe(self.page)


@pytest.mark.django_db(transaction=True)
def test_every_public_page_has_no_axe_violation_and_no_html_error(browser, live_server, settings):
    audit.require(audit.AXE_JS, "axe-core")
    audit.require(audit.VNU_JAR, "vnu-jar (the W3C Nu HTML checker)")
    audit.require_command("java")
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 (the command's chatter)
    update = (
        Update.objects.filter(status=Update.Status.PUBLISHED, publish_at__lte=timezone.now())
        .exclude(image="")
        .order_by("-publish_at")
        .first()
    )
    base = live_server.url
    # bypass_csp: the site's CSP (rightly) forbids the injected axe script, not the page's own.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    check = PageAudit(page)
    try:
        page.goto(base + "/")
        check("home")
        page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/")
        check("campaign")
        page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/embed/")
        check("embed")
        page.goto(base + "/updates/")
        check("updates")
        page.goto(base + update.get_absolute_url())
        check("update")

        page.goto(base + "/donate/")
        check("donate")
        page.get_by_label("Other amount", exact=True).check()
        page.get_by_label("Other amount (US dollars)").fill("1")
        page.get_by_role("button", name="Continue to secure payment").click()
        page.wait_for_load_state("load")
        assert page.locator(".is-invalid").count() >= 1
        check("donate-errors")
        page.get_by_label("Other amount (US dollars)").fill("35")
        page.get_by_label("Name on the donor wall").fill("The Audit Family")
        page.get_by_role("button", name="Continue to secure payment").click()
        page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
        check("demo-checkout")
        page.get_by_role("button", name="Pay").click()
        page.wait_for_url(re.compile(r"/donate/thanks/"))
        assert "has been received" in page.inner_text("h1")
        check("thank-you")
        page.goto(base + "/donate/cancelled/")
        check("cancelled")

        page.goto(base + "/donate/manage/")
        check("manage")
        page.get_by_role("button", name="Email me a link").click()
        page.wait_for_load_state("load")
        check("manage-errors")
        page.get_by_label("Email").fill("donor@example.com")
        page.get_by_role("button", name="Email me a link").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("status").count() == 1
        check("manage-done")

        page.goto(base + "/destination-care/")
        check("destination-inquiry")
        page.goto(base + "/destination-care/?form=referral")
        check("destination-referral")
        page.goto(base + "/destination-care/?form=inquiry")
        page.locator("#inquiry-panel").get_by_role("button", name="Send inquiry").click()
        page.wait_for_load_state("load")
        check("destination-errors")
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
        check("destination-thanks")

        response = page.goto(base + "/no-such-page/")
        assert response.status == 404
        check("404")
    finally:
        context.close()

    nu = audit.run_vnu(check.files)
    (audit.AUDIT_DIR / "axe.json").write_text(json.dumps(check.axe, indent=2))
    (audit.AUDIT_DIR / "nu.json").write_text(json.dumps(nu, indent=2))
    _merge_summary({name: {"axe": len(check.axe[name]), "nu": len(nu.get(name, []))} for name in check.files})

    problems = [
        f"{name}: axe {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for name, violations in check.axe.items()
        for v in violations
    ] + [f"{name}: Nu line {e['line']}: {e['message']}" for name, errors in nu.items() for e in errors]
    assert problems == [], "\n".join(problems)


LIGHTHOUSE_PAGES = {
    "campaign": f"/campaigns/{demo.CAMPAIGN_SLUG}/",
    "donate": "/donate/",
    "update": None,  # the newest published update with an image, found on the server
    "destination-inquiry": "/destination-care/",
}


def test_lighthouse_scores_at_least_95_served_as_in_production():
    audit.require(audit.LIGHTHOUSE_CLI, "lighthouse")
    audit.require_command("node")
    results = {}
    with audit.production_server() as base:
        for name, path in LIGHTHOUSE_PAGES.items():
            if path is None:
                path = _newest_update_path(base)
            out = audit.AUDIT_DIR / f"lighthouse-{name}.json"
            audit.AUDIT_DIR.mkdir(parents=True, exist_ok=True)
            results[name] = audit.run_lighthouse(base + path, out)
    _merge_summary({name: {"lighthouse": result["scores"]} for name, result in results.items()})
    low = [
        f"{name}: {category} {score} < {LIGHTHOUSE_MIN}; failing audits: {result['failing']}"
        for name, result in results.items()
        for category, score in result["scores"].items()
        if score < LIGHTHOUSE_MIN
    ]
    assert low == [], "\n".join(low)


def _newest_update_path(base: str) -> str:
    import urllib.request

    with urllib.request.urlopen(base + "/updates/", timeout=10) as response:  # noqa: S310 (our own server)
        html = response.read().decode()
    match = re.search(r'href="(/updates/[a-z0-9-]+/)"', html)
    assert match, "the updates page lists no update"
    return match.group(1)
