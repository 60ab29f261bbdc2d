"""The people of an office (/accounts/users/) and invitations."""

from django.urls import path

from . import people

urlpatterns = [
    path("users/", people.user_list, name="users"),
    path("users/new/", people.user_new, name="user_new"),
    path("users/<int:pk>/", people.user_detail, name="user"),
    path("users/<int:pk>/edit/", people.user_edit, name="user_edit"),
    path("users/<int:pk>/invite/", people.user_invite_again, name="user_invite"),
    path("users/<int:pk>/deactivate/", people.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", people.user_reactivate, name="user_reactivate"),
    path("invitation/<uidb64>/<token>/", people.invitation, name="invitation"),
]
