from django.core.management.base import BaseCommand, CommandError

from accounts import permissions_table


class Command(BaseCommand):
    help = (
        "Print the role x action table of docs/permissions.md from every app's access "
        "module; --write saves it, --check fails if the file is out of date."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="Write docs/permissions.md.")
        group.add_argument(
            "--check", action="store_true", help="Fail if docs/permissions.md is out of date."
        )

    def handle(self, *args, write=False, check=False, **options):
        table = permissions_table.render()
        path = permissions_table.PATH
        if write:
            path.parent.mkdir(exist_ok=True)
            path.write_text(table, encoding="utf-8")
            self.stdout.write(f"Wrote {path}")
        elif check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != table:
                raise CommandError(
                    f"{path} is out of date: run python manage.py permissions_table --write"
                )
        else:
            self.stdout.write(table, ending="")
