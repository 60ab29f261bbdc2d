from django.contrib.admin.apps import AdminConfig


class PurnaAdminConfig(AdminConfig):
    default_site = "config.admin.PurnaAdminSite"
