"""The thank-you page as a printable receipt, and its share links."""

import pytest

from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_a_received_gift_shows_the_receipt_that_prints(client, fake_stripe, start_gift, settings):
    settings.ORG_LEGAL_NAME, settings.ORG_TAX_ID = "Kids Hospital Foundation, Inc.", "12-3456789"
    gift = start_gift(CampaignFactory(title="Infusion Centers", slug="infusion"), amount="100")
    fake_stripe.complete_session(gift.stripe_checkout_session_id)

    response = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")
    html = response.content.decode()
    gift.refresh_from_db()

    assert response.context["receipt"]["receipt_number"] == gift.receipt_number
    assert '<section class="receipt" aria-labelledby="receipt-heading">' in html
    assert "<strong>Kids Hospital Foundation, Inc.</strong>" in html
    assert "Tax ID (EIN): 12-3456789" in html
    assert f"<dd>{gift.receipt_number}</dd>" in html
    assert "<dd>$100.00</dd>" in html
    assert "No goods or services were provided in exchange for this contribution." in html
    # print.css, loaded for print only, hides the navigation, footer, buttons and share links.
    assert 'href="/static/css/print.css" media="print"' in html
    # Share links are plain links (no third-party script), with the campaign's absolute URL.
    encoded = "https%3A%2F%2Fgive.example.org%2Fcampaigns%2Finfusion%2F"
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={encoded}"' in html
    assert f'href="https://www.linkedin.com/sharing/share-offsite/?url={encoded}"' in html
    assert f'href="https://x.com/intent/post?url={encoded}&amp;text=I%20just%20gave%20to%20Infusion%20Centers.' in html
    subject = "I%20just%20gave%20to%20Infusion%20Centers.%20Will%20you%20join%20me%3F"
    assert f"mailto:?subject={subject}&amp;body={encoded}" in html
    assert 'data-copy-link="https://give.example.org/campaigns/infusion/"' in html
    assert '<script src="https://' not in html


def test_a_gift_still_processing_shows_no_receipt(client, fake_stripe, start_gift):
    gift = start_gift(CampaignFactory())
    response = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")
    assert response.context["state"] == "processing"
    assert response.context["receipt"] is None
    assert "Your receipt" not in response.content.decode()


def test_another_browser_sees_no_receipt(client, fake_stripe, start_gift):
    gift = start_gift(CampaignFactory(), amount="100")
    fake_stripe.complete_session(gift.stripe_checkout_session_id)
    client.cookies.clear()  # not the browser that started the gift
    response = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")
    assert response.context["receipt"] is None
    gift.refresh_from_db()  # paid by that visit (the page fulfils the session), so numbered
    assert gift.receipt_number.startswith("R")
    assert gift.receipt_number not in response.content.decode()
