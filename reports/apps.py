from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        import datetime

        from accounts import navigation, schedule
        from participants.signals import participants_merged

        from . import access, digest, panels, receivers, tasks, worklist

        panels.register()
        participants_merged.connect(
            receivers.keep_anonymisations_apart_from_merges,
            dispatch_uid="reports.keep_anonymisations_apart_from_merges",
        )
        navigation.add(_("Tasks"), "tasks", visible_to=worklist.has_work_list, order=5)
        navigation.add(
            _("Reports"), "reports:exports", visible_to=access.can_export_aggregates, order=40
        )
        navigation.add(_("Audit"), "audit:log", visible_to=access.can_read_audit, order=45)
        navigation.add(
            _("Retention"), "reports:retention", visible_to=access.can_anonymise, order=46
        )
        schedule.daily("digest", at=datetime.time(6, 0), task=digest.send_daily_digests)
        schedule.hourly("discard_report_files", task=tasks.discard_report_files)
