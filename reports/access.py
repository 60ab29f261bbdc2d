"""Who may read which reports: PDFs, exports, the office's figures and report jobs.

Whoever may not see a report at all gets a 404; office staff who see the program but
may not take its report get a 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import has_role, sees_every_office
from accounts.models import Role
from cases import access as case_access

# Aggregate exports (no names): counts per district, per problem, per agency.
AGGREGATE_EXPORTERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR})
# One row per participant: names and masked NIKs leave the system, logged.
ROW_EXPORTERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# Program reports (PDF, made at once or by the worker) and the office-wide figures.
PROGRAM_REPORTERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# A program's outcome report: counts and shares, never a name, so whoever reads the
# aggregate figures reads it (the auditor counts the office's programs without opening them).
OUTCOME_READERS = AGGREGATE_EXPORTERS

# Read the access log and the change history (who did what, never the content itself).
AUDIT_READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR})

# See whose record is past its retention period, and propose, confirm or cancel
# anonymising one (whoever proposed may not confirm: that takes a second person).
ANONYMISERS = frozenset({Role.ADMIN, Role.COORDINATOR})

PERMISSIONS = [
    ("Download aggregate exports (no names)", AGGREGATE_EXPORTERS),
    ("Download one row per participant (logged)", ROW_EXPORTERS),
    ("Make and download program reports", PROGRAM_REPORTERS),
    ("Read and download a program's outcome report (counts, no names)", OUTCOME_READERS),
    ("See the office-wide figures on the home page", PROGRAM_REPORTERS),
    ("Read the access log and the change history of the office", AUDIT_READERS),
    (
        "See the records past their retention period; propose, confirm (another person) "
        "or cancel anonymising one",
        ANONYMISERS,
    ),
]


def can_export_aggregates(user) -> bool:
    return has_role(user, AGGREGATE_EXPORTERS)


def can_export_rows(user) -> bool:
    return has_role(user, ROW_EXPORTERS)


def can_make_program_reports(user) -> bool:
    return has_role(user, PROGRAM_REPORTERS)


def can_read_outcome_reports(user) -> bool:
    return has_role(user, OUTCOME_READERS)


def can_see_office_figures(user) -> bool:
    return has_role(user, PROGRAM_REPORTERS)


def can_read_audit(user) -> bool:
    return has_role(user, AUDIT_READERS)


def can_anonymise(user) -> bool:
    return has_role(user, ANONYMISERS)


def require_anonymiser(user):
    if not can_anonymise(user):
        raise Http404


def require_exporter(user):
    if not can_export_aggregates(user):
        raise Http404


def require_row_exporter(user):
    require_exporter(user)
    if not can_export_rows(user):
        raise PermissionDenied


def export_office_for(user):
    """The office whose rows a user's row export holds: none (every office's) for
    whoever sees every office. Whoever reads that office's jobs may download it."""
    return None if sees_every_office(user) else user.office


def get_program_for_report(user, pk):
    """The program, if the user sees it (404 otherwise) and may take its report (403)."""

    program = case_access.get_program_for(user, pk)
    if not can_make_program_reports(user):
        raise PermissionDenied
    return program


def get_program_for_outcomes(user, pk):
    """The program, if the user may count its cases (404 otherwise) and read its
    outcome report (403 for the office staff who see the program but not the report)."""
    from cases.models import Program

    program = get_object_or_404(Program.objects.countable_by(user).select_related("office"), pk=pk)
    if not can_read_outcome_reports(user):
        raise PermissionDenied
    return program


def get_report_job_for(user, pk):
    """The job, if it is of the user's office and the user may make its kind (404)."""
    from .models import ReportJob  # the models read this module's role sets

    jobs = ReportJob.objects.visible_to(user).select_related("program", "created_by")
    return get_object_or_404(jobs, pk=pk)
