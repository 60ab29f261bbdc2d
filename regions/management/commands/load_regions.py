import csv
import gzip
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from config.database_roles import analyze
from regions.models import Region

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# (file, level, column holding the parent code), top level first.
SOURCES = [
    ("provinces.csv.gz", Region.Level.PROVINCE, None),
    ("regencies.csv.gz", Region.Level.REGENCY, "province_code"),
    ("districts.csv.gz", Region.Level.DISTRICT, "regency_code"),
    ("villages.csv.gz", Region.Level.VILLAGE, "district_code"),
]


def read_shipped_regions(data_dir: Path = DATA_DIR) -> dict[str, tuple[str, int, str | None]]:
    """code -> (name, level, parent code) for every region in the shipped files."""
    regions = {}
    for filename, level, parent_column in SOURCES:
        with gzip.open(data_dir / filename, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                parent = row[parent_column] if parent_column else None
                regions[row["code"]] = (row["name"].strip(), int(level), parent)
    return regions


class Command(BaseCommand):
    help = "Load the Kemendagri provinces, regencies, districts and villages (idempotent)."

    def handle(self, *args, **options):
        shipped = read_shipped_regions()
        existing = {
            code: (name, level, parent)
            for code, name, level, parent in Region.objects.values_list(
                "code", "name", "level", "parent_id"
            )
        }
        changed = [
            Region(code=code, name=name, level=level, parent_id=parent)
            for code, (name, level, parent) in shipped.items()
            if existing.get(code) != (name, level, parent)
        ]
        with transaction.atomic():
            # Parent before child is kept by SOURCES' order; the foreign key is
            # checked at commit anyway.
            Region.objects.bulk_create(
                changed,
                batch_size=5000,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent"],
            )
        if changed:
            # 90,000 rows at once: the planner's statistics now, not when autovacuum
            # gets to them (a participant search joins villages).
            analyze(Region)
        counts = {
            label: sum(1 for region in shipped.values() if region[1] == value)
            for value, label in Region.Level.choices
        }
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        unknown = len(existing.keys() - shipped.keys())
        self.stdout.write(
            f"Regions: {summary}; {len(changed)} added or updated, "
            f"{len(shipped) - len(changed)} unchanged"
            + (f", {unknown} in the database but not in the shipped data (kept)" if unknown else "")
        )
