from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access_log import reads_person_data
from accounts.models import AccessLog
from accounts.paging import page_of_rows
from accounts.workflow import IllegalMove

from . import access, services
from .filters import ParticipantFilter, search_detail
from .forms import (
    ArchiveForm,
    ConsentForm,
    DocumentForm,
    HouseholdMemberForm,
    MigrationEpisodeForm,
    ParticipantForm,
    TransferForm,
    WithdrawConsentForm,
)
from .models import (
    Consent,
    ConsentPurpose,
    MigrationEpisode,
    Participant,
    ParticipantTransfer,
    consent_summary,
)
from .pages import CONSENT_ACTIONS, PARTICIPANT_ACTIONS, PARTICIPANT_PAGE

PAGE_SIZE = 25


@reads_person_data(detail=search_detail)
def participant_list(request):
    access.require_reader(request.user)
    participants = (
        Participant.objects.visible_to(request.user)
        .select_related("village__parent")
        .with_latest_country()
        .order_by("-created_at", "-id")
    )
    filterset = ParticipantFilter(request.GET or None, queryset=participants, request=request)
    # The page's ids first, then their rows with village and country: a search ranks
    # thousands of names, and joining before the ranking would join them all.
    page = page_of_rows(
        filterset.qs.values_list("pk", flat=True), participants, request.GET.get("page"), PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "filters_used": any(value for key, value in query.items() if key != "q"),
        "can_edit": access.can_edit(request.user),
        "can_transfer": access.can_transfer(request.user),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "participants/list.html#results", ctx)
    return render(request, "participants/list.html", ctx)


def participant_new(request):
    access.require_editor(request.user)
    participant_form = ParticipantForm(request.POST or None, user=request.user)
    episode_form = MigrationEpisodeForm(request.POST or None)
    if request.method == "POST" and participant_form.is_valid() & episode_form.is_valid():
        participant = services.register_participant(
            participant_form=participant_form,
            episode_form=episode_form,
            office=request.user.office,
            by=request.user,
        )
        messages.success(
            request,
            _("%(name)s is registered as %(number)s.")
            % {"name": participant.full_name, "number": participant.registration_number},
        )
        return redirect(participant)
    ctx = {"form": participant_form, "episode_form": episode_form, "participant": None}
    return render(request, "participants/form.html", ctx)


def _the_record_as_shown():
    """Participants with all that their page shows, loaded in the access check's query."""
    return (
        Participant.objects.select_related(
            "village__parent__parent__parent", "office", "created_by", "archived_by"
        )
        .annotate(
            was_transferred=Exists(ParticipantTransfer.objects.filter(participant=OuterRef("pk")))
        )
        .prefetch_related(
            "problems",
            Prefetch("episodes", queryset=MigrationEpisode.objects.latest_first()),
            "household",
            # The latest decision first, the same order on every visit.
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("evidence").order_by(
                    "-given_at", "-recorded_at", "-pk"
                ),
            ),
            "documents",
        )
    )


@reads_person_data(Participant)
def participant_detail(request, pk):
    participant = access.get_participant_for(request.user, pk, queryset=_the_record_as_shown())
    if participant.is_merged:
        # A merged record is a tombstone: its links and bookmarks lead to the record kept.
        messages.info(
            request,
            _("%(number)s was merged into this record.")
            % {"number": participant.registration_number},
        )
        return redirect("participants:detail", participant.merged_into_id)
    summary = consent_summary(participant.consents.all())
    # Most records never move: their page spends no query on an empty history.
    transfers = (
        participant.transfers.with_offices().order_by("at", "pk")
        if participant.was_transferred
        else []
    )
    ctx = {
        "participant": participant,
        "episodes": participant.episodes.all(),
        "problems": access.visible_problems(request.user, participant.problems.all()),
        "can_read_every_problem": access.can_read_every_problem(request.user),
        "consent_rows": [(label, summary[value]) for value, label in ConsentPurpose.choices],
        "can_edit": access.can_edit(request.user),
        "can_read_narrative": access.can_read_narrative(request.user),
        "can_reveal_nik": access.can_reveal_nik(request.user),
        "can_archive": access.can_archive(request.user),
        "can_transfer": access.can_transfer(request.user),
        "transfers": transfers,
        "archive_form": ArchiveForm(),
        "actions": PARTICIPANT_ACTIONS.render(request, participant),
        "consent_actions": CONSENT_ACTIONS.render(request, participant),
        "panels": PARTICIPANT_PAGE.render(request, participant),
    }
    return render(request, "participants/detail.html", ctx)


@reads_person_data(Participant, detail="edit form")
def participant_edit(request, pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    episode = participant.latest_episode
    participant_form = ParticipantForm(
        request.POST or None, instance=participant, user=request.user
    )
    episode_form = MigrationEpisodeForm(request.POST or None, instance=episode)
    if request.method == "GET":
        # The form shows the whole NIK and KK number to edit them.
        services.reveal_identity_numbers(request, participant=participant, reason="edit form")
    if request.method == "POST" and participant_form.is_valid() & episode_form.is_valid():
        services.update_participant(participant_form=participant_form, episode_form=episode_form)
        messages.success(request, _("The record is saved."))
        return redirect(participant)
    ctx = {"form": participant_form, "episode_form": episode_form, "participant": participant}
    return render(request, "participants/form.html", ctx)


@require_POST
def participant_reveal_nik(request, pk):
    participant = access.get_participant_for(request.user, pk)
    if not access.can_reveal_nik(request.user) or not (participant.nik or participant.kk_number):
        raise Http404
    services.reveal_identity_numbers(request, participant=participant)
    ctx = {"participant": participant, "revealed": True}
    if request.htmx:
        return render(request, "participants/detail.html#numbers", ctx)
    return render(request, "participants/nik_revealed.html", ctx)


@require_POST
def participant_archive(request, pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    if not access.can_archive(request.user):
        raise PermissionDenied
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to archive the record."))
        return redirect(participant)
    services.archive_participant(
        participant=participant, by=request.user, reason=form.cleaned_data["archive_reason"]
    )
    messages.success(request, _("The record is archived. It stays in history and reports."))
    return redirect(participant)


@require_POST
def participant_restore(request, pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    if not access.can_archive(request.user):
        raise PermissionDenied
    services.restore_participant(participant=participant)
    messages.success(request, _("The record is active again."))
    return redirect(participant)


def participant_transfer(request, pk):
    participant = access.get_participant_for(request.user, pk)
    if not access.can_transfer(request.user):
        raise PermissionDenied
    form = TransferForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_participant(
                participant=participant,
                to_office=form.cleaned_data["to_office"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except IllegalMove as refusal:
            form.add_error(None, str(refusal))
        else:
            # The record has left the coordinator's office: its page is no longer theirs.
            messages.success(
                request,
                _("%(number)s is transferred to %(office)s.")
                % {"number": participant.registration_number, "office": transfer.to_office},
            )
            return redirect("participants:list")
    ctx = {"participant": participant, "form": form}
    return render(request, "participants/transfer.html", ctx)


@reads_person_data(detail="transfers")
def transfer_list(request):
    access.require_reader(request.user)
    if not access.can_transfer(request.user):
        raise PermissionDenied
    transfers = (
        ParticipantTransfer.objects.visible_to(request.user)
        .with_offices()
        .annotate(registration_number=F("participant__registration_number"))
        .order_by("-at", "-pk")
    )
    page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("page"))
    # Names only of the records the user may open now (those that came in), from the
    # same rule as every page; an outgoing record is named by its number alone.
    names = dict(
        Participant.objects.visible_to(request.user)
        .filter(pk__in={transfer.participant_id for transfer in page})
        .values_list("pk", "full_name")
    )
    ctx = {
        "page": page,
        "rows": [(transfer, names.get(transfer.participant_id)) for transfer in page],
    }
    return render(request, "participants/transfer_list.html", ctx)


def _child_form_view(request, participant, form_class, title, *, instance=None, save):
    """A small form that adds to or changes one part of a participant's record."""
    form = form_class(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        save(form)
        messages.success(request, _("Saved."))
        return redirect(participant)
    ctx = {"participant": participant, "form": form, "title": title}
    return render(request, "participants/part_form.html", ctx)


def _add_to(participant):
    @transaction.atomic
    def save(form):
        services.lock_unmerged(participant)
        part = form.save(commit=False)
        part.participant = participant
        part.save()

    return save


def household_new(request, pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    return _child_form_view(
        request,
        participant,
        HouseholdMemberForm,
        _("Add a family member"),
        save=_add_to(participant),
    )


@reads_person_data(Participant, detail="family member {member_pk}")
def household_edit(request, pk, member_pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    member = get_object_or_404(participant.household, pk=member_pk)
    if request.method == "GET" and member.nik:
        # The form shows the family member's whole NIK to edit it.
        services.reveal_identity_numbers(
            request, participant=participant, reason=f"family member {member.pk} edit form"
        )
    return _child_form_view(
        request,
        participant,
        HouseholdMemberForm,
        _("Family member"),
        instance=member,
        save=lambda form: form.save(),
    )


def episode_new(request, pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    return _child_form_view(
        request,
        participant,
        MigrationEpisodeForm,
        _("Add a period abroad"),
        save=_add_to(participant),
    )


@reads_person_data(Participant, detail="period abroad {episode_pk}")
def episode_edit(request, pk, episode_pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    episode = get_object_or_404(participant.episodes, pk=episode_pk)
    return _child_form_view(
        request,
        participant,
        MigrationEpisodeForm,
        _("Period abroad"),
        instance=episode,
        save=lambda form: form.save(),
    )


def consent_new(request, pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    return _child_form_view(
        request,
        participant,
        ConsentForm,
        _("Record consent"),
        save=lambda form: services.record_consent(
            participant=participant, consent_form=form, by=request.user
        ),
    )


def consent_withdraw(request, pk, consent_pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    consent = get_object_or_404(participant.consents, pk=consent_pk, withdrawn_at__isnull=True)
    form = WithdrawConsentForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        services.withdraw_consent(
            consent=consent, withdrawn_at=form.cleaned_data["withdrawn_at"], by=request.user
        )
        messages.success(request, _("The consent is withdrawn from that date."))
        return redirect(participant)
    ctx = {"participant": participant, "form": form, "title": _("Withdraw consent")}
    return render(request, "participants/part_form.html", ctx)


def document_upload(request, pk):
    participant = access.get_participant_for(request.user, pk, write=True)
    return _child_form_view(
        request,
        participant,
        DocumentForm,
        _("Upload a document"),
        save=lambda form: services.add_document(
            participant=participant,
            uploaded=form.cleaned_data["file"],
            type=form.cleaned_data["type"],
            description=form.cleaned_data["description"],
            content_type=form.content_type,
            extension=form.extension,
            by=request.user,
        ),
    )


def document_download(request, pk, document_pk):
    participant = access.get_participant_for(request.user, pk)
    document = get_object_or_404(participant.documents, pk=document_pk)
    AccessLog.record(request, AccessLog.Action.DOWNLOAD, obj=document)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
