"""Score forms: prefilled from the record, recomputed live by the server (htmx), saved as assessments."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rcp.accounts.audit import Kind, log_access
from rcp.accounts.once import submit_once
from rcp.accounts.permissions import get_patient_for_user, may_write_records, require
from scoring import registry

from . import models as m
from .prefill import known, prefill
from .record import PatientRecord
from .score_forms import evaluate, score_form_class


def _score(slug, lesion):
    try:
        score = registry.get(slug)
    except KeyError:
        raise Http404 from None
    applies = (
        slug in lesion.applicable_scores or slug in lesion.withheld_scores
        if lesion
        else slug not in m.LESION_SCORES
    )
    if not applies:
        raise Http404
    return score


def score_live(request, pk, slug, lesion_pk=None):
    """The result panel for the inputs posted so far (htmx): a few constant queries, nothing saved."""
    patient = get_patient_for_user(request.user, pk)
    lesion = get_object_or_404(m.TrackedLesion, pk=lesion_pk, patient=patient) if lesion_pk else None
    score = _score(slug, lesion)
    form = score_form_class(score)(request.POST)
    form.is_valid()
    context = {"score": score, "result": form.result, "missing": form.missing}
    return render(request, "patients/includes/score_result.html", context)


@require_http_methods(["GET", "POST"])
@submit_once
def score_form(request, pk, slug, lesion_pk=None):
    if request.method == "POST" and request.htmx:
        return score_live(request, pk, slug, lesion_pk)
    record = PatientRecord.load(request.user, pk)
    patient = record.patient
    lesion = None
    if lesion_pk is not None:
        lesion = next((lesion for lesion in record.lesions if lesion.pk == lesion_pk), None)
        if lesion is None:
            raise Http404
    score = _score(slug, lesion)
    if lesion is not None and slug in lesion.withheld_scores:  # e.g. Mirels of a fractured bone: say why
        messages.info(request, lesion.withheld_scores[slug])
        return redirect(f"{patient.get_absolute_url()}#lesion-{lesion.pk}")
    prefilled = prefill(slug, record, lesion)
    form_class = score_form_class(score)
    if request.method == "POST":
        form = form_class(request.POST, prefill=prefilled)
        if form.is_valid() and "save" in request.POST:
            require(may_write_records(request.user))
            with transaction.atomic():
                m.ScoreAssessment.objects.record(
                    form.result, patient=patient, lesion=lesion, user=request.user
                )
            messages.success(
                request,
                _("%(score)s saved: %(band)s.") % {"score": score.name, "band": form.result.band_label},
            )
            return redirect(f"{patient.get_absolute_url()}#{'lesions' if lesion else 'scores'}")
        result, missing = form.result, form.missing
    else:
        form = form_class(prefill=prefilled)
        result, missing = evaluate(score, known(prefilled))
    what = f"score={slug}" + (f" lesion={lesion.pk}" if lesion else "")
    log_access(request, Kind.SCORE, patient=patient, what=what)
    context = {
        "result": result,
        "missing": missing,
        "patient": patient,
        "lesion": lesion,
        "score": score,
        "form": form,
        "row": record.score_row(score, lesion),
        "can_write": may_write_records(request.user),
    }
    return render(
        request,
        "patients/score_form.html",
        context,
        status=400 if request.method == "POST" and form.errors else 200,
    )
