"""The board's pages: meetings and their agenda, case submission, attendance, dossiers, presentation."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patients.access import can_write
from patients.forms import BoneLesionForm
from patients.models import BoneLesion
from patients.record import PatientRecord
from patients.services import refresh_lesion_scores, save_record
from patients.views import RECORD_KINDS

from . import forms
from .access import can_organise, can_submit, get_case_for_user, get_meeting_for_user
from .dossier import dossiers
from .models import Attendance, Board, CaseSubmission, Meeting

MEETINGS_PER_PAGE = 20


def _board_for(user) -> Board:
    board = Board.objects.filter(centre=user.centre).order_by("pk").first()
    return board or Board.objects.create(centre=user.centre)


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
        "can_organise": can_organise(request.user),
        "can_submit": can_submit(request.user),
    }
    return render(request, "rcp/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk=None):
    if pk is None:
        if not can_organise(request.user):
            raise PermissionDenied
        meeting = Meeting(board=_board_for(request.user), chair=request.user)
    else:
        meeting = get_meeting_for_user(request.user, pk, organise=True)
    form = forms.MeetingForm(request.POST or None, instance=meeting, centre=request.user.centre)
    if request.method == "POST" and form.is_valid():
        meeting = save_record(form, user=request.user)
        messages.success(request, _("Meeting saved."))
        return redirect(meeting)
    title = _("New meeting") if pk is None else _("Edit the meeting")
    return _form_page(request, form, title)


@require_POST
def meeting_status(request, pk, action):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    statuses = {
        "start": Meeting.Status.IN_PROGRESS,
        "close": Meeting.Status.CLOSED,
        "reopen": Meeting.Status.PLANNED,
    }
    if action not in statuses:
        raise Http404
    meeting.status = statuses[action]
    meeting._history_user = request.user
    meeting.save(update_fields=["status"])
    return redirect(meeting)


def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    agenda = dossiers(request.user, _agenda_cases(meeting))
    attendances, quorum = _attendance(meeting)
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "attendances": attendances,
        "quorum": quorum,
        "attendance_form": forms.AttendanceForm(
            meeting=meeting, initial={"present": [a.user_id for a in attendances if a.user_id and a.present]}
        ),
        "guest_form": forms.GuestForm(),
        "waiting": CaseSubmission.objects.visible_to(request.user)
        .filter(status=CaseSubmission.Status.SUBMITTED)
        .select_related("patient"),
        "can_organise": can_organise(request.user),
        "can_submit": can_submit(request.user),
    }
    return render(request, "rcp/meeting_detail.html", context)


# Agenda ---------------------------------------------------------------------------------------------


def _renumber(meeting, ordered_ids, user):
    with transaction.atomic():
        cases = {case.pk: case for case in meeting.agenda().select_for_update()}
        if set(ordered_ids) != set(cases):
            return False
        for position, case_id in enumerate(ordered_ids, start=1):
            case = cases[case_id]
            if case.position != position:
                case.position = position
                case._history_user = user
                case.save(update_fields=["position"])
    return True


@require_POST
def agenda_move(request, pk, case_pk, direction):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    ids = list(meeting.agenda().values_list("pk", flat=True))
    if case_pk not in ids or direction not in {"up", "down"}:
        raise Http404
    index = ids.index(case_pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        _renumber(meeting, ids, request.user)
    return redirect(f"{meeting.get_absolute_url()}#case-{case_pk}")


@require_POST
def agenda_order(request, pk):
    """The new order of the whole agenda (drag and drop): `order` = case ids, comma-separated."""
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    try:
        ids = [int(part) for part in request.POST.get("order", "").split(",") if part]
    except ValueError:
        return HttpResponseBadRequest("order")
    if not _renumber(meeting, ids, request.user):
        return HttpResponseBadRequest("order")
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(meeting)


@require_POST
def agenda_add_waiting(request, pk):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    waiting = CaseSubmission.objects.visible_to(request.user).filter(status=CaseSubmission.Status.SUBMITTED)
    with transaction.atomic():
        position = meeting.next_position()
        for case in waiting.order_by("submitted_at"):
            case.meeting, case.status, case.position = meeting, CaseSubmission.Status.SCHEDULED, position
            case._history_user = request.user
            case.save(update_fields=["meeting", "status", "position"])
            position += 1
    return redirect(meeting)


# Cases ----------------------------------------------------------------------------------------------


def _schedule(case, meeting):
    if meeting is None:
        meeting = (
            Meeting.objects.filter(
                board__centre_id=case.patient.centre_id,
                status=Meeting.Status.PLANNED,
                starts_at__gte=timezone.now(),
            )
            .order_by("starts_at")
            .first()
        )
    case.meeting = meeting
    if meeting is None:
        case.status = CaseSubmission.Status.SUBMITTED
    else:
        case.status = CaseSubmission.Status.SCHEDULED
        case.position = meeting.next_position()
        if case.is_urgent and meeting.status == Meeting.Status.IN_PROGRESS:
            case.position = 0  # an urgent case added during the meeting comes first


@require_http_methods(["GET", "POST"])
def case_create(request):
    if not can_submit(request.user):
        raise PermissionDenied
    initial = {"presenting_physician": request.user.pk, "patient": request.GET.get("patient")}
    form = forms.CaseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            case = form.save(commit=False)
            case.urgency = form.cleaned_data["urgency"]
            case.submitted_by = request.user
            _schedule(case, form.cleaned_data.get("meeting"))
            case._history_user = request.user
            case.save()
        if case.meeting:
            messages.success(
                request, _("Case submitted to the meeting %(meeting)s.") % {"meeting": case.meeting}
            )
            return redirect(case.meeting)
        messages.success(request, _("Case submitted: it waits for the next meeting to be opened."))
        return redirect("rcp:meetings")
    return _form_page(request, form, _("Submit a case to the board"))


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = get_case_for_user(request.user, pk, submit=True)
    form = forms.CaseForm(request.POST or None, instance=case, user=request.user)
    form.fields["meeting"].disabled = True
    form.fields["patient"].disabled = True
    if request.method == "POST" and form.is_valid():
        case.urgency = form.cleaned_data["urgency"]
        save_record(form, user=request.user)
        messages.success(request, _("Case saved."))
        return redirect(case.meeting or "rcp:meetings")
    return _form_page(request, form, _("Edit the case"))


@require_http_methods(["GET", "POST"])
def case_postpone(request, pk):
    case = get_case_for_user(request.user, pk, organise=True)
    if case.meeting is None:
        raise Http404
    form = forms.PostponeForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        origin = case.meeting
        with transaction.atomic():
            case.meeting = form.cleaned_data["meeting"]
            case.position = case.meeting.next_position()
            case.status = CaseSubmission.Status.SCHEDULED
            case._history_user = request.user
            case._change_reason = f"postponed from meeting {origin.pk}"
            case.save()
        messages.success(request, _("Case postponed to %(meeting)s.") % {"meeting": case.meeting})
        return redirect(origin)
    return _form_page(request, form, _("Postpone the case"))


@require_POST
def case_remove(request, pk):
    case = get_case_for_user(request.user, pk, organise=True)
    case.status = CaseSubmission.Status.REMOVED
    case._history_user = request.user
    case.save(update_fields=["status"])
    messages.success(request, _("Case removed from the agenda."))
    return redirect(case.meeting or "rcp:meetings")


@require_POST
def case_discussed(request, pk):
    """The board has discussed the case; without quorum it is flagged to be presented again."""
    case = get_case_for_user(request.user, pk, organise=True)
    if case.meeting is None:
        raise Http404
    case.status = CaseSubmission.Status.DISCUSSED
    case.discussed_at = timezone.now()
    case.discussed_with_quorum = case.meeting.quorum().ok
    case._history_user = request.user
    case.save(update_fields=["status", "discussed_at", "discussed_with_quorum"])
    if not case.discussed_with_quorum:
        messages.warning(request, _("Discussed without quorum: the case must be presented again."))
    return redirect(request.POST.get("next") or case.meeting.get_absolute_url())


# Attendance and quorum ------------------------------------------------------------------------------


@require_POST
def attendance(request, pk):
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    if "guest_name" in request.POST:
        form = forms.GuestForm(request.POST, instance=Attendance(meeting=meeting))
        if form.is_valid():
            form.save()
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif "remove_guest" in request.POST:
        meeting.attendances.filter(pk=request.POST["remove_guest"], user__isnull=True).delete()
    else:
        form = forms.AttendanceForm(request.POST, meeting=meeting)
        if form.is_valid():
            present = {user.pk: user for user in form.cleaned_data["present"]}
            with transaction.atomic():
                existing = {a.user_id: a for a in meeting.attendances.filter(user__isnull=False)}
                for user_id, row in existing.items():
                    if row.present != (user_id in present):
                        row.present = user_id in present
                        row.save(update_fields=["present"])
                Attendance.objects.bulk_create(
                    Attendance(meeting=meeting, user=user, specialty=user.specialty)
                    for user_id, user in present.items()
                    if user_id not in existing
                )
    return redirect(f"{meeting.get_absolute_url()}#attendance")


@require_http_methods(["GET", "POST"])
def board_edit(request, pk):
    board = get_object_or_404(Board, pk=pk, centre=request.user.centre)
    if not can_organise(request.user):
        raise PermissionDenied
    form = forms.BoardForm(request.POST or None, instance=board)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Quorum rule saved."))
        return redirect("rcp:meetings")
    return _form_page(request, form, _("Quorum rule"))


# Dossiers -------------------------------------------------------------------------------------------


def case_dossier(request, pk):
    case = get_case_for_user(request.user, pk)
    [dossier] = dossiers(request.user, [case])
    return render(request, "rcp/case_dossier.html", {"dossier": dossier, "case": case})


def meeting_dossier(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    return render(request, "rcp/meeting_dossier.html", _meeting_dossier_context(request, meeting))


def _meeting_dossier_context(request, meeting):
    attendances, quorum = _attendance(meeting)
    return {
        "meeting": meeting,
        "agenda": dossiers(request.user, _agenda_cases(meeting)),
        "attendances": attendances,
        "quorum": quorum,
        "generated_at": timezone.now(),
    }


def meeting_dossier_pdf(request, pk):
    from django.template.loader import render_to_string

    from .pdf import render_pdf

    meeting = get_meeting_for_user(request.user, pk)
    html = render_to_string(
        "rcp/meeting_dossier_pdf.html", _meeting_dossier_context(request, meeting), request=None
    )
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
    [dossier] = dossiers(request.user, [cases[number - 1]])
    return meeting, cases, dossier


def present(request, pk, number=1):
    meeting, cases, dossier = _presented(request, pk, number)
    context = {
        "meeting": meeting,
        "dossier": dossier,
        "number": number,
        "total": len(cases),
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < len(cases) else None,
        "quorum": meeting.quorum(),
        "can_correct": can_write(request.user),
        "can_organise": can_organise(request.user),
    }
    template = (
        "rcp/includes/present_case.html"
        if request.htmx and request.GET.get("part") == "case"
        else "rcp/present.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def present_lesion(request, pk, number, lesion_pk):
    """Correct a lesion from the side panel of presentation mode; the case then refreshes."""
    meeting, _cases, dossier = _presented(request, pk, number)
    if not can_write(request.user):
        raise PermissionDenied
    lesion = next((lesion for lesion in dossier.record.lesions if lesion.pk == lesion_pk), None)
    if lesion is None:
        raise Http404
    form = BoneLesionForm(request.POST or None, instance=lesion)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            lesion = form.save(commit=False)
            lesion._history_user = request.user
            lesion.save()
            record = PatientRecord.load(request.user, dossier.record.patient.pk)
            refresh_lesion_scores(
                record=record, lesion=BoneLesion.objects.get(pk=lesion.pk), user=request.user
            )
        response = render(request, "rcp/includes/panel_saved.html", {"saved": lesion})
        response["HX-Trigger"] = json.dumps({"case-changed": {"lesion": lesion.pk}})
        return response
    action = reverse("rcp:present_lesion", args=[meeting.pk, number, lesion.pk])
    context = {"form": form, "title": lesion.site_label, "action": action}
    return render(request, "rcp/includes/panel_form.html", context, status=400 if form.errors else 200)


# The parts of the record that can be added from the side panel during the meeting.
PANEL_KINDS = ("lab", "assessment", "site", "event")


@require_http_methods(["GET", "POST"])
def present_record(request, pk, number, kind):
    """Add a missing lab, assessment, site or event from the side panel; the case then refreshes."""
    meeting, _cases, dossier = _presented(request, pk, number)
    if not can_write(request.user):
        raise PermissionDenied
    if kind not in PANEL_KINDS:
        raise Http404
    patient = dossier.record.patient
    model, form_class = RECORD_KINDS[kind]
    form = form_class(request.POST or None, instance=model(patient=patient))
    if request.method == "POST" and form.is_valid():
        obj = save_record(form, user=request.user, patient=patient)
        response = render(request, "rcp/includes/panel_saved.html", {"saved": obj})
        response["HX-Trigger"] = json.dumps({"case-changed": {"kind": kind}})
        return response
    action = reverse("rcp:present_record", args=[meeting.pk, number, kind])
    context = {"form": form, "title": model._meta.verbose_name, "action": action}
    return render(request, "rcp/includes/panel_form.html", context, status=400 if form.errors else 200)
