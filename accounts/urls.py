from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import forms, two_factor_views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=forms.LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The one-time code after the password, its setup, and turning it off.
    path("login/code/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/off/", two_factor_views.turn_off, name="two_factor_off"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    # Password reset and the user's own profile.
    path("", include("accounts.urls_self")),
    # The people of an office and their invitations.
    path("", include("accounts.urls_people")),
    # Offices and agencies, for administrators.
    path("", include("accounts.urls_organisations")),
]
