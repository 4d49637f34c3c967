"""
The site's URLs, plus uploads (/media/, which production serves from storage or a CDN) and the
standalone error pages, which Django renders without a URL of their own (400.html, 500.html).
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, re_path
from django.views.static import serve

from config.urls import urlpatterns as site_urlpatterns


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def error_page(request, status):
    # As Django's handlers do: the template rendered without the request.
    return HttpResponse(render_to_string(f"{status}.html"), status=status)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("test-errors/<int:status>/", error_page),
    *site_urlpatterns,
]
