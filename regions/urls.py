from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [path("chain/", views.chain, name="chain")]
