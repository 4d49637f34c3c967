from django.urls import path

from . import views

app_name = "recognition"

urlpatterns = [
    path("campaigns/<slug:slug>/naming/", views.naming_plan, name="plan"),
    path("campaigns/<slug:slug>/naming/<int:pk>/ask/", views.naming_inquiry, name="inquiry"),
]
