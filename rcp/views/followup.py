"""After the board: my follow-up (the open actions I own, the outcomes due), an action's page (started,
done, cancelled, rescheduled), the patient's actions and delays (a fragment of the patient page), the
outcomes, and the agenda's suggestions (the services are in rcp/followup.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import agenda, followup
from ..accounts.audit import Kind, log_access, log_accesses
from ..accounts.once import submit_once
from ..accounts.permissions import (
    get_action_for_user,
    get_case_for_user,
    get_meeting_for_user,
    get_patient_for_user,
    may_change_action,
    may_organise,
    may_record_outcome,
    require,
)
from ..followup_forms import OutcomeForm, action_form
from ..forms import CaseForm
from ..models import Outcome
from ._common import add_service_errors, redirect_next, refuse_when_closed

ACTIONS_PER_PAGE = 50


def my_follow_up(request):
    """The open actions the user owns, overdue first, and the outcomes due of the cases they follow."""
    page = Paginator(followup.my_open_actions(request.user), ACTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    actions = followup.with_text(list(page))
    due = followup.outcomes_due(request.user)
    log_accesses(
        request,
        Kind.DECISION,
        [a.line.decision.case.patient for a in actions] + [d.case.patient for d in due],
        what="follow-up",
    )
    context = {"page": page, "actions": actions, "due": due, "today": followup.today()}
    return render(request, "rcp/follow_up.html", context)


SERVICES = {
    "start": lambda action, user, data: followup.start_action(
        action=action, user=user, started_on=data["started_on"]
    ),
    "done": lambda action, user, data: followup.complete_action(
        action=action, user=user, done_on=data["done_on"], started_on=data.get("started_on")
    ),
    "cancel": lambda action, user, data: followup.cancel_action(
        action=action,
        user=user,
        reason=data["cancel_reason"],
        text=data.get("cancel_text", ""),
        cancelled_on=data.get("cancelled_on"),
    ),
    "reschedule": lambda action, user, data: followup.reschedule_action(
        action=action, user=user, owner=data["owner"], target_date=data["target_date"]
    ),
}
DONE_MESSAGES = {
    "start": gettext_lazy("Action started."),
    "done": gettext_lazy("Action done."),
    "cancel": gettext_lazy("Action cancelled."),
    "reschedule": gettext_lazy("Action rescheduled."),
}


@require_http_methods(["GET", "POST"])
@submit_once
def action_detail(request, pk):
    """An action with its history; its owner, a coordinator or the meeting's chair changes it."""
    action = get_action_for_user(request.user, pk)
    case = action.line.decision.case
    can_change = may_change_action(request.user, action)
    op = request.POST.get("op") if request.method == "POST" else None
    if op is not None:
        require(can_change)
        if op not in SERVICES:
            raise Http404
    forms = {
        name: action_form(name, request.POST if name == op else None, action=action) for name in SERVICES
    }
    status = 200
    if op is not None:
        form = forms[op]
        if form.is_valid():
            try:
                SERVICES[op](action, request.user, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(DONE_MESSAGES[op]))
                return redirect_next(request, action_url(action))
        status = 400
    log_access(request, Kind.DECISION, patient=case.patient, what=f"action={action.pk}")
    context = {
        "action": followup.with_text([action])[0],
        "case": case,
        "forms": forms,
        "op": op,
        "can_change": can_change,
        "history": action.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "failed": status == 400,
        "today": followup.today(),
    }
    return render(request, "rcp/action.html", context, status=status)


def action_url(action) -> str:
    return reverse("rcp:action", args=[action.pk])


def patient_follow_up(request, pk):
    """The actions of every validated decision of the patient, their delays and outcomes (for the patient
    page, as a fragment; a page of its own without htmx)."""
    patient = get_patient_for_user(request.user, pk)
    log_access(request, Kind.DECISION, patient=patient, what="follow-up")
    context = {
        "patient": patient,
        "rows": followup.patient_follow_up(request.user, patient),
        "today": followup.today(),
        "can_record_outcome": may_record_outcome(request.user),
    }
    template = "rcp/includes/patient_follow_up.html" if request.htmx else "rcp/patient_follow_up.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@submit_once
def outcome_edit(request, pk, months):
    """The outcome of a case at 3, 6 or 12 months: recorded once, corrected in place."""
    case = get_case_for_user(request.user, pk)
    require(may_record_outcome(request.user))
    if months not in Outcome.Milestone.values or case.meeting is None:
        raise Http404
    instance = Outcome.objects.filter(case=case, milestone=months).first() or Outcome(
        case=case, milestone=months
    )
    form = OutcomeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            followup.record_outcome(form=form, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect_next(request, f"{case.patient.get_absolute_url()}#follow-up")
    due = dict(followup.milestones(followup.board_date(case.meeting)))[months]
    log_access(request, Kind.DECISION, patient=case.patient, what=f"case={case.pk} outcome={months}")
    context = {
        "case": case,
        "form": form,
        "months": months,
        "due": due,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "rcp/outcome.html", context, status=400 if form.errors else 200)


@require_POST
@refuse_when_closed
@submit_once
def agenda_add_suggested(request, pk):
    """Put a suggested case on the meeting's agenda: a new case submitted through rcp.agenda.submit_case,
    its question written from the action that brought it."""
    meeting = get_meeting_for_user(request.user, pk, organise=True)
    suggestions = {s.action.pk: s for s in followup.agenda_suggestions(meeting)}
    try:
        suggestion = suggestions[int(request.POST.get("action", ""))]
    except (KeyError, ValueError):
        messages.info(request, _("This case is no longer suggested: it may have been added meanwhile."))
        return redirect(meeting)
    form = CaseForm(followup.suggested_case_data(suggestion.action, meeting), user=request.user)
    if form.is_valid():
        try:
            agenda.submit_case(form=form, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Case added to the agenda."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{meeting.get_absolute_url()}#agenda")


def suggestions_of(meeting, user):
    """The suggestions the meeting page shows (none to whom cannot add them)."""
    return followup.agenda_suggestions(meeting) if may_organise(user) and meeting.is_open else []
