"""The office counters, and the statement triggers that keep them exact.

Each counter holds a count of joined rows: a referral with its case's program (its
office), a case with its program, a participant's problem with the participant (only
while neither archived nor merged). When a statement changes rows of one table, such a
count changes by what those rows contribute after it less what they contributed before.
So each table's triggers run its changed rows through the same joins, the new rows
(new_rows) as +1 and the old ones (old_rows) as -1, and add the sums to the counters
with INSERT ... ON CONFLICT in the statement's own transaction. An update that leaves
every key column of a row as it was changes nothing and is skipped. Counts that fall to
zero keep their row. The functions run with the rights of whoever writes (the app
role), which reads the joined tables and writes the counters (grant_app_role).

cases_program has no trigger: a program's office is set when it is made and no form or
service changes it, and a program is always written before its cases. A case's program
and opening time never change in the app either, so the referral trigger does not lock
the case; the case trigger still counts such an update exactly when one is made.
"""

# ruff: noqa: S608 (the SQL is made of the constants above, never of input)

import django.db.models.deletion
from django.db import migrations, models

# settings.TIME_ZONE: a case counts in the month of its opening in the site's time zone.
TIME_ZONE = "Asia/Jakarta"

COUNTERS = {
    "referrals": ("reports_officereferralcount", "office_id, agency_id, status, sent, accepted"),
    "months": ("reports_officemonthcount", "office_id, month"),
    "problems": ("reports_officeproblemcount", "office_id, problem_id"),
}

REFERRAL_KEYS = (
    "r.agency_id, r.status, r.sent_at IS NOT NULL AS sent, r.accepted_at IS NOT NULL AS accepted"
)
ACTIVE = "p.archived_at IS NULL AND p.merged_into_id IS NULL"

# Per table: the columns whose change moves a row to another count ({t} is the row);
# the counters it feeds, each with the keys its rows ({rows}) contribute; and the table
# whose rows it must lock first, by which column.
SOURCES = {
    "referrals_referral": {
        "keys": "{t}.case_id, {t}.agency_id, {t}.status,"
        " {t}.sent_at IS NULL, {t}.accepted_at IS NULL",
        "counts": {
            "referrals": f"SELECT p.office_id, {REFERRAL_KEYS} FROM {{rows}} r"
            " JOIN cases_case c ON c.id = r.case_id JOIN cases_program p ON p.id = c.program_id",
        },
    },
    "cases_case": {
        "keys": "{t}.program_id, {t}.opened_at",
        "counts": {
            "months": "SELECT p.office_id,"
            f" date_trunc('month', c.opened_at AT TIME ZONE '{TIME_ZONE}')::date AS month"
            " FROM {rows} c JOIN cases_program p ON p.id = c.program_id",
            "referrals": f"SELECT p.office_id, {REFERRAL_KEYS} FROM {{rows}} c"
            " JOIN cases_program p ON p.id = c.program_id"
            " JOIN referrals_referral r ON r.case_id = c.id",
        },
    },
    "participants_participant": {
        "keys": "{t}.office_id, {t}.archived_at IS NULL, {t}.merged_into_id IS NULL",
        "counts": {
            "problems": "SELECT p.office_id, pp.problem_id FROM {rows} p"
            " JOIN participants_participantproblem pp ON pp.participant_id = p.id"
            f" WHERE {ACTIVE}",
        },
    },
    "participants_participantproblem": {
        "keys": "{t}.participant_id, {t}.problem_id",
        "counts": {
            "problems": "SELECT p.office_id, pp.problem_id FROM {rows} pp"
            " JOIN participants_participant p ON p.id = pp.participant_id"
            f" WHERE {ACTIVE}",
        },
        # A participant archived, merged or transferred while another transaction adds or
        # removes one of their problems: the problem's trigger waits for that change to
        # commit (FOR SHARE), then counts the participant as it is now. Without the lock
        # each would count the other's row as it was and the count would drift.
        "lock": ("participants_participant", "participant_id"),
    },
}

# What each operation adds (+1) and removes (-1); an update only the rows whose keys changed.
CHANGED_ROWS = {
    "INSERT": [("new_rows", 1)],
    "UPDATE": [("added", 1), ("removed", -1)],
    "DELETE": [("old_rows", -1)],
}


def _changed(source):
    old, new = source["keys"].format(t="o"), source["keys"].format(t="n")
    return (
        "WITH changed AS (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id"
        f" WHERE ({old}) IS DISTINCT FROM ({new})),"
        " added AS (SELECT * FROM new_rows WHERE id IN (SELECT id FROM changed)),"
        " removed AS (SELECT * FROM old_rows WHERE id IN (SELECT id FROM changed))"
    )


def _apply(source, operation, counter, contribution, counters=COUNTERS):
    table, keys = counters[counter]
    delta = " UNION ALL ".join(
        f"SELECT {keys}, {sign} AS n FROM ({contribution.format(rows=rows)}) AS part"
        for rows, sign in CHANGED_ROWS[operation]
    )
    # Summed per key (a counter row may be hit once per statement) and applied in key
    # order, so that two transactions take the counter rows' locks in the same order.
    return f"""
        {_changed(source) if operation == "UPDATE" else ""}
        INSERT INTO {table} AS counter ({keys}, count)
        SELECT {keys}, sum(n) FROM ({delta}) AS delta
        GROUP BY {keys} HAVING sum(n) <> 0 ORDER BY {keys}
        ON CONFLICT ({keys}) DO UPDATE SET count = counter.count + EXCLUDED.count;"""


def _lock(source, operation):
    if "lock" not in source:
        return ""
    table, column = source["lock"]
    rows = " UNION ALL ".join(
        f"SELECT {column} FROM {name}"
        for name in {"INSERT": ["new_rows"], "DELETE": ["old_rows"]}.get(
            operation, ["new_rows", "old_rows"]
        )
    )
    return f"""
        PERFORM FROM {table} WHERE id IN ({rows}) ORDER BY id FOR SHARE;"""


def _function(table, source, counters=COUNTERS):
    branches = []
    for operation in CHANGED_ROWS:
        body = _lock(source, operation) + "".join(
            _apply(source, operation, counter, contribution, counters)
            for counter, contribution in source["counts"].items()
        )
        branches.append(f"TG_OP = '{operation}' THEN{body}")
    return f"""
CREATE FUNCTION reports_count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {" ELSIF ".join(branches)}
    END IF;
    RETURN NULL;
END
$$;"""


REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def _triggers(table):
    # A trigger with transition tables serves one operation and may name no columns.
    return "".join(
        f"""
CREATE TRIGGER reports_count_{operation.lower()} AFTER {operation} ON {table}
    REFERENCING {referencing}
    FOR EACH STATEMENT EXECUTE FUNCTION reports_count_{table}();"""
        for operation, referencing in REFERENCING.items()
    )


# The counts of the rows there already, from the table that holds what is counted.
BACKFILLED_FROM = {
    "referrals": "referrals_referral",
    "months": "cases_case",
    "problems": "participants_participantproblem",
}


def _backfill(counter, counters=COUNTERS, sources=SOURCES, backfilled_from=BACKFILLED_FROM):
    table, keys = counters[counter]
    source = backfilled_from[counter]
    contribution = sources[source]["counts"][counter].format(rows=source)
    return f"""
INSERT INTO {table} ({keys}, count)
SELECT {keys}, count(*) FROM ({contribution}) AS existing GROUP BY {keys};"""


# The triggers first: from then on they hold every other writer back until this
# migration commits, so the counts made after them miss no row and count none twice.
FORWARD = [
    *(_function(table, source) + _triggers(table) for table, source in SOURCES.items()),
    *(_backfill(counter) for counter in COUNTERS),
]
BACKWARD = [
    *(
        f"DROP TRIGGER reports_count_{operation.lower()} ON {table};"
        for table in SOURCES
        for operation in REFERENCING
    ),
    *(f"DROP FUNCTION reports_count_{table}();" for table in SOURCES),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_submission"),
        ("participants", "0011_import_job_problem_rows"),
        ("cases", "0006_field_labels"),
        ("referrals", "0008_referral_created_at_label"),
        ("reports", "0005_report_job_participant_export"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeMonthCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
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
                        fields=("office", "month"), name="office_month_count_key"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="OfficeProblemCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("count", models.IntegerField(default=0)),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.office",
                    ),
                ),
                (
                    "problem",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="office_counts",
                        to="participants.problem",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("office", "problem"), name="office_problem_count_key"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="OfficeReferralCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=15)),
                ("sent", models.BooleanField()),
                ("accepted", models.BooleanField()),
                ("count", models.IntegerField(default=0)),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.agency",
                    ),
                ),
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
                        fields=("office", "agency", "status", "sent", "accepted"),
                        name="office_referral_count_key",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
