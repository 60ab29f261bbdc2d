"""The reintegration outcome measure: its form, and its section of the case page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.access_log import reads_person_data
from accounts.workflow import IllegalMove

from . import access, outcomes, services
from .models import Case, OutcomeMeasure
from .outcome_forms import OutcomeMeasureForm

Occasion = OutcomeMeasure.Occasion


@reads_person_data(Case, detail="outcome measure {occasion}")
def outcome_new(request, pk, occasion):
    case = access.get_case_for(request.user, pk)
    if not access.can_record_outcome(request.user):
        raise PermissionDenied
    if occasion not in Occasion.values:
        raise Http404
    follow_up = None
    if "follow_up" in request.GET:
        visit = request.GET["follow_up"]
        if not visit.isdigit():
            raise Http404
        follow_up = get_object_or_404(case.follow_ups, pk=visit)
    label = Occasion(occasion).label
    if not case.is_open:
        messages.error(request, _("The case is closed: the measure is taken before it closes."))
        return redirect(case)
    if case.outcome_measures.filter(occasion=occasion).exists():
        messages.info(
            request,
            _("%(occasion)s: the measure is already recorded for this case.") % {"occasion": label},
        )
        return redirect(case)
    form = OutcomeMeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.record_outcome_measure(
                case=case,
                occasion=occasion,
                answers=form.answers(),
                by=request.user,
                taken_on=form.cleaned_data["taken_on"],
                follow_up=follow_up,
            )
        except IllegalMove as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _saved_message(measure))
            return redirect(_after_saving(case, follow_up))
    ctx = {
        "case": case,
        "form": form,
        "occasion_label": label,
        "follow_up": follow_up,
        "min_answered": outcomes.MIN_ANSWERED,
        "namesakes": list(case.namesakes()),
    }
    return render(request, "cases/outcome_form.html", ctx)


def _after_saving(case, follow_up):
    if follow_up is not None:
        try:
            return reverse("cases:follow_up_record", args=[case.pk, follow_up.month])
        except NoReverseMatch:
            pass
    return case.get_absolute_url()


def _saved_message(measure):
    """What was saved, with each dimension's change since intake when there is one."""
    label = measure.get_occasion_display()
    scores = outcomes.scores_of(measure)
    intake = None
    if measure.occasion != Occasion.INTAKE:
        intake = measure.case.outcome_measures.filter(occasion=Occasion.INTAKE).first()
    if intake is None:
        parts = "; ".join(
            f"{outcomes.DIMENSION_NAMES[dimension]} {scores[dimension]}"
            for dimension in outcomes.DIMENSIONS
        )
        message = _("Outcome measure saved (%(occasion)s): %(scores)s.")
        if measure.occasion != Occasion.INTAKE:
            message += " " + _("There is no measure at intake to compare with.")
        return message % {"occasion": label, "scores": parts}
    changes = "; ".join(
        _("%(dimension)s: %(before)s → %(after)s, %(change)s")
        % {
            "dimension": item.name,
            "before": item.before,
            "after": item.after,
            "change": str(item.label).lower(),
        }
        for item in outcomes.compare(outcomes.scores_of(intake), scores)
    )
    return _("Outcome measure saved (%(occasion)s). Since intake: %(changes)s.") % {
        "occasion": label,
        "changes": changes,
    }


def section(case, user):
    """The context of the case page's outcome section, in one query."""
    measures = {measure.occasion: measure for measure in case.outcome_measures.all()}
    may_record = access.can_record_outcome(user) and case.is_open
    rows = []
    for occasion, label in Occasion.choices:
        measure = measures.get(occasion)
        rows.append(
            {
                "label": label,
                "measure": measure,
                "cells": [
                    {"name": outcomes.DIMENSION_NAMES[dimension], "score": score}
                    for dimension, score in outcomes.scores_of(measure).items()
                ]
                if measure
                else [],
                "new_url": reverse("cases:outcome_new", args=[case.pk, occasion])
                if may_record and measure is None
                else "",
            }
        )
    intake = measures.get(Occasion.INTAKE)
    later = [measures[value] for value in Occasion.values[1:] if value in measures]
    latest = later[-1] if later else None
    changes = []
    if intake is not None and latest is not None:
        changes = outcomes.compare(outcomes.scores_of(intake), outcomes.scores_of(latest))
    return {
        "rows": rows,
        "dimensions": [outcomes.DIMENSION_NAMES[d] for d in outcomes.DIMENSIONS],
        "taken": bool(measures),
        "latest": latest,
        "changes": changes,
        "can_record": may_record,
        "question_count": len(outcomes.QUESTIONS),
        "threshold": outcomes.CHANGE_THRESHOLD,
    }
