from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("exports/", views.export_list, name="exports"),
    path(
        "exports/participants-by-district.<str:fmt>",
        views.export_by_district,
        name="export_by_district",
    ),
    path("exports/participants.<str:fmt>", views.export_participants, name="export_participants"),
    path("participants/<int:pk>.pdf", views.participant_report, name="participant"),
    path("referrals/<int:pk>/letter.pdf", views.referral_letter, name="referral_letter"),
]
