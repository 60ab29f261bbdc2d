"""Password reset, the user's own profile, and the development mailbox."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import forms, views

urlpatterns = [
    # Reached without logging in: the person has forgotten their password.
    path(
        "password_reset/",
        login_not_required(
            auth_views.PasswordResetView.as_view(
                form_class=forms.ResetRequestForm,
                template_name="accounts/password_reset_form.html",
                subject_template_name="accounts/password_reset_subject.txt",
                email_template_name="accounts/password_reset_email.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        login_not_required(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html"
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        login_not_required(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("mail/", views.mailbox_list, name="mailbox"),
    path("mail/<str:file>/<int:number>/", views.mailbox_message, name="mailbox_message"),
]
