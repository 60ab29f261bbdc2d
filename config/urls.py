from django.contrib import admin
from django.urls import include, path

from accounts import notification_views
from config import views
from reports import views as reports_views

urlpatterns = [
    path("", reports_views.dashboard, name="home"),
    path("tasks/", reports_views.tasks, name="tasks"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("accounts/", include("accounts.urls")),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("regions/", include("regions.urls")),
    path("participants/", include("participants.urls")),
    path("", include("cases.urls")),
    path("", include("referrals.urls")),
    path("", include("rights.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("reports.audit_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
