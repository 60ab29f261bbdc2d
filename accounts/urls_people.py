"""The people of an office (/accounts/users/) and invitations."""

urlpatterns = []
