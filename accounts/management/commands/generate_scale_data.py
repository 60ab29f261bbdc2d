from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from accounts.models import Office
from config.bulk_load import history_in_bulk
from config.database_roles import connected_as_owner


class Command(BaseCommand):
    help = (
        "Add fictional records at benchmark scale to the demo office: each app's "
        "scale.generate() in dependency order, in one transaction as the tables' owner, "
        "the history written set-wise (config/bulk_load.py). For benchmark databases only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, participants, seed, **options):
        if participants < 1:
            raise CommandError("--participants must be at least 1.")
        if not Office.objects.exists():
            # A benchmark database runs with production settings: the demo office is its base.
            call_command("seed_demo", allow_production=True, stdout=self.stdout)
        with connected_as_owner(), transaction.atomic(), history_in_bulk():
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "scale"):
                    module = import_module(f"{app_config.name}.scale")
                    module.generate(participants=participants, out=self.stdout, seed=seed)
        # What autovacuum would do later: the visibility map lets counts read their indexes
        # alone, and the statistics tell the planner how many rows there are.
        with connected_as_owner() as connection, connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
