from django.urls import path

from . import views

app_name = "donors"

urlpatterns = [
    path("donate/manage/", views.door, name="door"),
    path("donate/manage/access/", views.open_link, name="open"),
    path("donate/manage/you/", views.home, name="home"),
    path("donate/manage/you/preferences/", views.preferences, name="preferences"),
    path("donate/manage/you/sign-out/", views.sign_out, name="sign_out"),
    path("donate/manage/you/gifts/<int:gift_id>/receipt/", views.receipt, name="receipt"),
    path("donate/manage/you/gifts/<int:gift_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("donate/manage/you/statements/<int:year>/", views.statement, name="statement"),
    path("donate/manage/you/statements/<int:year>.pdf", views.statement_pdf, name="statement_pdf"),
    path("donate/manage/you/plans/<int:plan_id>/", views.plan_open, name="plan_open"),
    path("donate/tribute-card/<int:gift_id>/", views.card_new, name="card_new"),
    path("tributes/cards/<str:key>/", views.card, name="card"),
    path("tributes/<str:key>/", views.honoree, name="honoree"),
]
