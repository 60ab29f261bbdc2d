"""The audit pages (/audit/): the access log and the change history."""

from django.urls import path

from . import audit

app_name = "audit"
urlpatterns = [
    path("", audit.audit_log, name="log"),
    path("export.csv", audit.audit_export, name="export"),
    path("participants/<int:pk>/", audit.participant_history, name="participant"),
    path("cases/<int:pk>/", audit.case_history, name="case"),
    path("referrals/<int:pk>/", audit.referral_history, name="referral"),
]
