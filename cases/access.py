"""Who may do what with programs, cases, screenings and alerts.

Agency officers and auditors have no program or case pages: for them these pages do
not exist (404, not 403).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import has_role
from accounts.models import Role

# Office staff who open programs and cases and read their screening results.
CASE_READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.HEALTH_WORKER})
# Record screenings.
SCREENERS = CASE_READERS
# Run cases: enrol, move, plan, write notes, record follow-ups, handle alerts.
CASE_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER})
# Read every note of a case. Notes hold what happened to the person: whoever else opens a
# case (the health worker) reads only the notes they wrote themselves, and learns what
# care needs from the screenings and the referral.
NOTE_READERS = CASE_EDITORS
# Create and edit programs, close cases, assign case workers.
PROGRAM_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
CASE_CLOSERS = PROGRAM_EDITORS
CASE_ASSIGNERS = PROGRAM_EDITORS
# Hold a caseload of their own: enrolling makes them the case worker.
CASELOAD_HOLDERS = frozenset({Role.CASE_WORKER})
# Told by email at once when a screening raises an alert.
ALERT_RECIPIENTS = frozenset({Role.COORDINATOR})
# Repeat the screenings at every follow-up visit of the office: their work list shows
# each visit due, where a caseload holder's shows those of their own cases.
VISIT_SCREENERS = frozenset({Role.HEALTH_WORKER})

PERMISSIONS = [
    ("Open programs, cases and screening results", CASE_READERS),
    ("Record screenings", SCREENERS),
    ("Enrol, move cases, plan, write notes, record visits", CASE_EDITORS),
    ("Read every case note (others read only the notes they wrote)", NOTE_READERS),
    ("Record what was done about an alert", CASE_EDITORS),
    ("Record the reintegration outcome measure", CASE_EDITORS),
    ("Create and edit programs", PROGRAM_EDITORS),
    ("Close a case", CASE_CLOSERS),
    ("Assign a case worker", CASE_ASSIGNERS),
    ("Hold a caseload (becomes the case worker of whom they enrol)", CASELOAD_HOLDERS),
    ("Receive alert emails", ALERT_RECIPIENTS),
    ("See every follow-up visit due in the office on their work list", VISIT_SCREENERS),
]


def can_open_cases(user) -> bool:
    return has_role(user, CASE_READERS)


def can_edit_case(user) -> bool:
    return has_role(user, CASE_EDITORS)


def can_read_every_note(user) -> bool:
    return has_role(user, NOTE_READERS)


def visible_notes(user, notes):
    """The case notes of the `notes` QuerySet this user may read."""
    if can_read_every_note(user):
        return notes
    return notes.filter(author=user)


def can_resolve_alert(user) -> bool:
    return has_role(user, CASE_EDITORS)


def can_record_outcome(user) -> bool:
    return has_role(user, CASE_EDITORS)


def can_screen(user) -> bool:
    return has_role(user, SCREENERS)


def can_edit_program(user) -> bool:
    return has_role(user, PROGRAM_EDITORS)


def can_close_case(user) -> bool:
    return has_role(user, CASE_CLOSERS)


def can_assign_case(user) -> bool:
    return has_role(user, CASE_ASSIGNERS)


def has_caseload(user) -> bool:
    return has_role(user, CASELOAD_HOLDERS)


def screens_every_visit(user) -> bool:
    return has_role(user, VISIT_SCREENERS)


def require_reader(user):
    if not can_open_cases(user):
        raise Http404


def get_program_for(user, pk, *, write=False, select_related=()):
    """The program if this user may see it (404 otherwise); 403 when a reader tries to
    write. A page that shows more of it names what to load with it, in the same query."""
    from .models import Program  # the models read this module's role sets

    require_reader(user)
    programs = Program.objects.visible_to(user)
    if select_related:  # select_related() without names would join every foreign key
        programs = programs.select_related(*select_related)
    program = get_object_or_404(programs, pk=pk)
    if write and not can_edit_program(user):
        raise PermissionDenied
    return program


def get_case_for(user, pk, *, write=False, select_related=(), prefetch_related=()):
    """The case if this user may see it (404 otherwise); 403 when a reader tries to write.
    A page that shows more of it names what to load with it, in the same query."""
    from .models import Case

    require_reader(user)
    case = get_object_or_404(
        Case.objects.visible_to(user)
        .select_related("participant__village", "program", *select_related)
        .prefetch_related(*prefetch_related),
        pk=pk,
    )
    if write and not can_edit_case(user):
        raise PermissionDenied
    return case


def get_alert_for(user, pk, *, write=False):
    """The alert if its case is visible to this user (404 otherwise); 403 for a reader."""
    from .models import Alert, Case

    require_reader(user)
    alert = get_object_or_404(
        Alert.objects.filter(case__in=Case.objects.visible_to(user)).select_related("case"),
        pk=pk,
    )
    if write and not can_resolve_alert(user):
        raise PermissionDenied
    return alert
