"""`flush` (the test suite's way to empty every table) as the owner role.

The app role may not empty tables: TRUNCATE is granted to no one but the owner. The
cache's table is no model's, so Django's flush leaves it; it is emptied here too, so
nothing computed from the removed rows is served afterwards.
"""

from django.core.cache import caches
from django.core.management.commands import flush

from config.database_roles import connected_as_owner


class Command(flush.Command):
    def handle(self, **options):
        with connected_as_owner(options["database"]):
            result = super().handle(**options)
            for cache in caches.all(initialized_only=False):
                cache.clear()
            return result
