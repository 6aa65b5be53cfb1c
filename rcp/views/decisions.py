"""Recording the board's decision, validating it into a minute, amending it, and reading the minutes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..accounts.audit import Kind, log_access
from ..accounts.once import submit_once
from ..accounts.permissions import (
    get_board_for_user,
    get_case_for_user,
    get_patient_for_user,
    may_record_decision,
    may_validate,
    require,
)
from ..decision_forms import DecisionForm, differences
from ..dossier import dossiers
from ..integrity import log_altered, verify_minute, verify_minutes
from ..meetings import MeetingClosed, closed_message
from ..minutes import draft_snapshot
from ..models import Decision, Minute, Trial
from ..services import (
    DraftConflict,
    amend_decision,
    not_started_message,
    save_draft,
    validate_decision,
)
from ._common import refuse_when_closed
from .documents import _minute_status, altered
from .proposals import lines_context


@require_http_methods(["GET", "POST"])
@refuse_when_closed
def decision_edit(request, pk):
    case = get_case_for_user(request.user, pk)
    if case.meeting is None:
        raise Http404
    versions = list(
        case.decisions.select_related("validated_by", "minute", "minute__rendered")
        .defer("minute__pdf", "minute__rendered__pdf")
        .order_by("version")
    )
    draft = next((d for d in versions if d.is_draft), None)
    validated = [d for d in versions if not d.is_draft]
    decision = draft or (None if validated else Decision(case=case))
    present = request.GET.get("present") or request.POST.get("present") or ""
    # The case number in presentation mode, put back into the redirect and the link: digits only.
    present = present if present.isascii() and present.isdigit() else None
    # Once the meeting is closed its draft is read only (an amendment's is not): the chair may still
    # validate it as it stands.
    draft_locked = not case.meeting.is_open and (decision is None or decision.version == 1)
    form = None
    status = 200
    conflict = None
    if request.method == "POST" and decision is None:
        # The draft was validated since the page was loaded: nothing is saved, what was typed is shown.
        require(may_record_decision(request.user))
        conflict = _conflict(request.POST, case, validated[-1])
        if request.htmx:
            return render(
                request, "rcp/includes/draft_conflict.html", {**conflict, "present": present}, status=409
            )
        status = 409
    if decision is not None:
        if request.method == "POST":
            require(may_record_decision(request.user))
        if "validate" in request.POST:  # a refused validation saves nothing, not even the draft
            require(may_validate(request.user, case.meeting))
        data = request.POST or None
        if data is not None and "keep_mine" in data:  # after a conflict: save over the version shown
            data = data.copy()
            data["revision"] = data["keep_mine"]
        form = DecisionForm(data, instance=decision, case=case)
        if request.method == "POST" and draft_locked:
            if "validate" not in request.POST or decision.pk is None:
                raise MeetingClosed(case.meeting)
            form = DecisionForm(instance=decision, case=case)
            try:
                minute = validate_decision(decision=decision, user=request.user)
            except ValidationError as error:
                for problem in error.messages:
                    messages.error(request, problem)
                status = 400
            else:
                return _validated(request, minute, present)
        elif request.method == "POST":
            if form.is_valid():
                saved, conflict = _save_draft(request, case, form)
                decision = saved or decision
                if conflict is not None:
                    if request.htmx:
                        return render(
                            request,
                            "rcp/includes/draft_conflict.html",
                            {**conflict, "present": present},
                            status=409,
                        )
                    status = 409
                elif request.htmx and "validate" not in request.POST:
                    return render(request, "rcp/includes/draft_saved.html", {"decision": decision})
                elif "validate" in request.POST:
                    try:
                        minute = validate_decision(decision=decision, user=request.user)
                    except ValidationError as error:
                        form.data = form.data.copy()
                        form.data["revision"] = decision.revision  # the draft was saved just before
                        for field, problems in error.message_dict.items():
                            form.add_error(field if field in form.fields else None, problems)
                        status = 400
                    else:
                        return _validated(request, minute, present)
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect(f"{request.path}{'?present=' + present if present else ''}")
            else:
                status = 400
                if request.htmx:
                    return render(request, "rcp/includes/draft_saved.html", {"form": form}, status=400)
    # Only the whole page needs the dossier: an autosave (htmx) has answered above with its fragment.
    [dossier] = dossiers(request.user, [case])
    quorum = case.meeting.quorum()
    if form is not None and decision.pk is None and dossier.previous_cases and not case.is_urgent:
        form.fields["discussion_type"].initial = Decision.Discussion.AGAIN
    can_record = may_record_decision(request.user)
    lines = lines_context(
        case=case,
        decision=form.instance if form is not None else None,
        record=dossier.record,
        editable=can_record and not draft_locked,
        present=present,
    )
    context = {
        **lines,
        "case": case,
        "dossier": dossier,
        "form": form,
        "decision": decision,
        "validated": validated,
        "quorum": quorum,
        "can_validate": may_validate(request.user, case.meeting),
        "can_record": can_record,
        "present": present,
        "conflict": conflict,
        "draft_locked": draft_locked,
        "closed_message": "" if case.meeting.is_open else closed_message(case.meeting),
        "not_started": "" if case.meeting.has_started else not_started_message(case.meeting),
    }
    log_access(request, Kind.DECISION, patient=case.patient, what=f"case={case.pk}")
    return render(request, "rcp/decision.html", context, status=status)


def _validated(request, minute, present):
    messages.success(
        request,
        _("Decision validated: minute %(number)s, version %(version)s.")
        % {"number": minute.number, "version": minute.version},
    )
    return redirect(f"{request.path}{'?present=' + present if present else ''}")


def _save_draft(request, case, form):
    """Save the draft: (the decision, None), or (None, the conflict to show) when someone saved it since
    the form was loaded. If their version holds exactly what was posted, nothing of theirs can be lost:
    it is saved over theirs (a page saved just after its own autosave, say)."""
    try:
        return save_draft(case=case, form=form, user=request.user), None
    except DraftConflict as error:
        current = error.decision
    conflict = _conflict(form.data, case, current)
    if current.is_draft and not conflict["rows"]:
        form.cleaned_data["revision"] = current.revision
        try:
            return save_draft(case=case, form=form, user=request.user), None
        except DraftConflict as error:
            conflict = _conflict(form.data, case, error.decision)
    return None, conflict


def _conflict(posted, case, current) -> dict:
    """What someone else saved (`current`, a draft or a version validated meanwhile) beside what was
    posted: the fields that differ, for the user to merge; nothing is saved."""
    current = Decision.objects.select_related("updated_by", "validated_by").get(pk=current.pk)
    return {
        "current": current,
        "rows": differences(posted, saved=current, case=case),
        "case": case,
    }


@require_POST
def decision_amend(request, pk):
    decision = get_object_or_404(
        Decision.objects.visible_to(request.user).select_related("case__meeting"), pk=pk
    )
    require(may_validate(request.user, decision.case.meeting))
    amend_decision(decision=decision, user=request.user)
    messages.info(request, _("Amendment started: change the decision, give the reason, then validate."))
    return redirect("rcp:decision", pk=decision.case_id)


def decision_read(request, pk):
    """One version of a decision as a page: the minute's body, from its frozen snapshot once validated, or
    for a draft from a snapshot built as validation will build it (with the record as it is now)."""
    decision = get_object_or_404(
        Decision.objects.visible_to(request.user).select_related("case__patient", "case__meeting"), pk=pk
    )
    return _read(request, decision.case, decision.pk)


def case_decision_read(request, pk):
    """The latest version of the decision of a case (draft or validated), or a page saying there is none."""
    case = get_case_for_user(request.user, pk)
    return _read(request, case, None)


def _read(request, case, pk):
    versions = list(
        case.decisions.select_related("validated_by", "updated_by", "minute")
        .defer("minute__pdf", "minute__snapshot")
        .order_by("version")
    )
    decision = next((d for d in versions if d.pk == pk), None) if pk else (versions[-1] if versions else None)
    shown = f" decision={decision.pk} v{decision.version}" if decision else ""
    log_access(request, Kind.DECISION, patient=case.patient, what=f"case={case.pk}{shown}")
    snapshot = verdict = pdf_status = None
    if decision is not None and not decision.is_draft:
        minute = Minute.objects.select_related("rendered", "render_job").get(pk=decision.minute.pk)
        verdict = verify_minute(minute)  # the page shows what the archived minute holds, or refuses
        if not verdict.ok:
            return altered(request, [verdict], where=request.path)
        snapshot = minute.snapshot
        pdf_status = _minute_status(minute)
    elif decision is not None and case.meeting is not None:  # a draft (of a case still on an agenda)
        [dossier] = dossiers(request.user, [case])
        previous = next((d.minute for d in reversed(versions) if not d.is_draft), None)
        snapshot = draft_snapshot(decision=decision, dossier=dossier, previous=previous)
    present = request.GET.get("present", "")
    context = {
        "case": case,
        "decision": decision,
        "versions": versions,
        "snapshot": snapshot,
        "verdict": verdict,
        "pdf_status": pdf_status,
        "present": present if present.isascii() and present.isdigit() else None,
        "latest": versions[-1] if versions else None,
        "latest_validated": next((d for d in reversed(versions) if not d.is_draft), None),
    }
    return render(request, "rcp/decision_read.html", context)


def patient_minutes(request, pk):
    """Every minute of a patient with its versions (for the patient page)."""
    patient = get_patient_for_user(request.user, pk)
    log_access(request, Kind.MINUTE, patient=patient)
    minutes = (
        Minute.objects.visible_to(request.user)
        .filter(decision__case__patient=patient)
        .select_related("decision__case__meeting", "decision__validated_by", "rendered")
        .order_by("number", "-version")
    )
    minutes = list(minutes)
    verdicts = verify_minutes(minutes)  # one query, whatever the number of minutes
    groups = {}
    for minute in minutes:
        minute.integrity = verdicts[minute.pk]
        if not minute.integrity.ok:
            log_altered(minute.integrity, where=request.path)
        groups.setdefault(minute.number, []).append(minute)
    template = "rcp/includes/patient_minutes.html" if request.htmx else "rcp/patient_minutes.html"
    return render(request, template, {"patient": patient, "groups": groups})


@require_http_methods(["GET", "POST"])
@submit_once
def trials(request, pk):
    from ..forms import TrialForm

    board = get_board_for_user(request.user, pk, organise=True)
    form = TrialForm(request.POST or None, instance=Trial(board=board))
    if request.method == "POST":
        if "toggle" in request.POST:
            trial = get_object_or_404(Trial, pk=request.POST["toggle"], board=board)
            trial.active = not trial.active
            trial.save(update_fields=["active"])
            return redirect("rcp:trials", pk=board.pk)
        if form.is_valid():
            form.save()
            messages.success(request, _("Trial added."))
            return redirect("rcp:trials", pk=board.pk)
    return render(
        request,
        "rcp/trials.html",
        {"board": board, "form": form, "trials": board.trials.all()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@submit_once
def trial_edit(request, pk, trial_pk):
    from ..forms import TrialForm

    board = get_board_for_user(request.user, pk, organise=True)
    trial = get_object_or_404(Trial, pk=trial_pk, board=board)
    form = TrialForm(request.POST or None, instance=trial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Trial saved."))
        return redirect("rcp:trials", pk=board.pk)
    return render(
        request,
        "rcp/trial_edit.html",
        {"board": board, "trial": trial, "form": form},
        status=400 if form.errors else 200,
    )
