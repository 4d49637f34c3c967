"""
The site in Spanish in real Chromium: the switch works without JavaScript, the longer Spanish text
fits a 375 px phone without sideways scrolling, and screenshots to look at
(artifacts/screenshots/campaign-es-*.png, donate-es-*.png).
"""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as site_urlpatterns


def serve_media(request, path):
    # Production serves uploads from storage or the web server; the live server needs a hand.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), *site_urlpatterns]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

# Elements wider than the viewport (or pushed past its right edge), as "tag.class: width".
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > limit + 1; })
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${Math.round(el.getBoundingClientRect().right)}px`)
    .slice(0, 8);
}"""


@pytest.fixture
def demo_site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())


def assert_fits(page):
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_campaign_and_gift_form_in_spanish(request, live_server, demo_site, screenshot, device):
    page = request.getfixturevalue("phone_page" if device == "phone" else "page")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("button", name="Español").click()  # a plain form post: no JavaScript involved
    page.wait_for_url(live_server.url + "/")

    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Centros de Infusión y de Diálisis Ambulatoria"
    assert page.get_by_role("heading", name="Una sala que a nuestros pacientes ya les queda chica").is_visible()
    assert page.get_by_role("button", name="English").is_visible()
    assert page.locator(".meter-raised-amount").inner_text().startswith("$")
    assert "," in page.locator(".meter-raised-amount").inner_text()  # $1,234,567: US grouping
    assert_fits(page)
    screenshot(page, f"campaign-es-{device}")

    page.goto(live_server.url + "/donate/")
    assert page.locator("h1").inner_text() == "Done a Centros de Infusión y de Diálisis Ambulatoria"
    assert page.get_by_role("button", name="Continuar al pago seguro").is_visible()
    assert_fits(page)
    screenshot(page, f"donate-es-{device}")

    page.get_by_role("button", name="Continuar al pago seguro").click()
    page.wait_for_load_state()
    assert page.get_by_text("Elija o escriba un monto.").first.is_visible()
    assert_fits(page)
    screenshot(page, f"donate-es-errors-{device}")

    # The choice is remembered from page to page (the cookie), and switching back works.
    page.goto(live_server.url + "/destination-care/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert_fits(page)
    screenshot(page, f"destination-es-{device}")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(live_server.url + "/destination-care/")
    assert page.locator("html").get_attribute("lang") == "en"
