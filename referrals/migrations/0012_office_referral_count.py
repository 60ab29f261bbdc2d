"""The office's referral counts move to the referrals app, whose lists read them.

The table, its triggers and its rows stay as reports' 0006_office_counters made them
(the model keeps the table's name): only Django's record of which app holds the model
changes, here and in reports' 0007_office_referral_count_moved.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_submission"),
        ("referrals", "0011_list_indexes"),
        ("reports", "0006_office_counters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OfficeReferralCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                        "db_table": "reports_officereferralcount",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("office", "agency", "status", "sent", "accepted"),
                                name="office_referral_count_key",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
