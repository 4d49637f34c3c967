from django.urls import path

from destination import views

app_name = "destination"

urlpatterns = [
    path("destination-care/", views.destination_page, name="page"),
    path("destination-care/inquiry/", views.care_request_submit, {"kind": "inquiry"}, name="inquiry"),
    path("destination-care/referral/", views.care_request_submit, {"kind": "referral"}, name="referral"),
    path("destination-care/thanks/", views.care_request_thanks, name="thanks"),
    path("destination-care/stories/<slug:slug>/", views.story_detail, name="story"),
]
