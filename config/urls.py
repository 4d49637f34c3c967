from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Django's set_language (django.conf.urls.i18n), without a CSRF token: see config.views.
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Passkey (WebAuthn) sign-in and registration endpoints for staff (staffauth.passkeys).
    path("admin/passkey/", include("staffauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("donors.urls")),  # before donations: /donate/manage/ is the door to the donor's pages
    path("", include("donations.urls")),
    path("", include("destination.urls")),
    path("", include("fundraisers.urls")),
    path("", include("recognition.urls")),
    path("", include("pages.urls")),
    path("", include("campaign.urls")),
]

if settings.BENCHMARK_VIEWS:
    # A constant response through the same middleware: the benchmark's yardstick (scripts/bench_http.py).
    urlpatterns.insert(0, path("bare/", views.bare, name="bare"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
