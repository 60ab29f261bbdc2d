from django.urls import path

from . import duplicate_views, import_views, views

app_name = "participants"
urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_new, name="new"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/edit/", views.participant_edit, name="edit"),
    path("<int:pk>/nik/", views.participant_reveal_nik, name="reveal_nik"),
    path("<int:pk>/archive/", views.participant_archive, name="archive"),
    path("<int:pk>/restore/", views.participant_restore, name="restore"),
    path("<int:pk>/transfer/", views.participant_transfer, name="transfer"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("duplicates/", duplicate_views.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/", duplicate_views.duplicate_compare, name="duplicate_compare"),
    path(
        "duplicates/<int:pk>/different/",
        duplicate_views.duplicate_different,
        name="duplicate_different",
    ),
    path("merges/<int:pk>/undo/", duplicate_views.merge_undo, name="merge_undo"),
    path("<int:pk>/household/new/", views.household_new, name="household_new"),
    path("<int:pk>/household/<int:member_pk>/", views.household_edit, name="household_edit"),
    path("<int:pk>/episodes/new/", views.episode_new, name="episode_new"),
    path("<int:pk>/episodes/<int:episode_pk>/", views.episode_edit, name="episode_edit"),
    path("<int:pk>/consents/new/", views.consent_new, name="consent_new"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("import/", import_views.import_start, name="import"),
    path("import/template/", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path(
        "import/<int:pk>/problems.<str:fmt>",
        import_views.import_problems,
        name="import_problems",
    ),
]
