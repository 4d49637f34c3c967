from django.urls import path

from . import views

app_name = "fundraisers"

urlpatterns = [
    path("fundraisers/start/", views.fundraiser_start, name="start"),
    path("fundraisers/manage/", views.fundraiser_manage_open, name="manage_open"),
    path("fundraisers/manage/page/", views.fundraiser_manage, name="manage"),
    path("fundraisers/manage/edit/", views.fundraiser_manage_edit, name="manage_edit"),
    path("fundraisers/new/", views.fundraiser_signup_open, name="signup_open"),
    path("fundraisers/new/page/", views.fundraiser_create, name="create"),
    # Links emailed before the token moved to the fragment: they still work for their day.
    path("fundraisers/new/<str:token>/", views.fundraiser_signup_legacy, name="signup_legacy"),
    path("fundraisers/<slug:slug>/", views.fundraiser_detail, name="fundraiser_detail"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
]
