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
    path(
        "exports/referrals-by-agency.<str:fmt>",
        views.export_referrals_by_agency,
        name="export_referrals_by_agency",
    ),
    path(
        "exports/participants-by-problem.<str:fmt>",
        views.export_by_problem,
        name="export_by_problem",
    ),
    path("exports/participants.<str:fmt>", views.export_participants, name="export_participants"),
    path("participants/<int:pk>.pdf", views.participant_report, name="participant"),
    path("programs/<int:pk>/report/", views.program_pdf, name="program"),
    path("programs/<int:pk>/outcomes/", views.program_outcomes, name="program_outcomes"),
    path("programs/<int:pk>/outcomes.pdf", views.program_outcomes_pdf, name="program_outcomes_pdf"),
    path("jobs/<int:pk>/", views.report_job, name="job"),
    path("jobs/<int:pk>/download/", views.report_job_download, name="job_download"),
    path("referrals/<int:pk>/letter.pdf", views.referral_letter, name="referral_letter"),
]
