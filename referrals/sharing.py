"""What each kind of agency sees of a referred person: the minimum its work needs.

Identity is always shared. Everything else is named here, per agency type, and every
page, letter and email an agency officer sees is built from `shared_data`.

The returnee's feedback on a completed referral (service received, satisfied, what
they said) is not a section of the person: it is about the agency's own service, so
the officers of every agency type see it on their referral, as they see whether the
outcome was confirmed. The plan item a referral fulfils is the office's plan and is
not shown to them.
"""

from accounts.models import AgencyType

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


def shared_data(referral):
    """What the agency's officers see of the person, by the sharing rule of its type."""
    sections = sections_for(referral.agency.type)
    participant = referral.case.participant
    data = {"sections": sections, "participant": participant, "member": referral.household_member}
    if HOUSEHOLD in sections:
        data["household"] = list(participant.household.all())
    if WORK_HISTORY in sections:
        data["episodes"] = list(participant.episodes.latest_first())
    if SCREENING in sections:
        data["screenings"] = list(referral.case.screenings.order_by("-screened_on", "-pk"))
    return data
