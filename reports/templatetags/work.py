"""A work list's row, written in Python.

The work list shows up to 25 rows in each of its sections, some 125 rows for a case
worker with a full caseload; in the template language each row cost about 0.15 ms (a
dozen look-ups, three translated labels and the person's details). Every value from
the database or a translation goes through `escape`; only the markup of
`person_details` is not escaped again.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from participants.templatetags.participants import person_details

register = template.Library()


@register.simple_tag
def work_row(row):
    """One row of a work list's section (`reports.worklist.Row`): who, what and when."""
    who, what, when = escape(_("Who")), escape(_("What")), escape(_("When"))
    if row.overdue:
        due = f'<strong class="badge badge-danger">{escape(row.when)}</strong>'
    else:
        due = escape(row.when or "\N{EN DASH}")
    participant = row.participant
    return mark_safe(  # noqa: S308 (every value is escaped)
        f'<tr><td data-label="{who}"><a href="{escape(row.url)}">'
        f"{escape(participant.full_name)}</a><br>{person_details(participant)}</td>"
        f'<td data-label="{what}">{escape(str(row.what))}</td>'
        f'<td data-label="{when}">{due}</td></tr>'
    )
