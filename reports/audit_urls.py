"""The audit pages (/audit/): the access log and the change history."""

app_name = "audit"
urlpatterns = []
