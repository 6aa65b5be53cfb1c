"""Presentation mode: the meeting's cases one by one, and the side panel that corrects or completes the
record during the meeting."""

import json

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patients.forms import LesionObservationForm
from patients.models import LesionObservation
from patients.services import save_observation, save_record
from patients.views import RECORD_KINDS

from ..accounts.audit import Kind, log_access
from ..accounts.once import submit_once
from ..accounts.permissions import get_meeting_for_user, may_organise, may_write_records, require
from ..dossier import dossiers
from ._common import agenda_cases


def _presented(request, pk, number):
    meeting = get_meeting_for_user(request.user, pk)
    cases = list(agenda_cases(meeting))
    if not 1 <= number <= len(cases):
        raise Http404
    case = cases[number - 1]
    [dossier] = dossiers(request.user, [case])
    # Each request of presentation mode shows the case (the page, its refresh, the side panel's forms).
    log_access(request, Kind.PRESENTATION, patient=case.patient, what=f"meeting={meeting.pk} case={case.pk}")
    return meeting, cases, dossier


# The parts of the record that can be added from the side panel during the meeting (the completeness
# list's "complete" opens the panel on them).
PANEL_KINDS = ("lab", "assessment", "exam", "treatment", "site", "event")


def present(request, pk, number=1):
    meeting, cases, dossier = _presented(request, pk, number)
    refresh = bool(request.htmx and request.GET.get("part") == "case")
    context = {
        "meeting": meeting,
        "dossier": dossier,
        "number": number,
        "total": len(cases),
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < len(cases) else None,
        "quorum": meeting.quorum(),
        "can_correct": may_write_records(request.user),
        "can_organise": may_organise(request.user),
        "panel_kinds": PANEL_KINDS,
        "refresh": refresh,  # the case part alone, with the panel's lesions out of band
    }
    template = "rcp/includes/present_case.html" if refresh else "rcp/present.html"
    return render(request, template, context)


def _panel_form(request, form, *, title, action, **extra):
    context = {"form": form, "title": title, "action": action, **extra}
    return render(request, "rcp/includes/panel_form.html", context, status=400 if form.errors else 200)


def _case_changed(response, **what):
    response["HX-Trigger"] = json.dumps({"case-changed": what})
    return response


@require_http_methods(["GET", "POST"])
def present_lesion(request, pk, number, lesion_pk):
    """Correct a lesion from the side panel of presentation mode; the case then refreshes."""
    meeting, _cases, dossier = _presented(request, pk, number)
    require(may_write_records(request.user))
    lesion = next((row for row in dossier.record.observations if row.pk == lesion_pk), None)
    if lesion is None:
        raise Http404
    form = LesionObservationForm(request.POST or None, instance=lesion)
    if request.method == "POST" and form.is_valid():
        lesion = save_observation(form=form, user=request.user)
        response = render(request, "rcp/includes/panel_saved.html", {"saved": lesion})
        return _case_changed(response, lesion=lesion.pk)
    action = reverse("rcp:present_lesion", args=[meeting.pk, number, lesion.pk])
    return _panel_form(request, form, title=lesion.site_label, action=action)


@require_http_methods(["GET", "POST"])
@submit_once
def present_record(request, pk, number, kind):
    """Add a missing lab, assessment, imaging exam, treatment, site or event from the side panel; the
    case then refreshes. As on the patient page, a new exam goes on to its first bone lesion."""
    meeting, _cases, dossier = _presented(request, pk, number)
    require(may_write_records(request.user))
    if kind not in PANEL_KINDS:
        raise Http404
    patient = dossier.record.patient
    model, form_class = RECORD_KINDS[kind]
    form = form_class(request.POST or None, instance=model(patient=patient))
    if request.method == "POST" and form.is_valid():
        obj = save_record(form, user=request.user, patient=patient)
        if kind == "exam":
            lesion_form = LesionObservationForm(instance=LesionObservation(exam=obj))
            response = _exam_lesion_form(request, meeting, number, obj, lesion_form, saved=obj)
        else:
            response = render(request, "rcp/includes/panel_saved.html", {"saved": obj})
        return _case_changed(response, kind=kind)
    action = reverse("rcp:present_record", args=[meeting.pk, number, kind])
    title = _("Add: %(what)s") % {"what": model._meta.verbose_name}
    return _panel_form(request, form, title=title, action=action, adding=True)


def _exam_lesion_form(request, meeting, number, exam, form, *, saved=None):
    action = reverse("rcp:present_exam_lesion", args=[meeting.pk, number, exam.pk])
    title = _("Add a bone lesion — %(exam)s") % {"exam": exam}
    return _panel_form(request, form, title=title, action=action, adding=True, add_another=True, saved=saved)


@require_http_methods(["GET", "POST"])
def present_exam_lesion(request, pk, number, exam_pk):
    """Add a bone lesion to an imaging exam of the case's patient from the side panel (the next step
    after adding the exam, as on the patient page); the case then refreshes."""
    meeting, _cases, dossier = _presented(request, pk, number)
    require(may_write_records(request.user))
    exam = next((exam for exam in dossier.record.exams if exam.pk == exam_pk), None)
    if exam is None:
        raise Http404
    form = LesionObservationForm(request.POST or None, instance=LesionObservation(exam=exam))
    if request.method == "POST" and form.is_valid():
        lesion = save_observation(form=form, user=request.user)
        if "add_another" in request.POST:
            fresh = LesionObservationForm(instance=LesionObservation(exam=exam))
            response = _exam_lesion_form(request, meeting, number, exam, fresh, saved=lesion)
        else:
            response = render(request, "rcp/includes/panel_saved.html", {"saved": lesion})
        return _case_changed(response, lesion=lesion.pk)
    return _exam_lesion_form(request, meeting, number, exam, form)
