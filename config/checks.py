"""System checks of the deployment's own settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def app_role_is_not_the_owner(app_configs=None, **kwargs):
    """With one database role for the app and the schema, the app could wipe the access log."""
    owner = settings.DATABASE_OWNER
    if owner and owner["USER"] != settings.DATABASE_APP["USER"]:
        return []
    return [
        Warning(
            "The app logs in to the database as the role that owns the tables: it could "
            "empty or rewrite the access log and the history.",
            hint="Create an owner and an app role (README, 'Database roles') and set "
            "DATABASE_OWNER_URL to the owner's, DATABASE_URL to the app's.",
            id="purna.W001",
        )
    ]
