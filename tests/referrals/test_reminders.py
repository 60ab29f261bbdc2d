import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from referrals.models import Referral


def remind():
    out = io.StringIO()
    call_command("send_referral_reminders", stdout=out)
    return out.getvalue()


def test_overdue_referrals_are_reminded_to_the_agency_and_the_case_worker(
    sent, dinsos_officer, case_worker_a, mailoutbox
):
    dinsos_officer.email = "dinsos@tangerangkab.go.id"
    dinsos_officer.save(update_fields=["email"])
    case_worker_a.email = "petugas@bp3mi.go.id"
    case_worker_a.save(update_fields=["email"])
    Referral.objects.filter(pk=sent.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))

    output = remind()

    assert "1 overdue" in output
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["dinsos@tangerangkab.go.id", "petugas@bp3mi.go.id"]
    body = mailoutbox[0].body
    assert sent.number in body
    assert sent.case.participant.full_name not in body
    assert sent.reason not in body


def test_nothing_is_sent_when_nothing_is_overdue(sent, dinsos_officer, mailoutbox):
    dinsos_officer.email = "dinsos@tangerangkab.go.id"
    dinsos_officer.save(update_fields=["email"])

    output = remind()

    assert "0 overdue" in output
    assert mailoutbox == []
