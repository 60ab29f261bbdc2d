from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access_log import reads_person_data
from accounts.workflow import IllegalMove
from participants.models import Participant

from . import access, services
from .forms import AnswerForm, DataRequestForm, ReviewForm
from .models import OPEN_STATUSES, DataRequest, overdue_condition
from .pages import DATA_REQUEST_ACTIONS

PAGE_SIZE = 25


@reads_person_data(kwarg=None, detail="data requests")
def request_list(request):
    """The office's requests: open ones first, the nearest deadline first."""
    access.require_handler(request.user)
    requests = DataRequest.objects.visible_to(request.user)
    now = timezone.now()
    counts = requests.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_condition(now)),
    )
    listed = requests.select_related("participant__village").open_first()
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rights/list.html", {"page": page, "counts": counts, "now": now})


def request_new(request):
    """Register a request from the list: the person is named by their registration number."""
    return _request_form(request, None)


@reads_person_data(Participant, kwarg="participant_pk", detail="data request form")
def request_new_for(request, participant_pk):
    """Register a request from the person's page."""
    return _request_form(request, participant_pk)


def _request_form(request, participant_pk):
    participant = None
    if participant_pk is not None:
        participant = access.get_participant_for(request.user, participant_pk)
    access.require_handler(request.user)
    form = DataRequestForm(request.POST or None, user=request.user, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            data_request = services.register_request(
                participant=form.participant,
                kind=form.cleaned_data["kind"],
                requested_by=form.cleaned_data["requested_by"],
                requester_name=form.cleaned_data["requester_name"],
                channel=form.cleaned_data["channel"],
                identity_checked=form.cleaned_data["identity_checked"],
                details=form.cleaned_data["details"],
                received_at=form.cleaned_data["received_at"],
                by=request.user,
            )
        except IllegalMove as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The request was registered. Answer it within 72 hours."))
            return redirect(data_request)
    return render(request, "rights/form.html", {"form": form, "participant": participant})


@reads_person_data(DataRequest)
def request_detail(request, pk):
    data_request = access.get_request_for(request.user, pk)
    return render(request, "rights/detail.html", _detail_context(request, data_request))


def _detail_context(request, data_request, *, review_form=None, answer_form=None):
    user = request.user
    return {
        "data_request": data_request,
        "participant": data_request.participant,
        "actions": DATA_REQUEST_ACTIONS.render(request, data_request),
        "can_review": data_request.may_move(DataRequest.Status.IN_REVIEW, user),
        "can_answer": data_request.may_move(DataRequest.Status.ANSWERED, user),
        "review_form": review_form or ReviewForm(),
        "answer_form": answer_form or AnswerForm(),
    }


@require_POST
def request_review(request, pk):
    data_request = access.get_request_for(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.start_review(
                data_request=data_request, by=request.user, note=form.cleaned_data["note"]
            )
        except IllegalMove as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The request is in review."))
    return redirect(data_request)


@require_POST
def request_answer(request, pk):
    data_request = access.get_request_for(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_request(
                data_request=data_request,
                outcome=form.cleaned_data["outcome"],
                answer=form.cleaned_data["answer"],
                refusal_ground=form.cleaned_data["refusal_ground"],
                refusal_explanation=form.cleaned_data["refusal_explanation"],
                by=request.user,
            )
        except IllegalMove as refused:
            # Not in review (yet, or any more): the page says where it stands.
            messages.error(request, str(refused))
            return redirect(data_request)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect(data_request)
    ctx = _detail_context(request, data_request, answer_form=form)
    return render(request, "rights/detail.html", ctx, status=400)
