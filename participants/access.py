"""Who may do what with a participant's record.

Agency officers reach a participant only through a referral, and auditors only count
participants, so for them a participant page does not exist (404, not 403).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import has_role
from accounts.models import Role

# Register and edit participants and import them, read what happened, see the whole NIK.
PARTICIPANT_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER})
# Office staff who open participant pages at all; health workers read identity.
PARTICIPANT_READERS = PARTICIPANT_EDITORS | {Role.HEALTH_WORKER}
# Read every problem a returnee experienced. Whoever else opens a participant's page (the
# health worker) reads only the problems whose care is clinical (`Problem.clinical`):
# violence, trafficking, legal and labour problems are the person's story, and the case
# worker passes on what care needs through a referral, not the category list.
PROBLEM_READERS = PARTICIPANT_EDITORS
# Archive a record registered by mistake, and restore it.
ARCHIVERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# Move a participant's whole record to another office.
TRANSFERRERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# See the office's possible duplicates, merge two records into one and undo a merge.
MERGERS = frozenset({Role.ADMIN, Role.COORDINATOR})

PERMISSIONS = [
    ("Open participant pages and lists", PARTICIPANT_READERS),
    ("Register, edit and import participants", PARTICIPANT_EDITORS),
    ("Read what happened (the narrative)", PARTICIPANT_EDITORS),
    (
        "See every problem experienced (others see only those needing clinical care)",
        PROBLEM_READERS,
    ),
    ("See the whole NIK and KK number (each reveal is logged)", PARTICIPANT_EDITORS),
    ("Archive and restore a participant", ARCHIVERS),
    ("Transfer a participant to another office", TRANSFERRERS),
    ("See possible duplicates, merge two records and undo a merge", MERGERS),
    (
        "Tell a new registration apart from a similar record (who and why are kept)",
        PARTICIPANT_EDITORS,
    ),
]


def can_open_participants(user) -> bool:
    return has_role(user, PARTICIPANT_READERS)


def can_edit(user) -> bool:
    return has_role(user, PARTICIPANT_EDITORS)


def can_read_narrative(user) -> bool:
    return has_role(user, PARTICIPANT_EDITORS)


def can_read_every_problem(user) -> bool:
    return has_role(user, PROBLEM_READERS)


def visible_problems(user, problems):
    """The problems of `problems` this user may read: all of them, or for whom reads
    only what care needs, those marked clinical. A QuerySet stays a QuerySet (for lists
    and filters); anything else, such as a prefetched `participant.problems.all()`, is
    filtered without a query."""
    if can_read_every_problem(user):
        return problems
    if isinstance(problems, QuerySet) and problems._result_cache is None:  # not fetched yet
        return problems.filter(clinical=True)
    return [problem for problem in problems if problem.clinical]


def can_reveal_nik(user) -> bool:
    return has_role(user, PARTICIPANT_EDITORS)


def can_archive(user) -> bool:
    return has_role(user, ARCHIVERS)


def can_transfer(user) -> bool:
    return has_role(user, TRANSFERRERS)


def can_merge(user) -> bool:
    return has_role(user, MERGERS)


def require_reader(user):
    """Who opens no participant pages gets a 404, not a 403."""
    if not can_open_participants(user):
        raise Http404


def require_editor(user):
    require_reader(user)
    if not can_edit(user):
        raise PermissionDenied


def get_participant_for(user, pk, *, write=False, queryset=None):
    """The participant, if this user may see it (404 otherwise); 403 for a read-only writer.
    A page that shows more of the record passes a `queryset` of participants that loads
    it (related rows, annotations): the same query then checks and loads."""
    from .models import Participant  # the models read this module's role sets

    require_reader(user)
    rows = Participant.objects.all() if queryset is None else queryset
    participant = get_object_or_404(rows.visible_to(user), pk=pk)
    if write and not can_edit(user):
        raise PermissionDenied
    if write and participant.is_merged:
        # Nothing is written to a merged record: it would be lost to the record kept.
        raise Http404
    if write and participant.anonymised_at is not None:
        # An anonymised record holds no one any more: nothing is written back into it.
        raise PermissionDenied
    return participant


def get_import_job_for(user, pk):
    """The import job, if it belongs to the user's office and the user may register
    people (404 otherwise: a job is seen only by who may import)."""
    from .models import ImportJob

    # The problems found, and the rows with them, can run to megabytes: loaded only
    # when the page shows them or they are downloaded.
    jobs = (
        ImportJob.objects.visible_to(user)
        .select_related("created_by")
        .defer("issues", "problem_rows")
    )
    return get_object_or_404(jobs, pk=pk)
