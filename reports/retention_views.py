"""The records past their retention period, and anonymising one by two people."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access_log import reads_person_data
from participants.models import Participant

from . import access, anonymisation, retention
from .models import Anonymisation

PAGE_SIZE = 50


@reads_person_data(kwarg=None, detail="retention")
def retention_list(request):
    """Who is past their retention period, why and since when; the proposals waiting."""
    user = request.user
    access.require_anonymiser(user)
    participants = Participant.objects.visible_to(user).select_related("office")
    page = Paginator(retention.due_participants(participants), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    pending = list(
        Anonymisation.objects.visible_to(user)
        .pending()
        .select_related("participant", "proposed_by")
        .order_by("proposed_at", "pk")
    )
    ctx = {
        "page": page,
        "rows": [retention.why_due(participant) for participant in page],
        "pending": [(proposal, proposal.proposed_by_id != user.pk) for proposal in pending],
        "pending_ids": {proposal.participant_id for proposal in pending},
        "periods": retention.periods(),
    }
    return render(request, "reports/retention.html", ctx)


def _participant(user, pk):
    access.require_anonymiser(user)
    return get_object_or_404(Participant.objects.visible_to(user), pk=pk)


def _pending_for(user, participant):
    return Anonymisation.objects.visible_to(user).pending().filter(participant=participant).first()


@require_POST
def anonymise_propose(request, pk):
    participant = _participant(request.user, pk)
    try:
        anonymisation.propose(
            participant=participant, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Anonymising %(number)s is proposed. A second coordinator must confirm it.")
            % {"number": participant.registration_number},
        )
    return redirect("reports:retention")


@require_POST
def anonymise_confirm(request, pk):
    participant = _participant(request.user, pk)
    proposal = _pending_for(request.user, participant)
    if proposal is None:
        messages.error(request, _("No proposal to anonymise this record is waiting."))
        return redirect("reports:retention")
    try:
        anonymisation.confirm(anonymisation=proposal, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Record %(number)s is anonymised.") % {"number": participant.registration_number},
        )
    return redirect("reports:retention")


@require_POST
def anonymise_cancel(request, pk):
    participant = _participant(request.user, pk)
    proposal = _pending_for(request.user, participant)
    if proposal is None:
        messages.error(request, _("No proposal to anonymise this record is waiting."))
        return redirect("reports:retention")
    try:
        anonymisation.cancel(anonymisation=proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The proposal is cancelled; the record stays as it is."))
    return redirect("reports:retention")
