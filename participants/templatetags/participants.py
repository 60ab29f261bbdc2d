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
