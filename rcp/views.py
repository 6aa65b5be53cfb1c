"""The board's pages: meetings and their agenda, case submission, attendance, dossiers, presentation."""

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patients.forms import LesionObservationForm
from patients.models import LesionObservation
from patients.record import PatientRecord
from patients.services import save_observation, save_record
from patients.views import RECORD_KINDS

from . import agenda, forms, meetings
from .accounts.audit import Kind, log_access, log_accesses
from .accounts.once import submit_once
from .accounts.permissions import (
    get_board_for_user,
    get_case_for_user,
    get_meeting_for_user,
    may_chair,
    may_organise,
    may_submit,
    may_write_records,
    require,
)
from .boards import centre_board
from .dossier import corrected_scores, dossiers
from .models import Attendance, CaseSubmission, Meeting

MEETINGS_PER_PAGE = 20


def _form_page(request, form, title):
    return render(
        request, "rcp/form.html", {"form": form, "title": title}, status=400 if form.errors else 200
    )


def _attendance(meeting):
    """(attendances with their users, quorum of those present), in one query."""
    attendances = list(meeting.attendances.select_related("user"))
    return attendances, meeting.board.quorum([a.specialty for a in attendances if a.present])


def _agenda_cases(meeting):
    return meeting.agenda().select_related("patient", "presenting_physician")


def refuse_when_closed(view):
    """A change to a closed meeting answers 403 with the reason: a page, or a line for htmx."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except meetings.MeetingClosed as closed:
            if request.htmx:
                return HttpResponse(str(closed), status=403, content_type="text/plain; charset=utf-8")
            context = {"meeting": closed.meeting, "message": str(closed)}
            return render(request, "rcp/meeting_closed.html", context, status=403)

    return wrapper


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (the others at the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _redirect_next(request, fallback):
    """To the `next` address posted with a form if it is on this site (never another host's), else to
    `fallback`."""
    target = request.POST.get("next", "")
    local = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if local else fallback)


# Meetings -------------------------------------------------------------------------------------------


def meeting_list(request):
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("chair", "board")
        .upcoming_first()
        .prefetch_related(
            Prefetch("cases", queryset=CaseSubmission.objects.exclude(status="removed").order_by("position"))
        )
    )
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    waiting = list(
        CaseSubmission.objects.visible_to(request.user)
        .filter(status=CaseSubmission.Status.SUBMITTED)
        .select_related("patient")
    )
    cases = [case for meeting in page for case in meeting.cases.all()] + waiting
    records = PatientRecord.load_many(request.user, {case.patient_id for case in cases})
    from .completeness import case_gaps

    for meeting in page:
        meeting.case_list = list(meeting.cases.all())
        meeting.incomplete = sum(1 for case in meeting.case_list if case_gaps(case, records[case.patient_id]))
    context = {
        "page": page,
        "waiting": waiting,
        "can_organise": may_organise(request.user),
        "can_submit": may_submit(request.user),
    }
    return render(request, "rcp/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
@refuse_when_closed
@submit_once
def meeting_edit(request, pk=None):
    if pk is None:
        require(may_organise(request.user))
        # The centre's board, if it has one: its first meeting creates it when saved (never a GET).
        meeting = Meeting(board=centre_board(request.user.centre))
        if may_chair(request.user):
            meeting.chair = request.user
    else:
        meeting = get_meeting_for_user(request.user, pk, organise=True)
        meetings.ensure_open(meeting)
    form = forms.MeetingForm(request.POST or None, instance=meeting, centre=request.user.centre)
    if request.method == "POST" and form.is_valid():
        meeting = meetings.save_meeting(form=form, user=request.user)
        messages.success(request, _("Meeting saved."))
        return redirect(meeting)
    title = _("New meeting") if pk is None else _("Edit the meeting")
    return _form_page(request, form, title)


@require_POST
@refuse_when_closed
def meeting_status(request, pk, action):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    if action == "start":
        try:
            meetings.start_meeting(meeting=meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    elif action == "reopen":
        meetings.reopen_meeting(meeting=meeting, user=request.user)
        messages.success(request, _("Meeting reopened: the cases carried over stay where they went."))
    elif action == "close":
        return redirect("rcp:meeting_close", pk=meeting.pk)  # closing asks what happens to each case
    else:
        raise Http404
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
def meeting_close(request, pk):
    """Closing: a required choice for every case without a validated decision, urgent first."""
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    if not meeting.is_open:
        messages.info(request, meetings.closed_message(meeting))
        return redirect(meeting)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        messages.error(request, _("Start the meeting before closing it."))
        return redirect(meeting)
    cases = list(meetings.undecided_cases(meeting).select_related("patient", "presenting_physician"))
    form = forms.CloseMeetingForm(request.POST if request.method == "POST" else None, cases=cases)
    if form.is_bound and form.is_valid():
        try:
            meetings.close_meeting(meeting=meeting, user=request.user, outcomes=form.outcomes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting closed."))
            return redirect(meeting)
    context = {"meeting": meeting, "form": form, "next_meeting": meetings.next_meeting(meeting)}
    return render(request, "rcp/meeting_close.html", context, status=400 if form.errors else 200)


def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    attendances, quorum = _attendance(meeting)
    context = {
        "meeting": meeting,
        "can_start": meetings.can_start(meeting),
        "can_reopen": meetings.can_reopen(request.user, meeting),
        "closed_message": "" if meeting.is_open else meetings.closed_message(meeting),
        "agenda": dossiers(request.user, _agenda_cases(meeting)),
        "attendances": attendances,
        "quorum": quorum,
        "attendance_form": forms.AttendanceForm(
            meeting=meeting, initial={"present": [a.user_id for a in attendances if a.user_id and a.present]}
        ),
        "guest_form": forms.GuestForm(),
        "waiting": CaseSubmission.objects.visible_to(request.user)
        .filter(status=CaseSubmission.Status.SUBMITTED)
        .select_related("patient"),
        "can_organise": may_organise(request.user),
        "can_submit": may_submit(request.user),
        "can_write": may_write_records(request.user),  # the completeness links lead to the record's forms
    }
    return render(request, "rcp/meeting_detail.html", context)


# Agenda ---------------------------------------------------------------------------------------------


@require_POST
@refuse_when_closed
def agenda_move(request, pk, case_pk, direction):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    moved = direction in agenda.DIRECTIONS and agenda.move_case(
        meeting=meeting, case_id=case_pk, direction=direction, user=request.user
    )
    if not moved:  # not a direction, or not a case of this agenda
        raise Http404
    return redirect(f"{meeting.get_absolute_url()}#case-{case_pk}")


@require_POST
@refuse_when_closed
def agenda_order(request, pk):
    """The new order of the whole agenda (drag and drop): `order` = case ids, comma-separated."""
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    try:
        ids = [int(part) for part in request.POST.get("order", "").split(",") if part]
    except ValueError:
        return HttpResponseBadRequest("order")
    if not agenda.reorder_agenda(meeting=meeting, ordered_ids=ids, user=request.user):
        return HttpResponseBadRequest("order")
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(meeting)


@require_POST
@refuse_when_closed
def agenda_add_waiting(request, pk):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    waiting = CaseSubmission.objects.visible_to(request.user).filter(status=CaseSubmission.Status.SUBMITTED)
    agenda.add_waiting_cases(meeting=meeting, cases=waiting, user=request.user)
    return redirect(meeting)


# Cases ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@refuse_when_closed
@submit_once
def case_create(request):
    require(may_submit(request.user))
    initial = {"presenting_physician": request.user.pk, "patient": request.GET.get("patient")}
    form = forms.CaseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = agenda.submit_case(form=form, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if case.meeting:
                messages.success(
                    request, _("Case submitted to the meeting %(meeting)s.") % {"meeting": case.meeting}
                )
                return redirect(case.meeting)
            messages.success(request, _("Case submitted: it waits for the next meeting to be opened."))
            return redirect("rcp:meetings")
    return _form_page(request, form, _("Submit a case to the board"))


@require_http_methods(["GET", "POST"])
@refuse_when_closed
def case_edit(request, pk):
    case = get_case_for_user(request.user, pk, submit=True)
    meetings.ensure_open(case.meeting)
    form = forms.CaseForm(request.POST or None, instance=case, user=request.user)
    form.fields["meeting"].disabled = True
    form.fields["patient"].disabled = True
    if request.method == "POST" and form.is_valid():
        agenda.update_case(form=form, user=request.user)
        messages.success(request, _("Case saved."))
        return redirect(case.meeting or "rcp:meetings")
    return _form_page(request, form, _("Edit the case"))


@require_http_methods(["GET", "POST"])
@refuse_when_closed
def case_postpone(request, pk):
    case = get_case_for_user(request.user, pk, organise=True)
    if case.meeting is None:
        raise Http404
    meetings.ensure_open(case.meeting)
    form = forms.PostponeForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        origin = case.meeting
        agenda.postpone_case(case=case, meeting=form.cleaned_data["meeting"], user=request.user)
        messages.success(request, _("Case postponed to %(meeting)s.") % {"meeting": case.meeting})
        return redirect(origin)
    return _form_page(request, form, _("Postpone the case"))


@require_POST
@refuse_when_closed
def case_remove(request, pk):
    case = get_case_for_user(request.user, pk, organise=True)
    agenda.remove_case(case=case, user=request.user)
    messages.success(request, _("Case removed from the agenda."))
    return redirect(case.meeting or "rcp:meetings")


@require_POST
@refuse_when_closed
def case_discussed(request, pk):
    """The board has discussed the case; without quorum it is flagged to be presented again."""
    case = get_case_for_user(request.user, pk, organise=True)
    if case.meeting is None:
        raise Http404
    agenda.mark_discussed(case=case, user=request.user)
    if not case.discussed_with_quorum:
        messages.warning(request, _("Discussed without quorum: the case must be presented again."))
    return _redirect_next(request, case.meeting.get_absolute_url())


# Attendance and quorum ------------------------------------------------------------------------------


@require_POST
@refuse_when_closed
@submit_once
def attendance(request, pk):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    meetings.ensure_open(meeting)
    if "guest_name" in request.POST:
        form = forms.GuestForm(request.POST, instance=Attendance(meeting=meeting))
        if form.is_valid():
            meetings.add_guest(meeting=meeting, form=form, user=request.user)
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif "remove_guest" in request.POST:
        try:
            guest = int(request.POST["remove_guest"])
        except ValueError:
            return HttpResponseBadRequest("remove_guest")
        meetings.remove_guest(meeting=meeting, attendance_id=guest, user=request.user)
    else:
        form = forms.AttendanceForm(request.POST, meeting=meeting)
        if form.is_valid():
            meetings.set_attendance(meeting=meeting, present=form.cleaned_data["present"], user=request.user)
    return redirect(f"{meeting.get_absolute_url()}#attendance")


@require_http_methods(["GET", "POST"])
def board_edit(request, pk):
    board = get_board_for_user(request.user, pk, organise=True)
    form = forms.BoardForm(request.POST or None, instance=board)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Quorum rule saved."))
        return redirect("rcp:meetings")
    return _form_page(request, form, _("Quorum rule"))


# Dossiers -------------------------------------------------------------------------------------------


def case_dossier(request, pk):
    case = get_case_for_user(request.user, pk)
    log_access(request, Kind.DOSSIER, patient=case.patient, what=f"case={case.pk}")
    [dossier] = dossiers(request.user, [case])
    context = {"dossier": dossier, "case": case, "case_history": meetings.case_history(case)}
    return render(request, "rcp/case_dossier.html", context)


def meeting_dossier(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    context = _meeting_dossier_context(request, meeting)
    _log_agenda(request, Kind.DOSSIER, context["agenda"], what=f"meeting={meeting.pk}")
    return render(request, "rcp/meeting_dossier.html", context)


def _log_agenda(request, kind, shown, *, what):
    """One access-log row per patient whose dossier the page shows (one INSERT)."""
    log_accesses(request, kind, [dossier.record.patient for dossier in shown], what=what)


def _meeting_dossier_context(request, meeting):
    attendances, quorum = _attendance(meeting)
    agenda = dossiers(request.user, _agenda_cases(meeting))
    return {
        "meeting": meeting,
        "agenda": agenda,
        "corrected_scores": corrected_scores(agenda),
        "attendances": attendances,
        "quorum": quorum,
        "generated_at": timezone.now(),
    }


def meeting_dossier_pdf(request, pk):
    from django.template.loader import render_to_string

    from .pdf import render_pdf

    meeting = get_meeting_for_user(request.user, pk)
    context = _meeting_dossier_context(request, meeting)
    _log_agenda(request, Kind.DOWNLOAD, context["agenda"], what=f"meeting={meeting.pk} dossier.pdf")
    html = render_to_string("rcp/meeting_dossier_pdf.html", context, request=None)
    pdf = render_pdf(
        html,
        title=_("Dossier — %(meeting)s") % {"meeting": meeting},
        author=meeting.board.centre.name,
        subject=_("Cases for the tumour board"),
        keywords=["RCP", "dossier"],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="dossier-rcp-{meeting.pk}-{meeting.starts_at:%Y%m%d}.pdf"'
    )
    return response


# Presentation mode ----------------------------------------------------------------------------------


def _presented(request, pk, number):
    meeting = get_meeting_for_user(request.user, pk)
    cases = list(_agenda_cases(meeting))
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
