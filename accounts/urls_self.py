"""Password reset, the user's own profile, and the development mailbox."""

urlpatterns = []
