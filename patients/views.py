from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rcp.accounts.audit import Kind, log_access, recent_accesses
from rcp.accounts.once import submit_once
from rcp.accounts.permissions import (
    get_patient_for_user,
    may_read_access_log,
    may_submit,
    may_write_records,
    patients_for,
    require,
)
from scoring import registry

from . import forms, record_cache
from . import models as m
from .history import patient_history
from .record import PatientRecord
from .services import (
    correct_lesion,
    merge_lesions,
    move_observation,
    save_observation,
    save_record,
    set_lesion_pain,
)

PAGE_SIZE = 25

# The parts of a record edited with the generic add/edit views: kind in the URL -> model and form.
RECORD_KINDS = {
    "molecular": (m.MolecularAlteration, forms.MolecularAlterationForm),
    "assessment": (m.ClinicalAssessment, forms.ClinicalAssessmentForm),
    "lab": (m.LabResult, forms.LabResultForm),
    "exam": (m.ImagingExam, forms.ImagingExamForm),
    "site": (m.MetastaticSite, forms.MetastaticSiteForm),
    "treatment": (m.Treatment, forms.TreatmentForm),
    "event": (m.SkeletalEvent, forms.SkeletalEventForm),
}


def _form_page(request, form, *, title, patient=None, cancel_url=None, status=200):
    if patient is not None:  # a form of the record shows the part it edits
        log_access(request, Kind.RECORD, patient=patient, what=f"form={request.resolver_match.url_name}")
    context = {"form": form, "title": title, "patient": patient, "cancel_url": cancel_url}
    return render(request, "patients/record_form.html", context, status=400 if form.errors else status)


@require_http_methods(["GET", "POST"])
def patient_list(request):
    """GET lists the patients; a search (name, IPP, INS, birth date) is POSTed, with the page of its
    results, so that identifying terms reach no URL: no access log, browser history or Referer."""
    data = (
        request.POST
        if request.method == "POST"
        else {"page": request.GET.get("page"), "sort": request.GET.get("sort")}
    )
    query = data.get("q", "").strip()
    sort = "name" if data.get("sort") == "name" else "recent"
    patients = patients_for(request.user).search(query)
    patients = patients.alphabetical() if sort == "name" else patients.order_by("-updated_at", "-pk")
    # The page reads its patients' keys and stamps; a line is rendered again only when its record changed.
    patients = patients.annotate(stamp=record_cache.stamp_subquery()).only("pk")
    page = Paginator(patients, PAGE_SIZE).get_page(data.get("page"))

    def render_rows(missing):
        related = m.Patient.objects.select_related("primary_tumour", "referring_physician")
        return {
            pk: render_to_string("patients/includes/patient_row.html", {"patient": patient})
            for pk, patient in related.in_bulk(missing).items()
        }

    lines = {patient.pk: (patient.pk, patient.stamp, ()) for patient in page.object_list}
    rows = record_cache.cached_many("patient-row", lines, render_rows)
    context = {
        "page": page,
        "rows": [mark_safe(rows[patient.pk]) for patient in page.object_list if patient.pk in rows],  # noqa: S308
        "query": query,
        "sort": sort,
        "can_write": may_write_records(request.user),
    }
    return render(request, "patients/patient_list.html", context)


@require_http_methods(["GET", "POST"])
@submit_once
def patient_create(request):
    require(may_write_records(request.user))
    if request.user.centre is None:
        raise Http404
    form = forms.PatientForm(request.POST or None, centre=request.user.centre)
    if request.method == "POST" and form.is_valid():
        patient = save_record(form, user=request.user)
        messages.success(request, _("Patient created. Add the primary tumour next."))
        return redirect("patients:tumour", pk=patient.pk)
    return _form_page(request, form, title=_("New patient"), cancel_url="patients:list")


def patient_detail(request, pk):
    patient = get_patient_for_user(
        request.user, pk, queryset=m.Patient.objects.annotate(stamp=record_cache.stamp_subquery())
    )
    log_access(request, Kind.RECORD, patient=patient)
    can_write, can_submit = may_write_records(request.user), may_submit(request.user)

    def record_page():
        record = PatientRecord.load(request.user, pk)
        context = {
            "record": record,
            "patient": record.patient,
            "score_rows": record.score_rows,  # also gives each lesion its score rows
            "can_write": can_write,
            "can_submit": can_submit,
        }
        return render_to_string("patients/includes/record_page.html", context)

    flags = (can_write, can_submit)
    context = {
        "patient": patient,
        # Rendered again only when the record has changed (its stamp), or the day, language or flags.
        "record_page": mark_safe(  # noqa: S308 - rendered by the template above
            record_cache.cached_one("patient-page", patient.pk, patient.stamp, flags, record_page)
        ),
        # "Who opened this record", for a user who holds the privacy officer's permission too
        "accesses": recent_accesses(patient) if may_read_access_log(request.user) else None,
    }
    return render(request, "patients/patient_detail.html", context)


@require_http_methods(["GET", "POST"])
def patient_edit(request, pk):
    patient = get_patient_for_user(request.user, pk, write=True)
    form = forms.PatientForm(request.POST or None, instance=patient, centre=patient.centre)
    if request.method == "POST" and form.is_valid():
        save_record(form, user=request.user)
        messages.success(request, _("Identity saved."))
        return redirect(patient)
    return _form_page(request, form, title=_("Identity"), patient=patient)


@require_http_methods(["GET", "POST"])
def tumour_edit(request, pk):
    patient = get_patient_for_user(request.user, pk, write=True)
    tumour = m.PrimaryTumour.objects.filter(patient=patient).first() or m.PrimaryTumour(patient=patient)
    form = forms.PrimaryTumourForm(request.POST or None, instance=tumour)
    if request.method == "POST" and form.is_valid():
        save_record(form, user=request.user, patient=patient)
        messages.success(request, _("Primary tumour saved."))
        return redirect(patient)
    return _form_page(request, form, title=_("Primary tumour"), patient=patient)


def _record_kind(kind):
    try:
        return RECORD_KINDS[kind]
    except KeyError:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@submit_once
def record_edit(request, pk, kind, record_pk=None):
    """Add (record_pk None) or edit one dated part of the record."""
    patient = get_patient_for_user(request.user, pk, write=True)
    model, form_class = _record_kind(kind)
    if record_pk is None:
        instance = model(patient=patient)
        title = _("Add: %(what)s") % {"what": model._meta.verbose_name}
    else:
        instance = get_object_or_404(model, pk=record_pk, patient=patient)
        title = _("Edit: %(what)s") % {"what": instance}
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = save_record(form, user=request.user, patient=patient)
        messages.success(request, _("%(what)s saved.") % {"what": str(model._meta.verbose_name).capitalize()})
        if kind == "exam" and record_pk is None:
            return redirect("patients:lesion_add", pk=patient.pk, exam_pk=obj.pk)
        return redirect(patient)
    return _form_page(request, form, title=title, patient=patient)


@require_http_methods(["GET", "POST"])
@submit_once
def lesion_edit(request, pk, exam_pk=None, lesion_pk=None):
    """Add a lesion to an exam (exam_pk) or edit one (lesion_pk)."""
    patient = get_patient_for_user(request.user, pk, write=True)
    if lesion_pk is None:
        exam = get_object_or_404(m.ImagingExam, pk=exam_pk, patient=patient)
        lesion = m.LesionObservation(exam=exam)
        title = _("Add a bone lesion — %(exam)s") % {"exam": exam}
    else:
        lesion = get_object_or_404(
            m.LesionObservation.objects.select_related("exam", "lesion"), pk=lesion_pk, exam__patient=patient
        )
        title = _("Edit the bone lesion — %(exam)s") % {"exam": lesion.exam}
    form = forms.LesionObservationForm(request.POST or None, instance=lesion)
    if request.method == "POST" and form.is_valid():
        save_observation(form=form, user=request.user)
        messages.success(request, _("Bone lesion saved: %(site)s.") % {"site": lesion.site_label})
        if "add_another" in request.POST:
            return redirect("patients:lesion_add", pk=patient.pk, exam_pk=lesion.exam_id)
        return redirect(patient)
    return _form_page(request, form, title=title, patient=patient)


@require_http_methods(["GET", "POST"])
@submit_once
def lesion_detail(request, pk, lesion_pk):
    """One tracked lesion: its history (observations by exam date, treatments, scores) and its pain,
    which a clinician edits here; the lesion's saved scores are then recomputed with it."""
    record = PatientRecord.load(request.user, pk)
    patient = record.patient
    lesion = next((lesion for lesion in record.lesions if lesion.pk == lesion_pk), None)
    if lesion is None:
        raise Http404
    record.score_rows  # noqa: B018 - gives the lesion its score rows
    writer = may_write_records(request.user)
    form = forms.LesionPainForm(request.POST or None, instance=lesion) if writer else None
    if request.method == "POST":
        require(may_write_records(request.user))
        if form.is_valid():
            set_lesion_pain(form=form, record=record, user=request.user)
            messages.success(request, _("Pain of %(lesion)s saved.") % {"lesion": lesion.label})
            return redirect("patients:lesion_detail", pk=patient.pk, lesion_pk=lesion.pk)
    log_access(request, Kind.RECORD, patient=patient, what=f"lesion={lesion.pk}")
    scores = [a for a in patient.score_assessments.all() if a.lesion_id == lesion.pk]
    context = {
        "patient": patient,
        "record": record,
        "lesion": lesion,
        "form": form,
        "can_write": writer,
        "scores": scores,
        "corrected_scores": registry.with_corrections(assessment.score for assessment in scores),
    }
    return render(
        request, "patients/lesion_detail.html", context, status=400 if form and form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@submit_once
def lesion_correct(request, pk, lesion_pk):
    """Correct a tracked lesion by hand, with a reason kept in the history: its site and status, a
    duplicate merged into it, an observation filed under it that belongs to another lesion."""
    record = PatientRecord.load(request.user, pk)  # another centre's patient: 404 first
    require(may_write_records(request.user))
    patient = record.patient
    lesion = next((lesion for lesion in record.lesions if lesion.pk == lesion_pk), None)
    if lesion is None:
        raise Http404
    others = [other for other in record.lesions if other.pk != lesion.pk]
    observations = lesion.observations_newest_first
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action else None
    site_form = forms.LesionSiteForm(data if action == "site" else None, lesion=lesion, prefix="site")
    merge_form = (
        forms.LesionMergeForm(
            data if action == "merge" else None, lesion=lesion, others=others, prefix="merge"
        )
        if others
        else None
    )
    move_form = (
        forms.ObservationMoveForm(
            data if action == "move" else None, observations=observations, others=others, prefix="move"
        )
        if others and observations
        else None
    )
    posted = {"site": site_form, "merge": merge_form, "move": move_form}.get(action)
    if action and posted is None:
        raise Http404
    if posted is not None and posted.is_valid():
        cleaned, user = posted.cleaned_data, request.user
        try:
            if posted is site_form:
                corrected = correct_lesion(
                    lesion=lesion, **{name: cleaned[name] for name in posted.SITE_FIELDS},
                    status=cleaned["status"], reason=cleaned["reason"], user=user,
                )  # fmt: skip
                messages.success(request, _("Lesion %(label)s corrected.") % {"label": corrected.site_label})
                if any(other.site_key == corrected.site_key for other in others):
                    messages.info(
                        request,
                        _("Another lesion of this patient is at this site: merge them if they are the same."),
                    )
            elif posted is merge_form:
                merge_lesions(kept=lesion, absorbed=cleaned["absorbed"], reason=cleaned["reason"], user=user)
                messages.success(
                    request,
                    _("Lesion %(absorbed)s merged into %(kept)s.")
                    % {"absorbed": cleaned["absorbed"].label, "kept": lesion.label},
                )
            else:
                move_observation(
                    observation=cleaned["observation"],
                    lesion=cleaned["lesion"],
                    reason=cleaned["reason"],
                    user=user,
                )
                messages.success(
                    request, _("Observation moved to %(label)s.") % {"label": cleaned["lesion"].label}
                )
            return redirect("patients:lesion_detail", pk=patient.pk, lesion_pk=lesion.pk)
        except ValidationError as error:
            posted.add_service_errors(error)
    log_access(request, Kind.RECORD, patient=patient, what=f"lesion_correct={lesion.pk}")
    context = {
        "patient": patient,
        "lesion": lesion,
        "site_form": site_form,
        "merge_form": merge_form,
        "move_form": move_form,
        "title": _("Correct the lesion %(label)s") % {"label": lesion.label},
    }
    status = 400 if posted is not None and posted.errors else 200
    return render(request, "patients/lesion_correct.html", context, status=status)


def history(request, pk):
    patient = get_patient_for_user(request.user, pk)
    log_access(request, Kind.HISTORY, patient=patient)
    return render(request, "patients/history.html", {"patient": patient, "entries": patient_history(patient)})
