"""
Every public page on a 375 px phone: nothing scrolls sideways, and every control is a tap target
at least 44 px tall; then screenshots of the main pages at 375 px and 1280 px
(artifacts/screenshots/a11y-<page>-<width>.png), to be looked at.

The tap-target rule applied (WCAG 2.5.5 at 44 px, with the exceptions of 2.5.8):
- every visible <a>, <button>, <select>, <textarea>, text-like <input> and <summary> is at least
  44 px tall;
- a radio button or checkbox passes when its label (or the .form-check row holding both) is;
- exempt: links inline in a sentence (the link's block — p, li, dd, td, blockquote, address — has
  text besides the link: 2.5.8's "inline" exception), visually hidden controls (the skip link,
  until it is focused) and the honeypot field no person sees.
"""

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.site_walk import PAGES, seed_public_pages, walk_public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_TAP_TARGETS = """() => {
  const MIN = 44;
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== 'hidden'
      && !el.closest('[hidden], .honeypot, .visually-hidden, .visually-hidden-focusable');
  };
  const inSentence = el => {
    const block = el.closest('p, li, dd, td, blockquote, address');
    if (!block) return false;
    const own = (el.innerText || '').trim().length;
    return (block.innerText || '').trim().length > own + 1;
  };
  const tall = el => el && el.getBoundingClientRect().height >= MIN - 0.5;
  const bad = [];
  for (const el of document.querySelectorAll('a[href], button, select, textarea, summary, input')) {
    if (el.type === 'hidden' || !visible(el) && !(el.type === 'radio' || el.type === 'checkbox')) continue;
    if (el.type === 'radio' || el.type === 'checkbox') {
      const label = el.labels && el.labels[0];
      if (tall(el) || tall(label) || tall(el.closest('.form-check'))) continue;
      if (!visible(label || el)) continue;
    } else if (tall(el) || (el.tagName === 'A' && inSentence(el))) {
      continue;
    }
    const box = el.getBoundingClientRect();
    const what = (el.innerText || el.value || el.name || '').trim().slice(0, 40);
    bad.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${what}" ${Math.round(box.height)}px`);
  }
  return bad;
}"""


def test_every_public_page_fits_a_375px_phone_with_44px_tap_targets(browser, live_server, settings):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    seed_public_pages()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    found: dict[str, dict] = {}

    def visit(name: str) -> None:
        page.wait_for_load_state("load")
        found[name] = {
            "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
            "small_targets": page.evaluate(SMALL_TAP_TARGETS),
        }

    try:
        walk_public_pages(page, live_server.url, visit)
    finally:
        context.close()

    assert list(found) == PAGES
    too_wide = {name: row["scroll_width"] for name, row in found.items() if row["scroll_width"] > PHONE["width"]}
    assert too_wide == {}
    small = {name: row["small_targets"] for name, row in found.items() if row["small_targets"]}
    assert small == {}


SCREENSHOTS = ["campaign", "naming", "donate-errors", "thank-you", "destination-inquiry"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_screenshots_of_the_main_pages(browser, live_server, settings, screenshot, viewport):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    seed_public_pages()
    phone = viewport is PHONE
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, device_scale_factor=1)
    page = context.new_page()
    taken = []

    def visit(name: str) -> None:
        if name in SCREENSHOTS:
            page.wait_for_load_state("load")
            # The meter's bar grows on load; wait for it to finish so the picture is the settled page.
            page.wait_for_timeout(1300 if name == "campaign" else 100)
            taken.append(screenshot(page, f"a11y-{name}-{viewport['width']}").name)
            if name == "thank-you" and not phone:
                # The receipt as printed: print.css leaves no navigation, footer, buttons or share links.
                page.emulate_media(media="print")
                assert page.locator(".site-header").is_hidden() and page.locator(".share").is_hidden()
                assert page.get_by_text("No goods or services were provided").is_visible()
                taken.append(screenshot(page, "a11y-thank-you-print").name)
                page.emulate_media(media="screen")

    try:
        walk_public_pages(page, live_server.url, visit)
    finally:
        context.close()
    expected = [f"a11y-{name}-{viewport['width']}.png" for name in SCREENSHOTS]
    if not phone:
        expected.insert(expected.index("a11y-thank-you-1280.png") + 1, "a11y-thank-you-print.png")
    assert taken == expected
