"""The blog's feeds: Atom at /updates/feed/, RSS 2.0 at /updates/rss/ (absolute links from SITE_URL)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.markdown import render_markdown_absolute

from .selectors import update_list_published

FEED_ITEMS = 20


def absolute(path: str) -> str:
    """A site path made absolute from SITE_URL (a URL already absolute, say on a CDN, stays)."""
    if path.startswith(("https://", "http://")):
        return path
    return settings.SITE_URL + path


class UpdatesRssFeed(Feed):
    """
    In English, whatever the reader's Accept-Language or language cookie: a feed URL has one
    language (feed readers keep no cookies, and caches key on the URL), and the posts' Spanish
    versions are optional. The Spanish site links the same feeds.
    """

    feed_type = Rss201rev2Feed
    language = settings.LANGUAGE_CODE
    title = _("Campaign updates")
    description = _("News from the foundation's campaigns: construction, milestones and the children they serve.")

    def __call__(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            response = super().__call__(request, *args, **kwargs)
        response["Content-Language"] = settings.LANGUAGE_CODE
        return response

    def link(self):
        return absolute(reverse("campaign:update_list"))

    def feed_url(self):
        return absolute(reverse("campaign:update_rss"))

    def items(self):
        return update_list_published()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # The whole post, sanitised like the page: feed readers get the same safe HTML, with its
        # pictures and links absolute (a reader has no page to resolve "/media/…" against).
        return render_markdown_absolute(item.body, base_url=settings.SITE_URL)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item):
        return item.author_name or settings.ORG_NAME

    def item_categories(self, item):
        return [item.campaign.title]

    def item_enclosures(self, item):
        # The update's picture (its 960-pixel JPEG, not the camera original), at an absolute URL.
        jpeg = (item.image_renditions or {}).get("jpeg") or {}
        if not jpeg:
            return []
        name = jpeg.get("960") or jpeg[sorted(jpeg, key=int)[-1]]
        try:
            length = default_storage.size(name)
        except OSError:
            return []
        return [Enclosure(absolute(default_storage.url(name)), str(length), "image/jpeg")]


class AtomWithContent(Atom1Feed):
    """Atom 1.0 with each post's full HTML in <content type="html"> next to its <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class UpdatesAtomFeed(UpdatesRssFeed):
    feed_type = AtomWithContent
    subtitle = UpdatesRssFeed.description

    def feed_url(self):
        return absolute(reverse("campaign:update_feed"))

    def item_description(self, item):
        # Atom's <summary> is written with type="html"; the summary is plain text, so escape it
        # (a "<script>" typed in it is shown as those characters, never run by a feed reader).
        return escape(item.summary) if item.summary else None

    def item_extra_kwargs(self, item):
        return {"content": str(render_markdown_absolute(item.body, base_url=settings.SITE_URL))}
