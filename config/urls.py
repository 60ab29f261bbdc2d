from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from config import views

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("regions/", include("regions.urls")),
    path("participants/", include("participants.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
