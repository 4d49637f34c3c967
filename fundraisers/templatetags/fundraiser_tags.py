"""
{% fundraiser_leaderboard campaign %}: the campaign page's top fundraisers and teams. A template
tag, so that the campaign app (which fundraisers builds on) never imports fundraisers; the page is
cached whole, and a gift that moves a page's total bumps FIGURES like the meter's.
"""

from django import template
from django.conf import settings

from fundraisers.selectors import campaign_leaderboard

register = template.Library()


@register.inclusion_tag("fundraisers/includes/leaderboard.html")
def fundraiser_leaderboard(campaign):
    return {"leaderboard": campaign_leaderboard(campaign_id=campaign.pk, limit=settings.FUNDRAISER_LEADERBOARD_SIZE)}
