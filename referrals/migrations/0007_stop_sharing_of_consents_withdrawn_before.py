"""Referrals sent before a consent was withdrawn, when withdrawals did not yet reach them.

The same rule as referrals.receivers.stopped_on, on the models as they stand here: the
latest consent naming the agency type's purpose decides; withdrawn (from that day) or
refused (from the day of the refusal) stops the sharing.
"""

from django.db import migrations


def purpose_of(agency_type):
    return None if agency_type == "other" else f"share_{agency_type}"


def stop_withdrawn_sharing(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Consent = apps.get_model("participants", "Consent")
    referrals = Referral.objects.filter(sent_at__isnull=False).select_related(
        "agency", "case"
    )
    for referral in referrals.iterator():
        purpose = purpose_of(referral.agency.type)
        if purpose is None:
            continue
        naming = list(
            Consent.objects.filter(
                participant_id=referral.case.participant_id, purposes__contains=[purpose]
            ).order_by("given_at", "recorded_at", "pk")
        )
        if not naming:
            continue
        latest = naming[-1]
        stopped = latest.withdrawn_at or (latest.given_at if latest.decision == "refused" else None)
        if stopped is not None:
            Referral.objects.filter(pk=referral.pk).update(sharing_stopped_on=stopped)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_shared_snapshot_and_stopped_sharing"),
        ("participants", "0010_retention_and_anonymisation"),
    ]

    operations = [migrations.RunPython(stop_withdrawn_sharing, migrations.RunPython.noop)]
