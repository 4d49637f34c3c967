"""
Markdown for campaign stories and updates, rendered and sanitised in one place.

Staff write Markdown; a stolen staff session, a pasted snippet or an imported draft must still
not be able to run script on a donor's page, so the HTML that Markdown produces is cleaned by
nh3 (a binding of the Rust `ammonia` sanitiser) with an allow-list of tags, attributes and URL
schemes. Anything else (script, style, iframes, event handlers, javascript: links) is dropped.
"""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
# No javascript:, data: or vbscript: URLs: a link or an image can only point somewhere real.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Script and style are removed with their content, not unwrapped into visible text.
REMOVED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})

MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    # The same story is rendered on every page view: the result depends only on the text, so a
    # small per-process cache keyed by the text itself can never serve stale HTML.
    html = markdown_lib.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to insert into a page as is."""
    if not text:
        return mark_safe("")  # the empty string
    return mark_safe(_render(str(text)))  # sanitised by nh3 above


# A site-relative href or src in the sanitised HTML (nh3 always writes attributes double-quoted);
# "//host" is not site-relative and is left alone.
_SITE_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def render_markdown_absolute(text: str | None, *, base_url: str) -> SafeString:
    """
    render_markdown, with every site-relative link and picture made absolute from `base_url`:
    for feeds and emails, which are read away from the site (an RSS reader resolves nothing).
    """
    html = str(render_markdown(text))
    base = base_url.rstrip("/")
    return mark_safe(_SITE_RELATIVE.sub(lambda match: f"{match.group(1)}{base}/", html))  # only hrefs change
