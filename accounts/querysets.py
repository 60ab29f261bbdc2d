"""The one shape of row visibility for everything that belongs to an office."""

from django.db import models

from . import access


class OfficeScopedQuerySet(models.QuerySet):
    """Rows that belong to an office.

    `visible_to(user)`: every row for the administrator, the rows of the user's own
    office for the roles in `readers`, nothing for anyone else. `countable_by(user)`
    adds what a count-only role (the auditor) may count without opening a row.
    Subclasses name the lookup from a row to its office and the roles that read.
    """

    office_lookup = "office"
    readers: frozenset = frozenset()

    def visible_to(self, user):
        if access.sees_every_office(user):
            return self
        if access.has_role(user, self.readers):
            return self.of_office(user.office_id)
        return self.none()

    def countable_by(self, user):
        """What this user may count in aggregate figures (never a list of people)."""
        if access.counts_only(user):
            return self.of_office(user.office_id)
        return self.visible_to(user)

    def of_office(self, office_id):
        return self.filter(**{f"{self.office_lookup}_id": office_id})
