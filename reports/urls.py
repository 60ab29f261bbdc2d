from django.urls import path

from . import retention_views, rights_pdf, views

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
    path("participants/<int:pk>/consent-form.pdf", views.consent_form, name="consent_form"),
    path("programs/<int:pk>/report/", views.program_pdf, name="program"),
    path("programs/<int:pk>/outcomes/", views.program_outcomes, name="program_outcomes"),
    path("programs/<int:pk>/outcomes.pdf", views.program_outcomes_pdf, name="program_outcomes_pdf"),
    path("jobs/<int:pk>/", views.report_job, name="job"),
    path("jobs/<int:pk>/download/", views.report_job_download, name="job_download"),
    path("referrals/<int:pk>/letter.pdf", views.referral_letter, name="referral_letter"),
    path("retention/", retention_views.retention_list, name="retention"),
    path(
        "retention/participants/<int:pk>/anonymise/",
        retention_views.anonymise_propose,
        name="anonymise_propose",
    ),
    path(
        "retention/participants/<int:pk>/anonymise/confirm/",
        retention_views.anonymise_confirm,
        name="anonymise_confirm",
    ),
    path(
        "retention/participants/<int:pk>/anonymise/cancel/",
        retention_views.anonymise_cancel,
        name="anonymise_cancel",
    ),
    path("requests/<int:pk>/access.pdf", rights_pdf.data_request_pdf, name="data_request_pdf"),
]
