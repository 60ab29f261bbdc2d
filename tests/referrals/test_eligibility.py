"""Eligibility hints on the referral form: what the DTSEN decile and a missing NIK
suggest, shown beside the agency choice, and never in the way of a referral."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import AgencyType
from cases.models import PlanItem
from participants.models import Participant
from referrals.eligibility import hints
from referrals.models import Referral, Service, Urgency
from referrals.models import ReferralStatus as S


def record(participant, **fields):
    Participant.objects.filter(pk=participant.pk).update(**fields)
    participant.refresh_from_db()
    return participant


def hints_in_english(participant):
    with translation.override("en"):
        return [(hint.agency_type, hint.text) for hint in hints(participant)]


def dinsos_hint(participant):
    [text] = [text for kind, text in hints_in_english(participant) if kind == AgencyType.DINSOS]
    return text


def test_decile_3_is_likely_eligible_for_pkh_and_pbi_jk(participant):
    text = dinsos_hint(record(participant, dtsen_decile=3))

    assert "decile 3" in text
    assert "likely eligible for PKH" in text
    assert "PBI-JK" in text


def test_decile_5_is_likely_eligible_for_pbi_jk_only(participant):
    text = dinsos_hint(record(participant, dtsen_decile=5))

    assert "likely eligible for PBI-JK" in text
    assert "not for PKH" in text


def test_decile_8_makes_pkh_and_pbi_jk_unlikely(participant):
    text = dinsos_hint(record(participant, dtsen_decile=8))

    assert "decile 8" in text
    assert "unlikely" in text
    assert "likely eligible" not in text


def test_no_decile_suggests_asking_dinsos_for_dtsen_registration(participant):
    text = dinsos_hint(record(participant, dtsen_decile=None))

    assert "Dinsos" in text
    assert "DTSEN" in text
    assert "register" in text


def test_a_record_with_a_nik_gets_no_disdukcapil_hint(participant):
    assert participant.nik
    kinds = [kind for kind, _text in hints_in_english(participant)]

    assert AgencyType.DISDUKCAPIL not in kinds


def test_no_nik_suggests_disdukcapil_first(participant):
    found = hints_in_english(record(participant, nik="", dtsen_decile=2))

    kind, text = found[0]
    assert kind == AgencyType.DISDUKCAPIL
    assert "NIK" in text and "KTP-el" in text
    assert [kind for kind, _text in found] == [AgencyType.DISDUKCAPIL, AgencyType.DINSOS]


def test_the_referral_form_shows_every_hint_with_the_agency_type_it_concerns(
    client, case_a, participant, case_worker_a
):
    record(participant, nik="", dtsen_decile=None)
    client.force_login(case_worker_a)

    response = client.get(reverse("referrals:new", args=[case_a.pk]))

    html = response.content.decode()
    for hint in response.context["hints"]:
        assert hint.text in html
        assert str(hint.agency_type_label) in html
        assert f'data-agency-type="{hint.agency_type}"' in html


def test_the_hints_point_at_those_for_the_agency_already_chosen(
    client, case_a, dinsos, case_worker_a
):
    item = PlanItem.objects.create(
        case=case_a,
        dimension=PlanItem.Dimension.SOCIAL,
        intervention="Usulan PKH",
        responsible_agency=dinsos,
        created_by=case_worker_a,
    )
    client.force_login(case_worker_a)

    response = client.get(reverse("referrals:new", args=[case_a.pk]) + f"?plan_item={item.pk}")

    assert response.context["chosen_type"] == AgencyType.DINSOS


def test_a_referral_goes_out_without_following_any_hint(
    client, case_a, participant, consent, dinsos, case_worker_a
):
    # No NIK and decile 8: the hints say Disdukcapil first and PKH unlikely; the case
    # worker proposes PKH to Dinsos all the same.
    record(participant, nik="", dtsen_decile=8)
    client.force_login(case_worker_a)

    response = client.post(
        reverse("referrals:new", args=[case_a.pk]),
        {
            "agency": dinsos.pk,
            "service": Service.objects.get(code="pkh_proposal").pk,
            "reason": "Penghasilan keluarga turun sejak kepulangan.",
            "urgency": Urgency.NORMAL,
        },
    )
    [referral] = Referral.objects.filter(case=case_a)
    assert response.status_code == 302
    client.post(reverse("referrals:send", args=[referral.pk]), {"version": referral.version})

    referral.refresh_from_db()
    assert referral.status == S.SENT


@pytest.mark.parametrize(
    ("who", "answer"), [("health_worker_a", 403), ("dinsos_officer", 404), ("case_worker_b", 404)]
)
def test_those_who_may_not_refer_see_no_form_and_no_hints(request, client, case_a, who, answer):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("referrals:new", args=[case_a.pk]))

    assert response.status_code == answer
