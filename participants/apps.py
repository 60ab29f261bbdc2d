from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        import datetime

        from accounts import navigation, schedule

        from . import access, duplicate_views, tasks
        from .pages import PARTICIPANT_PAGE

        schedule.daily("find_duplicates", at=datetime.time(1, 0), task=tasks.find_duplicates)

        navigation.add(
            _("Participants"),
            "participants:list",
            visible_to=access.can_open_participants,
            order=10,
        )
        navigation.add(
            _("Possible duplicates"),
            "participants:duplicates",
            visible_to=access.can_merge,
            order=15,
        )
        # Before "who has seen this record" (reports, 90): what this record absorbed.
        PARTICIPANT_PAGE.add(
            "participants/merge_panel.html", duplicate_views.merged_records_panel, order=80
        )
