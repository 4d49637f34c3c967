from django.urls import path

from . import views

app_name = "fundraisers"

urlpatterns = [
    path("fundraisers/<slug:slug>/", views.fundraiser_detail, name="fundraiser_detail"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
]
