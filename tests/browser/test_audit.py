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
from django.conf import settings

from campaign import demo
from tests.browser import audit
from tests.browser.site_walk import (
    PAGES,
    SERVED_HTML,
    newest_update_with_image,
    seed_public_pages,
    walk_public_pages,
)

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
        html = SERVED_HTML.get(name) or self.page.content()  # before axe's own script is added
        path.write_text(html, encoding="utf-8")
        self.files[name] = path
        self.axe[name] = audit.run_axe(self.page)


@pytest.mark.django_db(transaction=True)
def test_every_public_page_has_no_axe_violation_and_no_html_error(browser, live_server, settings):
    audit.require(audit.AXE_JS, "axe-core")
    audit.require(audit.VNU_JAR, "vnu-jar (the W3C Nu HTML checker)")
    audit.require_command("java")
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    seed_public_pages()
    # bypass_csp: the site's CSP (rightly) forbids the injected axe script, not the page's own.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    check = PageAudit(page)
    try:
        walk_public_pages(page, live_server.url, check)
        _walk_in_spanish(page, live_server.url, check)
    finally:
        context.close()

    assert list(check.files) == PAGES + SPANISH_PAGES  # every public page and state was reached and checked
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


SPANISH_PAGES = [
    "es-campaign",
    "es-update",
    "es-donate",
    "es-donate-errors",
    "es-destination",
    "es-destination-story",
    "es-naming",
    "es-privacy",
    "es-contact",
]


def _walk_in_spanish(page, base: str, visit) -> None:
    """The main pages again in Spanish (the language switch's cookie): the markup differs in length."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": base}])
    page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/")
    assert page.locator("html").get_attribute("lang") == "es"
    visit("es-campaign")
    page.goto(base + newest_update_with_image().get_absolute_url())
    visit("es-update")
    page.goto(base + "/donate/")
    visit("es-donate")
    page.locator("form.gift-form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").count() >= 1
    visit("es-donate-errors")
    page.goto(base + "/destination-care/")
    visit("es-destination")
    page.locator("#whyconnecticutchildrens").get_by_role("link", name=re.compile("Kiki")).click()
    page.wait_for_url(re.compile(r"/destination-care/stories/[-a-z0-9]+/$"))
    assert "Kiki" in page.inner_text("h1") and "historia" in page.inner_text("h1")
    visit("es-destination-story")
    page.goto(f"{base}/campaigns/{demo.CAMPAIGN_SLUG}/naming/")
    visit("es-naming")
    page.goto(base + "/privacy/")
    visit("es-privacy")
    page.goto(base + "/contact/")
    visit("es-contact")


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
            audit.AUDIT_DIR.mkdir(parents=True, exist_ok=True)
            runs = [audit.run_lighthouse(base + path, audit.AUDIT_DIR / f"lighthouse-{name}.json")]
            if min(runs[0]["scores"].values()) < LIGHTHOUSE_MIN:
                # Performance varies from run to run with the machine's load (2 shared cores): as
                # Lighthouse's own docs advise, a miss is judged on the median of three runs.
                for attempt in (2, 3):
                    out = audit.AUDIT_DIR / f"lighthouse-{name}-{attempt}.json"
                    runs.append(audit.run_lighthouse(base + path, out))
            results[name] = {
                "scores": {
                    category: sorted(run["scores"][category] for run in runs)[len(runs) // 2]
                    for category in audit.CATEGORIES
                },
                "failing": [failing for run in runs for failing in run["failing"]],
                "runs": [run["scores"] for run in runs],
            }
    _merge_summary({name: {"lighthouse": result["scores"]} for name, result in results.items()})
    (audit.AUDIT_DIR / "lighthouse.json").write_text(json.dumps(results, indent=2))
    low = [
        f"{name}: {category} {score} < {LIGHTHOUSE_MIN} (runs: {result['runs']}); failing audits: {result['failing']}"
        for name, result in results.items()
        for category, score in result["scores"].items()
        if score < LIGHTHOUSE_MIN
    ]
    assert low == [], "\n".join(low)


def _newest_update_path(base: str) -> str:
    import urllib.request

    with urllib.request.urlopen(base + "/updates/", timeout=10) as response:  # noqa: S310 (our own server)
        html = response.read().decode()
    match = re.search(r'class="stretched-link" href="(/updates/[a-z0-9-]+/)"', html)
    assert match, "the updates page lists no update"
    return match.group(1)
