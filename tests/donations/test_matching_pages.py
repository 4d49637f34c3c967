"""What donors are told of a matching challenge: the offer, the meter, progress.json, the thank-you page and receipt."""

import datetime
import html

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import CampaignFactory, GiftFactory, MatchChallengeFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    campaign = CampaignFactory(slug="infusion", goal_cents=10_000_00)
    return MatchChallengeFactory(
        campaign=campaign,
        sponsor_name="Acme Health",
        pot_cents=50_000_00,
        ends_at=timezone.now() + datetime.timedelta(hours=24),
    )


def test_progress_json_adds_the_matched_money_and_the_open_pot(client, challenge, django_assert_num_queries):
    GiftFactory(campaign=challenge.campaign, amount_cents=1_000_00)

    # The campaign, its milestones, its tally row, the outstanding pledges, the open challenge (no
    # giving day); then from the cache.
    with django_assert_num_queries(5):
        data = client.get("/campaigns/infusion/progress.json").json()
    with django_assert_num_queries(0):
        assert client.get("/campaigns/infusion/progress.json").json() == data

    assert (data["raised_cents"], data["matched_cents"], data["percent"]) == (1_000_00, 1_000_00, 20)
    assert data["match"] == {
        "sponsor": "Acme Health",
        "ratio": 1,
        "pot_cents": 50_000_00,
        "pot_left_cents": 49_000_00,
        "ends_at": challenge.ends_at.isoformat(),
    }


def test_progress_json_has_no_offer_once_the_challenge_has_ended_but_keeps_the_matched_money(client, challenge):
    GiftFactory(campaign=challenge.campaign, amount_cents=10_00)
    challenge.ends_at = timezone.now() - datetime.timedelta(seconds=1)
    challenge.starts_at = challenge.ends_at - datetime.timedelta(hours=1)
    from donations.services.matching import challenge_save

    challenge_save(challenge)
    data = client.get("/campaigns/infusion/progress.json").json()
    assert (data["matched_cents"], data["match"]) == (10_00, None)


def test_the_campaign_page_and_embed_show_the_offer_and_the_matched_part_of_the_meter(client, challenge):
    GiftFactory(campaign=challenge.campaign, amount_cents=250_00)

    for path in ("/campaigns/infusion/", "/campaigns/infusion/embed/"):
        page = client.get(path).content.decode()
        text = html.unescape(page_text(client.get(path)))
        assert "Your gift will be matched" in text
        assert "Acme Health will give a dollar for each dollar you give, until their pot runs out." in text
        assert "<dd data-match-left>$49,750</dd>" in page
        ends = challenge.ends_at.astimezone(datetime.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )  # no fraction: Nu refuses 6 digits
        assert f'<time datetime="{ends}" data-countdown' in page
        assert 'src="/static/js/countdown.js"' in page
        assert "Includes <span data-meter-matched>$250</span> matched by sponsors" in page
        assert '<span class="meter-raised-amount" data-meter-raised>$500</span>' in page  # $250 + $250 matched
        assert 'class="meter-fill-matched" x="2" y="0" width="3"' in page  # 2.5 % donors, 5 % in all


def test_a_pot_used_in_full_says_so_instead_of_promising_a_match(client, challenge):
    challenge.pot_cents = 100_00
    challenge.save()
    GiftFactory(campaign=challenge.campaign, amount_cents=100_00)

    text = html.unescape(page_text(client.get("/campaigns/infusion/")))
    assert "Your gift will be matched" not in text
    assert "Acme Health's match has been used in full" in text


def test_no_offer_without_an_open_challenge(client):
    CampaignFactory(slug="infusion")
    page = client.get("/campaigns/infusion/").content.decode()
    assert "match-offer" not in page
    assert "countdown.js" not in page
    assert '<p class="meter-note meter-note-matched" hidden data-meter-matched-note>' in page


def test_the_gift_form_shows_the_offer(client, challenge, fake_stripe):
    text = html.unescape(page_text(client.get("/donate/?campaign=infusion")))
    assert "Your gift will be matched" in text
    assert "The match is the sponsor's gift, not part of yours." in text


def test_the_thank_you_page_and_receipt_say_exactly_what_was_matched(
    client, challenge, fake_stripe, start_gift, django_capture_on_commit_callbacks
):
    gift = start_gift(challenge.campaign, amount="100", cover_fee="on")
    fake_stripe.complete_session(gift.stripe_checkout_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        text = html.unescape(page_text(client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")))

    statement = (
        "Acme Health matched your gift with $100.00. "
        "The match is Acme Health's own gift: it is not part of your gift or of your deduction."
    )
    assert text.count(statement) == 2  # the page and its printable receipt
    receipt = mail.outbox[-1]
    assert statement in receipt.body
    assert statement in html.unescape(receipt.alternatives[0][0])


def test_a_gift_paid_after_the_pot_ran_out_is_told_so_honestly(client, challenge, fake_stripe, start_gift):
    challenge.pot_cents = 130_00
    challenge.save()
    GiftFactory(campaign=challenge.campaign, amount_cents=100_00)
    last_part = start_gift(challenge.campaign, amount="50")
    too_late = start_gift(challenge.campaign, amount="50")
    for gift in (last_part, too_late):
        fake_stripe.complete_session(gift.stripe_checkout_session_id)

    text = html.unescape(page_text(client.get(f"/donate/thanks/?session_id={last_part.stripe_checkout_session_id}")))
    assert "Acme Health matched $30.00 of your gift: the last of their pot (a full match was $50.00)." in text
    text = html.unescape(page_text(client.get(f"/donate/thanks/?session_id={too_late.stripe_checkout_session_id}")))
    assert (
        "Your gift came after Acme Health's matching pot had been used in full, so it was not matched. "
        "It counts in full toward the goal."
    ) in text
    assert "matched your gift" not in text


def test_the_pages_with_an_open_challenge_cost_the_same_queries_cold_and_none_warm(
    client, challenge, django_assert_num_queries
):
    GiftFactory(campaign=challenge.campaign, amount_cents=250_00)
    # The campaign page: campaign, figures, divisions, designations, milestones, tally, outstanding
    # pledges, challenge, donor wall and its donors' cumulative giving, the recognition levels, whether there are naming
    # opportunities, updates, the leaderboard (2). The embed: campaign, milestones, tally, outstanding
    # pledges, challenge.
    for path, cold in (("/campaigns/infusion/", 15), ("/campaigns/infusion/embed/", 5)):
        with django_assert_num_queries(cold):
            client.get(path)
        with django_assert_num_queries(0):
            assert client.get(path)["X-Page-Cache"] == "hit"
