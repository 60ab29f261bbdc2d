"""The office's cases by status, kept exact like the other office counters (0006).

The cases' trigger function gains a fourth count: each case with its program's office
and its status. Its change keys gain the status, so that an update moving a case along
is counted (for the other counts such an update adds and removes the same keys, which
sum to nothing and are skipped). The cases table is locked against writers before the
rows already there are counted, so that none is missed or counted twice.
"""

# ruff: noqa: S608 (the SQL is made of 0006's constants and these, never of input)

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

counters = import_module("reports.migrations.0006_office_counters")

COUNTERS = {
    **counters.COUNTERS,
    "statuses": ("reports_officecasestatuscount", "office_id, status"),
}
CASES = {
    "keys": counters.SOURCES["cases_case"]["keys"] + ", {t}.status",
    "counts": {
        **counters.SOURCES["cases_case"]["counts"],
        "statuses": "SELECT p.office_id, c.status FROM {rows} c"
        " JOIN cases_program p ON p.id = c.program_id",
    },
}


def _replace(function_sql):
    return function_sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


FORWARD = [
    _replace(counters._function("cases_case", CASES, COUNTERS)),
    "LOCK TABLE cases_case IN SHARE ROW EXCLUSIVE MODE;",
    counters._backfill("statuses", COUNTERS, {"cases_case": CASES}, {"statuses": "cases_case"}),
]
BACKWARD = [_replace(counters._function("cases_case", counters.SOURCES["cases_case"]))]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_submission"),
        ("reports", "0007_office_referral_count_moved"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeCaseStatusCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=20)),
                ("count", models.IntegerField(default=0)),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.office",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("office", "status"), name="office_case_status_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
