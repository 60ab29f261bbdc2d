"""`flush` (the test suite's way to empty every table) as the owner role.

The app role may not empty tables: TRUNCATE is granted to no one but the owner.
"""

from django.core.management.commands import flush

from config.database_roles import connected_as_owner


class Command(flush.Command):
    def handle(self, **options):
        with connected_as_owner(options["database"]):
            return super().handle(**options)
