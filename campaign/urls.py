from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .feeds import UpdatesAtomFeed, UpdatesRssFeed
from .sitemaps import SITEMAPS

app_name = "campaign"

urlpatterns = [
    path("", views.campaign_home, name="home"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="detail"),
    path("campaigns/<slug:slug>/embed/", views.campaign_embed, name="embed"),
    path("campaigns/<slug:slug>/progress.json", views.campaign_progress_json, name="progress_json"),
    path("updates/", views.update_list, name="update_list"),
    path("updates/feed/", UpdatesAtomFeed(), name="update_feed"),
    path("updates/rss/", UpdatesRssFeed(), name="update_rss"),
    path("updates/<slug:slug>/", views.update_detail, name="update_detail"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
