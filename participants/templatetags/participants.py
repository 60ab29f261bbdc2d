from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from participants.countries import country_name as _country_name
from participants.models import Participant

register = template.Library()


@register.filter
def country_name(code):
    return _country_name(code) if code else ""


@register.filter
def civil_issue_label(value):
    return Participant.CivilStatusIssue(value).label if value else ""


@register.simple_tag
def person_details(participant):
    """What tells this person apart from others of the same name, in the same short form
    wherever a person is listed or picked: registration number, age, village, masked NIK.
    The village must be loaded with the participant (select_related) by the page.

    Written in Python rather than as an included template: a list of 25 people calls it
    25 times, and a template's render costs several times more than these few lines."""
    p = participant
    details = format_html(
        "{} · {} · {}",
        p.registration_number,
        _("%(age)s yrs") % {"age": p.age()},
        p.village.name,
    )
    if p.nik:
        details = format_html('{} · <span class="mono">{}</span>', details, p.nik_masked)
    return format_html('<span class="person-details">{}</span>', details)
