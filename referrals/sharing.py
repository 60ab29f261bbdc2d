"""What each kind of agency sees of a referred person: the minimum its work needs.

Identity is always shared. Everything else is named here, per agency type, and every
page, letter and email an agency officer sees is built from `shared_data`.

What an agency sees is what it was handed when the referral was sent: `snapshot` keeps
the shared sections then, and the referral's pages and letter are drawn from it, so a
phone number changed or a screening added afterwards is not passed on by itself (a
draft, not yet handed over, shows the record as it is). When the person withdraws or
refuses the consent that covers the agency's type, `Referral.sharing_stopped_on` is set
(referrals/receivers.py) and the agency sees no more than the person's name and that
consent was withdrawn; a consent given again restores what was handed over.

The returnee's feedback on a completed referral (service received, satisfied, what
they said) is not a section of the person: it is about the agency's own service, so
the officers of every agency type see it on their referral, as they see whether the
outcome was confirmed. The plan item a referral fulfils is the office's plan and is
not shown to them.
"""

import json

from django.core import serializers

from accounts.models import AgencyType
from regions.models import Region

IDENTITY = "identity"  # name, NIK, sex, birth date, address, phone
CIVIL = "civil"  # civil-registration issues, KK number
HOUSEHOLD = "household"  # the family left behind
SOCIOECONOMIC = "socioeconomic"  # JKN, BPJS, DTSEN decile
WORK_HISTORY = "work_history"  # periods abroad, education
SCREENING = "screening"  # physical and mental-health screening results
CHRONOLOGY = "chronology"  # what the case worker chose to share of what happened

SHARING = {
    AgencyType.DISDUKCAPIL: {IDENTITY, CIVIL},
    AgencyType.DINSOS: {IDENTITY, HOUSEHOLD, SOCIOECONOMIC},
    AgencyType.DISNAKERTRANS: {IDENTITY, WORK_HISTORY},
    AgencyType.DINKES: {IDENTITY, SCREENING},
    AgencyType.HEALTH_FACILITY: {IDENTITY, SCREENING},
    AgencyType.UPTD_PPA: {IDENTITY, CHRONOLOGY},
    AgencyType.BPJS_KESEHATAN: {IDENTITY, SOCIOECONOMIC},
    AgencyType.BPJS_KETENAGAKERJAAN: {IDENTITY, SOCIOECONOMIC},
    AgencyType.OTHER: {IDENTITY},
}


def sections_for(agency_type) -> frozenset[str]:
    return frozenset(SHARING.get(agency_type, {IDENTITY}))


def receives_chronology(agency_type) -> bool:
    """Whether the agency may be handed what the case worker writes of what happened."""
    return CHRONOLOGY in sections_for(agency_type)


def shares_nik(agency_type) -> bool:
    """Whether the agency's officers may see the person's whole NIK (behind a logged reveal)."""
    return IDENTITY in sections_for(agency_type)


def masked_numbers(data) -> bool:
    """Whether the shared data holds a NIK or KK number that its page shows masked."""
    participant, member = data["participant"], data["member"]
    return bool(
        participant.nik
        or (member is not None and member.nik)
        or (CIVIL in data["sections"] and participant.kk_number)
    )


# The record's fields each section hands over, as the pages and the letter show them.
PARTICIPANT_FIELDS = {
    IDENTITY: [
        "full_name", "nik", "sex", "birth_place", "birth_date", "address", "village", "phone",
    ],
    CIVIL: ["kk_number", "civil_status_issues"],
    SOCIOECONOMIC: ["jkn_segment", "jkn_status", "bpjs_tk_status", "dtsen_decile"],
    WORK_HISTORY: ["education"],
}  # fmt: skip


def _handed_over(referral, sections):
    """The objects the sections hand over, as they stand now."""
    participant = referral.case.participant
    found = {
        "participant": [participant],
        "member": [referral.household_member] if referral.household_member_id else [],
    }
    if HOUSEHOLD in sections:
        found["household"] = list(participant.household.all())
    if WORK_HISTORY in sections:
        found["episodes"] = list(participant.episodes.latest_first())
    if SCREENING in sections:
        found["screenings"] = list(referral.case.screenings.order_by("-screened_on", "-pk"))
    return found


def snapshot(referral) -> dict:
    """What the agency is handed now, to keep on the referral as it is sent."""
    sections = sections_for(referral.agency.type)
    fields = [name for section in sorted(sections) for name in PARTICIPANT_FIELDS.get(section, [])]
    kept = {}
    for key, objects in _handed_over(referral, sections).items():
        only = fields if key == "participant" else None
        kept[key] = json.loads(serializers.serialize("json", objects, fields=only))
    return kept


def _restored(kept, key):
    return [
        found.object
        for found in serializers.deserialize(
            "json", json.dumps(kept.get(key, [])), ignorenonexistent=True
        )
    ]


def _as_handed_over(referral, sections):
    kept = referral.shared_snapshot
    [participant] = _restored(kept, "participant")
    if participant.village_id:
        # The village and its district, as the record named them when it was sent.
        participant.village = Region.objects.select_related("parent").get(pk=participant.village_id)
    found = {"participant": participant, "member": next(iter(_restored(kept, "member")), None)}
    for key in ("household", "episodes", "screenings"):
        if key in kept:
            found[key] = _restored(kept, key)
    return found


def shared_data(referral):
    """What the agency's officers see of the person, by the sharing rule of its type.

    Drawn from what was handed over at sending; nothing but the name once the person
    has withdrawn the consent that covered it.
    """
    sections = sections_for(referral.agency.type)
    if referral.sharing_stopped_on is not None:
        return {
            "sections": frozenset(),
            "stopped_on": referral.sharing_stopped_on,
            "participant": referral.case.participant,
            "member": None,
        }
    if referral.shared_snapshot:
        found = _as_handed_over(referral, sections)
    else:
        found = _handed_over(referral, sections)
        found["participant"] = found["participant"][0]
        found["member"] = next(iter(found["member"]), None)
    return {"sections": sections, "stopped_on": None, **found}
