"""Every public form marks its required fields: a visible * (explained once) and aria-required."""

import re

import pytest

from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

CONTROL = re.compile(r"<(input|select|textarea)\b[^>]*>", re.S)


def controls(html: str):
    for match in CONTROL.finditer(html):
        tag = match.group(0)
        if 'type="hidden"' in tag or 'name="leave_blank"' in tag:
            continue
        yield tag


def label_for(html: str, control_id: str) -> str:
    match = re.search(rf'<label[^>]*for="{re.escape(control_id)}"[^>]*>(.*?)</label>', html, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("url", ["/donate/", "/destination-care/", "/fundraisers/start/?campaign={slug}"])
def test_required_fields_are_marked_for_eyes_and_for_screen_readers(client, url):
    campaign = CampaignFactory(is_featured=True)
    html = client.get(url.format(slug=campaign.slug)).content.decode()
    assert 'Fields marked <span class="asteriskField">*</span> are required.' in html
    required = [tag for tag in controls(html) if re.search(r"\srequired(\s|>|=)", tag)]
    assert required, url
    for tag in required:
        control_id = re.search(r'id="([^"]+)"', tag).group(1)
        if 'type="radio"' in tag:
            continue  # a radio group: its legend carries the mark (checked below for the gift form)
        assert 'aria-required="true"' in tag, tag
        if 'type="checkbox"' not in tag:
            assert "asteriskField" in label_for(html, control_id), control_id
    # No optional field claims to be required.
    for tag in controls(html):
        if 'aria-required="true"' in tag:
            assert re.search(r"\srequired(\s|>|=)", tag), tag


def test_the_gift_forms_radio_groups_are_required_and_marked(client):
    CampaignFactory(is_featured=True)
    html = client.get("/donate/").content.decode()
    amount_radios = [tag for tag in controls(html) if 'name="amount"' in tag]
    assert amount_radios and all(re.search(r"\srequired(\s|>)", tag) for tag in amount_radios)
    assert 'Amount<span class="asteriskField">*</span></legend>' in html
    assert '<span class="asteriskField">*</span></legend>' in html.split('name="frequency"')[0]
