"""The cases on the board's agenda: submitting, editing, postponing, removing one, marking it discussed,
and ordering the agenda (the services are in rcp/agenda.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import agenda, forms, meetings
from ..accounts.once import submit_once
from ..accounts.permissions import get_case_for_user, get_meeting_for_user, may_submit, require
from ..models import CaseSubmission
from ._common import add_service_errors, form_page, redirect_next, refuse_when_closed


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
    return form_page(request, form, _("Submit a case to the board"))


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
    return form_page(request, form, _("Edit the case"))


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
    return form_page(request, form, _("Postpone the case"))


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
    return redirect_next(request, case.meeting.get_absolute_url())
