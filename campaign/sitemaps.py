"""/sitemap.xml: published campaigns, their naming pages and updates, and the public pages, at SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .selectors import campaign_published, update_list_published


class SiteUrlSitemap(Sitemap):
    """Absolute URLs from SITE_URL rather than from the request's Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class CampaignSitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return campaign_published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class UpdateSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        # Computed when the sitemap is requested, so scheduled updates appear once their time comes.
        return update_list_published().order_by("pk")

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


class NamingPlanSitemap(SiteUrlSitemap):
    """Each published campaign's naming page (/campaigns/<slug>/naming/), once it has spaces to name."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        # recognition's spaces by the reverse relation and its page by URL name: campaign imports no recognition.
        return campaign_published().filter(naming_opportunities__isnull=False).distinct().order_by("pk")

    def location(self, item):
        return reverse("recognition:plan", kwargs={"slug": item.slug})


class StaticPageSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.5
    # Public URLs from DESIGN's contract; the pages themselves belong to other apps.
    paths = ("/updates/", "/donate/", "/destination-care/")

    def items(self):
        return list(self.paths)

    def location(self, item):
        return item


SITEMAPS = {
    "campaigns": CampaignSitemap,
    "naming": NamingPlanSitemap,
    "updates": UpdateSitemap,
    "pages": StaticPageSitemap,
}
