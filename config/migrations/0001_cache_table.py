"""The cache's table (settings.CACHES), as `manage.py createcachetable` makes it.

Made by a migration, so it is created as the owner role and the app role gets its
grants with every other table (config/database_roles.py).
"""

from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS "purna_cache" (
    "cache_key" varchar(255) NOT NULL PRIMARY KEY,
    "value" text NOT NULL,
    "expires" timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS "purna_cache_expires" ON "purna_cache" ("expires");
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [migrations.RunSQL(CREATE, reverse_sql='DROP TABLE IF EXISTS "purna_cache";')]
