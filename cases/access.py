"""Who may do what with programs and cases (DESIGN section 5)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role

from .models import Case, Program

# Run cases: enrol, move, plan, write notes, record follow-ups.
CASE_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER})
# Record screenings; everybody who opens cases reads their results.
SCREENERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.HEALTH_WORKER})
PROGRAM_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})


def can_edit_case(user):
    return user.role in CASE_EDITORS


def can_screen(user):
    return user.role in SCREENERS


def can_edit_program(user):
    return user.role in PROGRAM_EDITORS


def can_close_case(user):
    return user.role in PROGRAM_EDITORS


def require_reader(user):
    """Agency officers and auditors have no case pages: 404, not 403."""
    if user.role not in SCREENERS:
        raise Http404


def get_program_for(user, pk, *, write=False):
    require_reader(user)
    program = get_object_or_404(Program.objects.visible_to(user), pk=pk)
    if write and not can_edit_program(user):
        raise PermissionDenied
    return program


def get_case_for(user, pk, *, write=False):
    """The case if this user may see it (404 otherwise); 403 when a reader tries to write."""
    require_reader(user)
    case = get_object_or_404(
        Case.objects.visible_to(user).select_related("participant", "program"), pk=pk
    )
    if write and not can_edit_case(user):
        raise PermissionDenied
    return case
