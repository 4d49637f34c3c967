"""
The staff side at 1280 px, as its users walk it: a development officer signs in, lands on the
dashboard, lists the gifts, exports them and writes an update with its live preview and a picture;
a care coordinator's request list fits the screen without scrolling sideways. Screenshots go to
artifacts/screenshots/walk-*.png.
"""

import datetime
import io

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from campaign.models import UpdateImage
from tests.browser.signin import totp_code
from tests.factories import CampaignFactory, CareRequestFactory, GiftFactory
from tests.staff import PASSWORD, make_staff, restore_staff_groups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.real_two_factor]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_development_officers_day_at_1280(page, live_server, screenshot, django_user_model, tmp_path, settings):
    settings.ROOT_URLCONF = "tests.browser.media_urls"  # uploads served, as production's storage would
    restore_staff_groups()
    officer = make_staff(django_user_model, "dana.officer", "Development staff", first_name="Dana")
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    campaign = CampaignFactory(title="Infusion & Outpatient Dialysis Centers", is_featured=True)
    for index in range(12):
        GiftFactory(
            campaign=campaign,
            amount_cents=[25_00, 100_00, 250_00][index % 3],
            donor_name=f"Donor {index}",
            donor_email=f"donor{index}@example.com",
            donor_address="12 Elm St\nHartford, CT 06106\nUS",
            paid_at=timezone.now() - datetime.timedelta(days=index),
        )
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append((message.text, message.location)))
    page.on("response", lambda response: response.status >= 400 and errors.append(response.url))

    page.goto(f"{live_server.url}/admin/login/")
    screenshot(page, "walk-1-sign-in-1280")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/otp/verify/**")
    page.fill("#id_token", totp_code(device))
    page.click("#otp-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/dashboard/")
    screenshot(page, "walk-2-dashboard-1280")
    assert no_sideways_scroll(page)

    page.goto(f"{live_server.url}/admin/donations/gift/")
    assert page.locator("#result_list tbody tr").count() == 12
    screenshot(page, "walk-3-gifts-1280")
    assert no_sideways_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these gifts (CSV)").click()
    path = tmp_path / "gifts.csv"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.count("\n") >= 13 and "12 Elm St" in text

    page.goto(f"{live_server.url}/admin/campaign/update/add/")
    body = page.locator("#id_body")
    body.fill("## Six chairs are here\n\nThe **first** chairs arrived. <script>alert(1)</script>")
    preview = page.locator("[data-md-preview]").first
    preview.locator("h2").wait_for()
    assert preview.locator("h2").inner_text() == "Six chairs are here"
    assert preview.locator("strong").inner_text() == "first"
    assert preview.locator("script").count() == 0
    picture = tmp_path / "chairs.png"
    Image.new("RGB", (2400, 1600), (40, 120, 200)).save(picture)
    page.set_input_files("#id_body-picture", str(picture))
    page.fill("#id_body-picture-description", "The new infusion chairs")
    page.locator("[data-md-picture-insert]").first.click()
    preview.locator("img").wait_for()
    stored = UpdateImage.objects.get()
    assert f"![The new infusion chairs]({stored.image.url})" in body.input_value()
    assert preview.locator("img").get_attribute("alt") == "The new infusion chairs"
    assert (stored.width, stored.height) == (1600, 1067)
    with Image.open(io.BytesIO(stored.image.read())) as image:
        assert image.format == "JPEG"
    screenshot(page, "walk-4-update-editor-1280")
    assert no_sideways_scroll(page)
    assert errors == []


def test_the_coordinators_request_list_fits_1280_px(page, live_server, screenshot, django_user_model):
    from tests.browser.signin import sign_in

    restore_staff_groups()
    coordinator = make_staff(django_user_model, "cora.coordinator", "Care coordinators")
    for index in range(15):
        CareRequestFactory(
            contact_name=f"Maria-Fernanda Alejandra Oyelaran-Castellanos {index}",
            condition="Hypoplastic left heart syndrome, staged palliation",
        )
    sign_in(page, live_server.url, coordinator, PASSWORD)
    page.goto(f"{live_server.url}/admin/destination/carerequest/")
    assert page.locator("#result_list tbody tr").count() == 15
    screenshot(page, "walk-5-coordinator-requests-1280")
    assert no_sideways_scroll(page)
    overflow = page.evaluate(
        "() => { const el = document.querySelector('#changelist .results'); return el.scrollWidth - el.clientWidth; }"
    )
    assert overflow <= 0
