from django.urls import path

from . import outcome_views, views

app_name = "cases"
urlpatterns = [
    path("programs/", views.program_list, name="programs"),
    path("programs/new/", views.program_new, name="program_new"),
    path("programs/<int:pk>/", views.program_detail, name="program"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/enrol/", views.program_enrol, name="program_enrol"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/move/", views.case_move, name="case_move"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("cases/<int:pk>/screenings/physical/", views.screening_physical, name="physical"),
    path(
        "cases/<int:pk>/screenings/<slug:code>/",
        views.screening_questionnaire,
        name="questionnaire",
    ),
    path("cases/<int:pk>/plan/new/", views.plan_item_new, name="plan_item_new"),
    path("cases/<int:pk>/plan/<int:item_pk>/", views.plan_item_edit, name="plan_item"),
    path("cases/<int:pk>/notes/", views.note_add, name="note_add"),
    path("cases/<int:pk>/intake-date/", views.intake_date_correct, name="intake_date"),
    path(
        "cases/<int:pk>/follow-ups/<int:month>/",
        views.follow_up_record,
        name="follow_up_record",
    ),
    path(
        "cases/<int:pk>/outcomes/<slug:occasion>/new/",
        outcome_views.outcome_new,
        name="outcome_new",
    ),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
]
