"""The plan page's change forms in Chromium at 375 and 1280 px: axe-core, the Nu checker, keyboard, a bad amount."""

import re

import pytest

from tests.browser import audit
from tests.browser.test_donor_pages import _seed, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_plan_page_forms_at_375_and_1280(browser, live_server, screenshot):
    audit.require(audit.AXE_JS, "axe-core")
    audit.require(audit.VNU_JAR, "vnu-jar (the W3C Nu HTML checker)")
    audit.require_command("java")
    _seed()
    files, axe = {}, {}
    directory = audit.AUDIT_DIR / "html-plan-changes"
    directory.mkdir(parents=True, exist_ok=True)
    for width, name in [(375, "phone"), (1280, "desktop")]:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        _sign_in(page, live_server.url)
        page.get_by_role("button", name=re.compile("^Manage")).first.click()
        page.wait_for_url(re.compile(r"/donate/manage/plan/$"))
        # By keyboard: a bad amount is told next to its field, and nothing changes.
        page.get_by_label("New amount each time").fill("abc")
        page.get_by_label("New amount each time").press("Enter")
        page.wait_for_load_state("load")
        assert page.get_by_label("New amount each time").get_attribute("aria-invalid") == "true"
        for label in ["How often", "Pause for"]:
            assert page.get_by_label(label).is_visible()
        assert page.get_by_role("button", name="Cancel my gift").is_visible()
        path = directory / f"plan-{name}.html"
        path.write_text(page.content(), encoding="utf-8")
        files[name], axe[name] = path, audit.run_axe(page)
        screenshot(page, f"plan-changes-{name}")
        context.close()
    assert axe == {"phone": [], "desktop": []}
    assert audit.run_vnu(files) == {name: [] for name in files}
