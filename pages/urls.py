from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("privacy/", views.site_page, {"kind": "privacy"}, name="privacy"),
    path("privacy/destination-care/", views.site_page, {"kind": "privacy-families"}, name="privacy_families"),
    path("terms/", views.site_page, {"kind": "terms"}, name="terms"),
    path("contact/", views.site_page, {"kind": "contact"}, name="contact"),
]
