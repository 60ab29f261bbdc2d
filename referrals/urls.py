from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("referrals/", views.referral_list, name="list"),
    path("cases/<int:case_pk>/referrals/new/", views.referral_new, name="new"),
    path(
        "cases/<int:case_pk>/referrals/new/agency-fields/",
        views.referral_agency_fields,
        name="agency_fields",
    ),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/evidence/", views.referral_evidence, name="evidence"),
    path("referrals/<int:pk>/nik/", views.referral_reveal_nik, name="reveal_nik"),
    path("referrals/<int:pk>/send/", views.referral_send, name="send"),
    path("referrals/<int:pk>/move/", views.referral_move, name="move"),
    path("referrals/<int:pk>/confirm/", views.referral_confirm, name="confirm"),
    path("referrals/<int:pk>/plan-item/", views.referral_plan_item, name="plan_item"),
]
