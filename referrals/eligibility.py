"""Eligibility hints shown beside the agency choice on the referral form.

They read what is on the returnee's record, as the case worker writing the referral
sees it already (the DTSEN decile, whether there is a NIK: never the NIK itself), and
say which services the person is likely to get. They help the officer choose and never
block a referral: the agency decides on its own rules.

Social assistance follows the DTSEN decile: PKH for deciles 1-4, PBI-JK (state-paid
JKN) for deciles 1-5. Every one of these services needs a NIK, so without one
Disdukcapil comes first.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import AgencyType

PKH_DECILES = range(1, 5)
PBI_JK_DECILES = range(1, 6)


@dataclass(frozen=True)
class Hint:
    agency_type: str
    text: str

    @property
    def agency_type_label(self):
        return AgencyType(self.agency_type).label


def hints(participant) -> list[Hint]:
    """What the record suggests for this returnee's referrals, the most pressing first."""
    found = []
    if not participant.has_nik:
        found.append(
            Hint(
                AgencyType.DISDUKCAPIL,
                _(
                    "No NIK on the record: refer to Disdukcapil first for a KTP-el and NIK, "
                    "since the other services need a NIK."
                ),
            )
        )
    found.append(Hint(AgencyType.DINSOS, _dtsen_text(participant.dtsen_decile)))
    return found


def _dtsen_text(decile):
    if decile is None:
        return _(
            "No DTSEN decile on the record: ask Dinsos to register the household in DTSEN "
            "or verify its data."
        )
    if decile in PKH_DECILES:
        return _(
            "DTSEN decile %(decile)s: likely eligible for PKH (deciles 1-4) and PBI-JK "
            "(deciles 1-5)."
        ) % {"decile": decile}
    if decile in PBI_JK_DECILES:
        return _(
            "DTSEN decile %(decile)s: likely eligible for PBI-JK (deciles 1-5) but not for "
            "PKH (deciles 1-4)."
        ) % {"decile": decile}
    return _(
        "DTSEN decile %(decile)s: PKH (deciles 1-4) and PBI-JK (deciles 1-5) are unlikely."
    ) % {"decile": decile}
