"""Offices and agencies, set up by administrators."""

urlpatterns = []
