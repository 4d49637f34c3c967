"""
Page weight of the campaign page as a donor's phone downloads it: the HTML and every stylesheet
and script it references, gzip-compressed as the server (whitenoise) and any proxy send them.
Budget: 150 KB. Also: nothing render-blocking from another origin, and images that neither
shift the layout nor load before they are needed.
"""

import gzip
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

BUDGET_BYTES = 150 * 1024
PAGE = "/campaigns/infusion-dialysis-centers/"


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.images: list[dict] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs.get("href", ""))
            if attrs.get("rel") == "stylesheet":
                self.stylesheets.append(attrs["href"])
        elif tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            else:
                self.inline_scripts += 1
        elif tag == "img":
            self.images.append(attrs)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def demo_page(db, client):
    """The demo campaign's page (seed_demo: story, figures, pictures, updates, gifts) and its files."""
    call_command("seed_demo", stdout=StringIO())
    response = client.get(PAGE)
    assert response.status_code == 200
    parser = Assets()
    parser.feed(response.content.decode())
    files = {url: client.get(url) for url in parser.stylesheets + parser.scripts}
    return response, parser, {url: (asset.status_code, body(asset)) for url, asset in files.items()}


def test_campaign_page_html_css_and_js_are_under_150_kb_compressed(demo_page):
    response, _assets, files = demo_page
    sizes = {PAGE: len(gzip.compress(response.content))}
    for url, (status, content) in files.items():
        assert status == 200, url
        sizes[url] = len(gzip.compress(content))

    total = sum(sizes.values())
    print("\nCampaign page weight (gzip):", ", ".join(f"{url} {size:,} B" for url, size in sizes.items()))
    print(f"Total {total:,} B = {total / 1024:.1f} KB of a {BUDGET_BYTES // 1024} KB budget")
    assert set(sizes) >= {PAGE, "/static/vendor/bootstrap/bootstrap.min.css", "/static/css/site.css"}
    assert total < BUDGET_BYTES


def test_nothing_render_blocking_from_elsewhere_and_images_sized_and_lazy(demo_page):
    _response, assets, _files = demo_page
    for url in assets.stylesheets + assets.scripts + assets.links:
        assert (url.startswith("/") and not url.startswith("//")) or url.startswith(settings.SITE_URL + "/"), url
    assert assets.inline_scripts == 0  # nothing inline: the cached page needs no CSP nonce

    # Images reserve their space (no layout shift) and those below the fold load lazily.
    assert len(assets.images) >= 3  # brand mark, hero, update cards
    for image in assets.images:
        assert image.get("width", "").isdigit() and image.get("height", "").isdigit(), image
        assert image.get("alt") is not None, image
    hero = next(image for image in assets.images if "campaign-hero-img" in image.get("class", ""))
    assert (hero["loading"], hero["fetchpriority"]) == ("eager", "high")
    assert "srcset" in hero and "sizes" in hero
    below_the_fold = [image for image in assets.images if "update-card-img" in image.get("class", "")]
    assert below_the_fold
    for image in below_the_fold:
        assert (image["loading"], image["decoding"]) == ("lazy", "async"), image
        assert image["srcset"].count("w,") >= 1, image
