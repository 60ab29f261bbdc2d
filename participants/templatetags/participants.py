from django import template

from participants.countries import country_name as _country_name
from participants.models import Participant

register = template.Library()


@register.filter
def country_name(code):
    return _country_name(code) if code else ""


@register.filter
def civil_issue_label(value):
    return Participant.CivilStatusIssue(value).label if value else ""


@register.inclusion_tag("participants/person_details.html")
def person_details(participant):
    """What tells this person apart from others of the same name, in the same short form
    wherever a person is listed or picked: registration number, age, village, masked NIK.
    The village must be loaded with the participant (select_related) by the page."""
    return {"p": participant}
