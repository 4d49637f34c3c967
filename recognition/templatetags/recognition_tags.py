"""
The donor wall's recognition level (the wall is campaign's; the levels are recognition's, so the
template asks here rather than campaign importing this app).
"""

from django import template

from recognition import selectors

register = template.Library()


@register.simple_tag
def recognition_levels(campaign):
    """`{% recognition_levels campaign as levels %}`: the campaign's levels, highest first (one query)."""
    return selectors.levels_for_campaign(campaign_id=campaign.pk)


@register.filter
def recognition_level(giving_cents, levels):
    """`{{ gift.giving_cents|recognition_level:levels }}`: the level's name in the reader's language, or ""."""
    level = selectors.level_for_giving(levels=levels or [], giving_cents=int(giving_cents or 0))
    return level.localized.name if level else ""
