"""What tests read back: a page's text with whitespace collapsed, and a campaign's stored totals."""

import re

from campaign.tallies import tally_totals


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def tally_counts(campaign, designation=None) -> tuple[int, int, int]:
    """(raised cents, gift count, donor count) of a campaign's tally (or a designation's); zeros if none."""
    row = tally_totals(campaign=campaign, designation=designation)
    return (row.raised_cents, row.gift_count, row.donor_count) if row else (0, 0, 0)
