"""The referral list's row and the sender's line, written in Python.

The inbox and the outbox show 25 rows a page, and these are the pages agency officers
and case workers keep open all day. In the template language a row cost about 0.7 ms
(some sixty variable look-ups, eight translated labels, an include and the move forms);
built here with f-strings, about a fifth of that. Every value from the database or a
translation goes through `escape` (the standard library's, which Django's own escape
calls); only markup made here or by `person_details` is not escaped again.
"""

from html import escape

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from participants.templatetags.participants import person_details
from referrals.models import ReferralStatus, Urgency

register = template.Library()

DUE = "j M Y H:i"
NO_DUE_DATE = "\N{EN DASH}"


def _e(value):
    return escape(str(value))


@register.simple_tag
def referral_sender(referral):
    """Whom the agency calls: the sender's name and the work phone that reaches them."""
    sender, phone = referral.sender, referral.sender_phone
    name = _e(sender.full_name or sender.username)
    if phone:
        name += f' · <a href="tel:{_e(phone)}">{_e(phone)}</a>'
    return mark_safe(name)  # noqa: S308 (every value in it is escaped)


@register.simple_tag(takes_context=True)
def referral_row(context, referral):
    """One row of the referral list: the inbox's with the moves its officer may make
    (`referral.moves`, `referral.move_url`), and `error` when a move was refused."""
    is_inbox = context.get("is_inbox")
    participant = referral.case.participant
    name = _e(participant.full_name)
    if not is_inbox:
        who_label = _("Agency")
        who = (
            f'{_e(referral.agency)}<br><span class="muted">{name}</span> '
            f"{person_details(participant)}"
        )
    elif referral.sharing_stopped_on:
        who_label = _("Person")
        withdrawn = _e(_("Consent withdrawn"))
        who = f'{name}<br><span class="badge badge-warning">{withdrawn}</span>'
    else:
        who_label = _("Person")
        who = f"{name}<br>{person_details(participant)}"
    due = NO_DUE_DATE
    if referral.due_at:
        due = _e(date_format(timezone.localtime(referral.due_at), DUE))
    if referral.is_overdue:
        overdue = _e(_("overdue"))
        due += f' <span class="badge badge-danger">{overdue}</span>'
    number = _e(referral.number or referral.pk)
    cells = [
        (_("Number"), "", f'<a href="{_e(referral.get_absolute_url())}">{number}</a>'),
        (_("Service"), "", _e(referral.service)),
        (who_label, "", who),
        (_("Sent by"), ' class="sender"', referral_sender(referral)),
        # The choice's label: get_FOO_display() builds a dict of every choice each call.
        (_("Urgency"), "", _e(Urgency(referral.urgency).label)),
        (_("Due"), "", due),
        (_("Status"), "", _e(ReferralStatus(referral.status).label)),
    ]
    if is_inbox:
        cells.append((_("Action"), ' class="row-actions"', _actions(context, referral)))
    tds = "".join(
        f'<td data-label="{_e(label)}"{attrs}>{html}</td>' for label, attrs, html in cells
    )
    return mark_safe(f'<tr id="referral-{referral.pk}">{tds}</tr>')  # noqa: S308 (escaped above)


def _needs_label(needs):
    if needs == "decline_reason":
        return _("Reason for declining")
    if needs == "outcome":
        return _("Outcome")
    return _("Note")


def _actions(context, referral):
    """The row's move buttons; a move that needs words written opens a small form."""
    error = context.get("error")
    parts = [f'<p class="error" role="alert">{_e(error)}</p>'] if error else []
    url, pk = _e(referral.move_url), referral.pk
    target = (
        f'method="post" action="{url}" hx-post="{url}"'
        f' hx-target="#referral-{pk}" hx-swap="outerHTML"'
    )
    token = _e(context.get("csrf_token", ""))
    for to, verb, needs in referral.moves:
        to, verb = _e(to), _e(verb)
        fields = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<input type="hidden" name="to" value="{to}">'
            f'<input type="hidden" name="version" value="{referral.version}">'
        )
        if not needs:
            parts.append(
                f'<form {target} class="inline-form">{fields}'
                f'<button type="submit" class="button button-primary">{verb}</button></form>'
            )
            continue
        field_id = f"{_e(needs)}-{pk}-{to}"
        encoding = evidence = ""
        if needs == "outcome":
            encoding = ' enctype="multipart/form-data" hx-encoding="multipart/form-data"'
            evidence_label = _e(_("Evidence (optional)"))
            evidence = (
                f'<label for="evidence-{pk}">{evidence_label}</label>'
                f'<input type="file" id="evidence-{pk}" name="evidence"'
                ' accept=".pdf,.jpg,.jpeg,.png">'
            )
        parts.append(
            f'<details><summary class="button">{verb}</summary>'
            f"<form {target}{encoding}>{fields}"
            f'<label for="{field_id}">{_e(_needs_label(needs))}</label>'
            f'<textarea id="{field_id}" name="{_e(needs)}" rows="2" required></textarea>'
            f'{evidence}<button type="submit" class="button">{verb}</button></form></details>'
        )
    return "".join(parts)
