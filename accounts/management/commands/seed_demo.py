from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from accounts.demo import USERS, demo_password
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Create the demo data (idempotent): each app's demo.seed() in dependency order. "
        "Refused in production unless --allow-production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DJANGO_DEBUG=false (demo users have a known password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo users with a known password in production "
                "(DJANGO_DEBUG=false). Use --allow-production for a training server."
            )
        if not Region.objects.filter(code="36.03").exists():
            call_command("load_regions", stdout=self.stdout)
        with transaction.atomic():
            # INSTALLED_APPS lists the apps in dependency order.
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").seed(self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {demo_password()})"))
        for username, (full_name, role, _agency) in USERS.items():
            self.stdout.write(f"  {username:<14} {role.label} - {full_name}")
