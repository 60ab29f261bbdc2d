from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("participants/<int:pk>.pdf", views.participant_report, name="participant"),
    path("referrals/<int:pk>/letter.pdf", views.referral_letter, name="referral_letter"),
]
