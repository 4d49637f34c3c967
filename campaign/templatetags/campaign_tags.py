from django import template
from django.conf import settings

from core import money
from core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ campaign.story|markdown }}: Markdown rendered and sanitised (core.markdown)."""
    return render_markdown(text)


@register.filter
def cents(value, whole=True):
    """{{ 123400|cents }} → "$1,234"; amounts with cents keep them ("$12.50")."""
    if value in (None, ""):
        return ""
    return money.format_cents(int(value), whole=bool(whole))


@register.filter
def dollars(value):
    """{{ 123456789|dollars }} → "$1,234,567": whole dollars, rounded down (the meter's figures)."""
    if value in (None, ""):
        return ""
    value = int(value)
    return money.format_cents(value - value % 100, whole=True)


@register.filter
def absolute(url):
    """A site path made absolute with SITE_URL (for canonical links, Open Graph and feeds)."""
    if not url:
        return ""
    url = str(url)
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url
