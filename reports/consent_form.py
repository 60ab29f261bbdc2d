"""The consent form printed for a returnee to fill in by hand: one box per purpose.

Each box says what ticking it lets happen. The sharing boxes are written from the
sharing rule of each agency type (`referrals/sharing.py`), so the form promises no more
and no less than what an agency is shown.
"""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AgencyType
from participants.models import ConsentPurpose
from referrals import sharing

# What each section of the sharing rule is, in the returnee's words.
SECTION_WORDS = {
    sharing.IDENTITY: gettext_lazy("your identity (name, NIK, date of birth, address, phone)"),
    sharing.CIVIL: gettext_lazy("your problems with civil documents and your family card number"),
    sharing.HOUSEHOLD: gettext_lazy("your family at home"),
    sharing.SOCIOECONOMIC: gettext_lazy("your health and work insurance and welfare data"),
    sharing.WORK_HISTORY: gettext_lazy("your work abroad and your schooling"),
    sharing.SCREENING: gettext_lazy("your health check results"),
    sharing.CHRONOLOGY: gettext_lazy(
        "what happened to you, only the parts the officer chooses to share"
    ),
}
# The sections in the order the sentence names them: identity first.
SECTION_ORDER = list(SECTION_WORDS)

OWN_USE = {
    ConsentPurpose.REHABILITATION: gettext_lazy(
        "If you tick this, BP3MI keeps your data and uses it to help you itself: "
        "health checks, counselling, training and help to start again."
    ),
    ConsentPurpose.PHOTOS: gettext_lazy(
        "If you tick this, BP3MI may take photos of you at its activities and use them "
        "in its reports on those activities."
    ),
}


def agency_type_of(purpose):
    """The agency type whose sharing the purpose covers, or None."""
    for agency_type in AgencyType:
        if ConsentPurpose.for_agency_type(agency_type) == purpose:
            return agency_type
    return None


def sharing_sentence(agency_type):
    """What the agency is sent once the box is ticked, by its sharing rule."""
    sections = sharing.sections_for(agency_type)
    words = [str(SECTION_WORDS[s]) for s in SECTION_ORDER if s in sections]
    return _(
        "If you tick this, when BP3MI refers you to %(agency)s it sends them %(data)s, "
        "and nothing else."
    ) % {"agency": agency_type.label, "data": get_text_list(words, _("and"))}


def purpose_line(purpose):
    """The sentence under a purpose's box: what happens if it is ticked."""
    if purpose in OWN_USE:
        return str(OWN_USE[purpose])
    agency_type = agency_type_of(purpose)
    if agency_type is None:
        raise KeyError(f"no sentence for the consent purpose {purpose!r}")
    return sharing_sentence(agency_type)


def purpose_rows():
    """(label, sentence) for every purpose, in the order the participant page lists them."""
    return [(label, purpose_line(value)) for value, label in ConsentPurpose.choices]
