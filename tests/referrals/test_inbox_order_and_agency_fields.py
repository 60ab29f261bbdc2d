"""The agency inbox opens with the referrals still owed, each naming who sent it and
how to reach them; the referral form follows the agency picked: its services only,
and the chronology only where the agency may receive it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from referrals import services
from referrals.models import Referral, ReferralStatus, Service, Urgency
from referrals.sharing import receives_chronology
from tests.factories import AgencyFactory

from .conftest import REASON

pytestmark = pytest.mark.django_db

CASE_WORKER_PHONE = "0812-3456-7890"
OFFICE_PHONE = "(0254) 123456"


def make_referral(case, agency, by, status, *, due_in=None, service="social_rehabilitation"):
    referral = services.create_referral(
        case=case,
        agency=agency,
        service=Service.objects.get(code=service),
        reason=REASON,
        urgency=Urgency.NORMAL,
        by=by,
    )
    if status == ReferralStatus.DRAFT:
        return referral
    sent_at = timezone.now() - datetime.timedelta(days=1)
    fields = {
        "status": status,
        "sent_at": sent_at,
        "due_at": timezone.now() + due_in if due_in is not None else sent_at,
        "consent": services.covering_consent(referral),
        "number": f"{referral.pk:05d}/RUJ/TEST",
    }
    if status == ReferralStatus.DECLINED:
        fields["decline_reason"] = "Di luar wilayah."
    if status == ReferralStatus.COMPLETED:
        fields["outcome"] = "Selesai."
    Referral.objects.filter(pk=referral.pk).update(**fields)
    referral.refresh_from_db()
    return referral


def listed_pks(response):
    return [referral.pk for referral in response.context["page"].object_list]


# --- The inbox --------------------------------------------------------------------------


def test_the_inbox_lists_what_is_still_owed_first_the_soonest_due_at_the_top(
    client, case_a, consent, dinsos, case_worker_a, dinsos_officer
):
    completed = make_referral(case_a, dinsos, case_worker_a, ReferralStatus.COMPLETED)
    later = make_referral(
        case_a, dinsos, case_worker_a, ReferralStatus.SENT, due_in=datetime.timedelta(days=10)
    )
    overdue = make_referral(
        case_a,
        dinsos,
        case_worker_a,
        ReferralStatus.IN_PROGRESS,
        due_in=-datetime.timedelta(hours=2),
    )
    soon = make_referral(
        case_a, dinsos, case_worker_a, ReferralStatus.ACCEPTED, due_in=datetime.timedelta(hours=20)
    )
    declined = make_referral(case_a, dinsos, case_worker_a, ReferralStatus.DECLINED)
    client.force_login(dinsos_officer)

    response = client.get(reverse("referrals:list"))

    assert listed_pks(response) == [overdue.pk, soon.pk, later.pk, declined.pk, completed.pk]
    html = response.content.decode()
    assert html.index(f'id="referral-{overdue.pk}"') < html.index(f'id="referral-{completed.pk}"')


def test_the_pages_of_the_inbox_cut_the_same_order_without_a_repeat(
    client, case_a, consent, dinsos, case_worker_a, dinsos_officer
):
    finished = [
        make_referral(case_a, dinsos, case_worker_a, ReferralStatus.COMPLETED) for _ in range(20)
    ]
    still_owed = [
        make_referral(
            case_a, dinsos, case_worker_a, ReferralStatus.SENT, due_in=datetime.timedelta(hours=n)
        )
        for n in range(1, 16)
    ]
    client.force_login(dinsos_officer)

    first = listed_pks(client.get(reverse("referrals:list")))
    second = listed_pks(client.get(reverse("referrals:list"), {"page": 2}))

    assert first == [r.pk for r in still_owed] + [r.pk for r in reversed(finished)][:10]
    assert second == [r.pk for r in reversed(finished)][10:]


def test_each_referral_names_its_sender_and_their_work_phone(
    client, case_a, consent, dinsos, case_worker_a, dinsos_officer
):
    case_worker_a.full_name = "Dedi Kurniawan"
    case_worker_a.phone = CASE_WORKER_PHONE
    case_worker_a.email = "dedi.pribadi@example.com"
    case_worker_a.save(update_fields=["full_name", "phone", "email"])
    referral = make_referral(
        case_a, dinsos, case_worker_a, ReferralStatus.SENT, due_in=datetime.timedelta(days=3)
    )
    client.force_login(dinsos_officer)

    inbox = client.get(reverse("referrals:list")).content.decode()
    detail = client.get(referral.get_absolute_url()).content.decode()

    for page in (inbox, detail):
        assert "Dedi Kurniawan" in page
        assert f'<a href="tel:{CASE_WORKER_PHONE}">{CASE_WORKER_PHONE}</a>' in page
        assert "dedi.pribadi@example.com" not in page  # no more than name and work phone


def test_without_a_phone_of_their_own_the_offices_phone_is_given(
    client, case_a, consent, dinsos, case_worker_a, dinsos_officer, office_a
):
    case_worker_a.phone = ""
    case_worker_a.save(update_fields=["phone"])
    office_a.phone = OFFICE_PHONE
    office_a.save(update_fields=["phone"])
    referral = make_referral(
        case_a, dinsos, case_worker_a, ReferralStatus.SENT, due_in=datetime.timedelta(days=3)
    )
    client.force_login(dinsos_officer)

    inbox = client.get(reverse("referrals:list")).content.decode()
    detail = client.get(referral.get_absolute_url()).content.decode()

    assert OFFICE_PHONE in inbox and OFFICE_PHONE in detail


def test_the_filters_are_folded_until_one_is_used(client, sent, dinsos_officer):
    client.force_login(dinsos_officer)

    plain = client.get(reverse("referrals:list")).content.decode()
    filtered = client.get(reverse("referrals:list"), {"urgency": "normal"}).content.decode()
    boxed = client.get(reverse("referrals:list"), {"box": "new"}).content.decode()

    assert re.search(r'<details class="card filter-fold" data-open-wide>', plain)
    assert re.search(r'<details class="card filter-fold" open data-open-wide>', filtered)
    assert re.search(r'<details class="card filter-fold" data-open-wide>', boxed)


# --- The referral form follows the agency -----------------------------------------------


@pytest.fixture
def agency_of_each_type(regions):
    return {
        agency_type: AgencyFactory(
            name=f"Instansi {agency_type.label}", type=agency_type, regency=regions["regency"]
        )
        for agency_type in Agency.Type
    }


def agency_fields(client, case, agency):
    return client.get(reverse("referrals:agency_fields", args=[case.pk]), {"agency": agency.pk})


def offered_services(html):
    block = re.search(r'<select name="service".*?</select>', html, re.S).group(0)
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', block)}


def test_the_services_offered_are_those_of_the_picked_agencys_type_only(
    client, case_a, case_worker_a, agency_of_each_type
):
    client.force_login(case_worker_a)

    for agency_type, agency in agency_of_each_type.items():
        response = agency_fields(client, case_a, agency)

        assert response.status_code == 200
        expected = set(
            Service.objects.filter(agency_type=agency_type, is_active=True).values_list(
                "pk", flat=True
            )
        )
        assert offered_services(response.content.decode()) == expected, agency_type


def test_the_chronology_field_comes_only_with_an_agency_that_may_receive_it(
    client, case_a, case_worker_a, agency_of_each_type
):
    client.force_login(case_worker_a)

    for agency_type, agency in agency_of_each_type.items():
        html = agency_fields(client, case_a, agency).content.decode()

        # The swap always carries the chronology's place, full or empty.
        assert '<div id="field-shared_chronology" hx-swap-oob="true">' in html
        assert ('name="shared_chronology"' in html) == receives_chronology(agency_type), agency_type
    assert not receives_chronology(Agency.Type.DINSOS)
    assert receives_chronology(Agency.Type.UPTD_PPA)


def test_a_form_opened_with_its_agency_known_leaves_the_chronology_out(
    client, case_a, case_worker_a, dinsos
):
    item = case_a.plan_items.create(
        intervention="Daftar DTSEN", responsible_agency=dinsos, created_by=case_worker_a
    )
    client.force_login(case_worker_a)

    html = client.get(
        reverse("referrals:new", args=[case_a.pk]), {"plan_item": item.pk}
    ).content.decode()
    blank = client.get(reverse("referrals:new", args=[case_a.pk])).content.decode()

    assert 'name="shared_chronology"' not in html
    assert offered_services(html) == set(
        Service.objects.filter(agency_type=Agency.Type.DINSOS, is_active=True).values_list(
            "pk", flat=True
        )
    )
    assert 'name="shared_chronology"' in blank
    assert 'hx-get="' + reverse("referrals:agency_fields", args=[case_a.pk]) + '"' in blank


def test_without_javascript_the_server_still_refuses_a_service_of_another_type(
    client, case_a, consent, case_worker_a, dinsos
):
    client.force_login(case_worker_a)

    response = client.post(
        reverse("referrals:new", args=[case_a.pk]),
        {
            "agency": dinsos.pk,
            "service": Service.objects.get(code="follow_up_examination").pk,
            "reason": REASON,
            "urgency": "normal",
            "shared_chronology": "Dipukul majikan.",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "service" in errors and "shared_chronology" in errors
    # The refused chronology stays on the page, with its error, to be taken out.
    assert 'name="shared_chronology"' in response.content.decode()
    assert not Referral.objects.exists()


def test_the_agency_fields_are_out_of_reach_of_other_offices_and_readers(
    client, case_a, case_worker_b, health_worker_a, dinsos
):
    client.force_login(case_worker_b)
    assert agency_fields(client, case_a, dinsos).status_code == 404
    client.force_login(health_worker_a)
    assert agency_fields(client, case_a, dinsos).status_code == 403
