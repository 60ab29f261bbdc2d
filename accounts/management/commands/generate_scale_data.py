from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from accounts.models import Office


class Command(BaseCommand):
    help = (
        "Add fictional records at benchmark scale to the demo office: each app's "
        "scale.generate() in dependency order. For benchmark databases only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, participants, seed, **options):
        if participants < 1:
            raise CommandError("--participants must be at least 1.")
        if not Office.objects.exists():
            call_command("seed_demo", stdout=self.stdout)
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "scale"):
                module = import_module(f"{app_config.name}.scale")
                module.generate(participants=participants, out=self.stdout, seed=seed)
