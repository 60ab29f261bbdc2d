"""Offices and agencies, set up by administrators."""

from django.urls import path

from . import organisations

urlpatterns = [
    path("agencies/", organisations.agency_list, name="agencies"),
    path("agencies/new/", organisations.agency_new, name="agency_new"),
    path("agencies/<int:pk>/", organisations.agency_edit, name="agency_edit"),
    path("offices/new/", organisations.office_new, name="office_new"),
    path("offices/<int:pk>/", organisations.office_edit, name="office_edit"),
]
