from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("donate/", views.gift_form, name="gift_form"),
    path("donate/thanks/", views.gift_thanks, name="thanks"),
    path("donate/cancelled/", views.gift_cancelled, name="cancelled"),
    path("donate/manage/open/", views.plan_manage_open, name="manage_open"),
    path("donate/manage/plan/", views.plan_manage_plan, name="manage_plan"),
    path("donate/demo-checkout/<str:session_id>/", views.demo_checkout, name="demo_checkout"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
