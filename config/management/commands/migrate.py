"""`migrate` as the owner role, then the app role's grants on what it made."""

from django.core.management.commands import migrate

from config.database_roles import connected_as_owner, grant_app_role


class Command(migrate.Command):
    def handle(self, *args, **options):
        with connected_as_owner(options["database"]) as connection:
            super().handle(*args, **options)
            if not (options["plan"] or options["check_unapplied"]):
                with connection.cursor() as cursor:
                    grant_app_role(cursor, connection.settings_dict["USER"])
