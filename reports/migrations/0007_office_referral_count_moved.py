"""The office's referral counts now belong to the referrals app (its 0012): the table
stays, only Django's record of the model here goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_office_counters"),
        ("referrals", "0012_office_referral_count"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OfficeReferralCount")],
        ),
    ]
