from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/new/", views.request_new, name="new"),
    path("participants/<int:participant_pk>/requests/new/", views.request_new_for, name="new_for"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/review/", views.request_review, name="review"),
    path("requests/<int:pk>/answer/", views.request_answer, name="answer"),
]
