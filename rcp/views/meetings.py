"""The board's meetings: the list, creating and editing one, starting, reopening and closing it, its
page, who attends, and the board's quorum rule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patients.record import PatientRecord

from .. import forms, meetings
from ..accounts.once import submit_once
from ..accounts.permissions import (
    get_board_for_user,
    get_meeting_for_user,
    may_chair,
    may_organise,
    may_submit,
    may_write_records,
    require,
)
from ..boards import centre_board
from ..dossier import agenda_items
from ..followup import closing_actions, today
from ..models import Attendance, CaseSubmission, Meeting
from ._common import add_service_errors, agenda_cases, attendance_of, form_page, refuse_when_closed
from .followup import suggestions_of

MEETINGS_PER_PAGE = 20


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
    from ..completeness import case_gaps

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
    return form_page(request, form, title)


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
    context = {
        "meeting": meeting,
        "form": form,
        "next_meeting": meetings.next_meeting(meeting),
        "decided": closing_actions(meeting),
        "today": today(),
    }
    return render(request, "rcp/meeting_close.html", context, status=400 if form.errors else 200)


def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    attendances, quorum = attendance_of(meeting)
    context = {
        "meeting": meeting,
        "can_start": meetings.can_start(meeting),
        "can_reopen": meetings.can_reopen(request.user, meeting),
        "closed_message": "" if meeting.is_open else meetings.closed_message(meeting),
        "agenda": agenda_items(request.user, agenda_cases(meeting)),
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
        "suggestions": suggestions_of(meeting, request.user),
    }
    return render(request, "rcp/meeting_detail.html", context)


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
    return form_page(request, form, _("Quorum rule"))
