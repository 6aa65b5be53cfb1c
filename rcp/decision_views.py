"""Recording the board's decision, validating it into a minute, amending it, and reading the minutes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patients.access import get_patient_for_user

from .access import can_submit, get_case_for_user, get_meeting_for_user
from .conformity import contradictions
from .decision_forms import DecisionForm
from .dossier import dossiers
from .minutes import render_meeting_minutes, zoledronic_dose
from .models import Decision, Minute, Trial
from .services import DraftConflict, amend_decision, can_validate, save_draft, validate_decision


def _can_record(user) -> bool:
    return can_submit(user) or user.has_perm("rcp.change_meeting")


def _pdf_response(pdf: bytes, filename: str, *, download=False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def decision_edit(request, pk):
    case = get_case_for_user(request.user, pk)
    if case.meeting is None:
        raise Http404
    versions = list(case.decisions.select_related("validated_by", "minute").order_by("version"))
    draft = next((d for d in versions if d.is_draft), None)
    validated = [d for d in versions if not d.is_draft]
    decision = draft or (None if validated else Decision(case=case))
    present = request.GET.get("present") or request.POST.get("present")
    [dossier] = dossiers(request.user, [case])
    quorum = case.meeting.quorum()
    form = None
    status = 200
    if decision is not None:
        if request.method == "POST" and not _can_record(request.user):
            raise PermissionDenied
        form = DecisionForm(request.POST or None, instance=decision, case=case)
        if request.method == "POST":
            if form.is_valid():
                try:
                    decision = save_draft(case=case, form=form, user=request.user)
                except DraftConflict as conflict:
                    return _conflict(request, conflict.decision)
                if request.htmx and "validate" not in request.POST:
                    return render(request, "rcp/includes/draft_saved.html", {"decision": decision})
                if "validate" in request.POST:
                    try:
                        minute = validate_decision(decision=decision, user=request.user)
                    except ValidationError as error:
                        form.data = form.data.copy()
                        form.data["revision"] = decision.revision  # the draft was saved just before
                        for field, problems in error.message_dict.items():
                            form.add_error(field if field in form.fields else None, problems)
                        status = 400
                    else:
                        messages.success(
                            request,
                            _("Decision validated: minute %(number)s, version %(version)s.")
                            % {"number": minute.number, "version": minute.version},
                        )
                        return redirect(f"{request.path}{'?present=' + present if present else ''}")
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect(f"{request.path}{'?present=' + present if present else ''}")
            else:
                status = 400
                if request.htmx:
                    return render(
                        request, "rcp/includes/draft_saved.html", {"errors": form.errors}, status=400
                    )
    proposals = form.instance.proposals if form is not None else {}
    if form is not None:
        form.fields["p_bma_agent"].help_text = _zoledronic_help(dossier.record.facts)
    context = {
        "case": case,
        "dossier": dossier,
        "form": form,
        "decision": decision,
        "validated": validated,
        "quorum": quorum,
        "contradictions": contradictions(proposals, dossier.record.findings),
        "can_validate": can_validate(request.user, case.meeting),
        "can_record": _can_record(request.user),
        "present": present,
    }
    return render(request, "rcp/decision.html", context, status=status)


def _zoledronic_help(facts) -> str:
    dose = zoledronic_dose(facts)
    if dose is None:
        return _("No creatinine clearance in the record: the zoledronic acid dose cannot be computed.")
    if dose["dose_mg"] is None:
        return _("Clearance %(clearance)s mL/min: zoledronic acid is not recommended; prefer denosumab.") % {
            "clearance": dose["clearance_ml_min"]
        }
    return _("Clearance %(clearance)s mL/min: zoledronic acid %(dose)s mg every 4 weeks (product label).") % {
        "clearance": dose["clearance_ml_min"],
        "dose": dose["dose_mg"],
    }


def _conflict(request, current):
    message = _(
        "%(user)s saved this draft in the meantime: your changes were not saved, so as not to overwrite "
        "theirs. Copy what you typed, then reload the page."
    ) % {"user": current.updated_by.display_name if current.updated_by else _("someone")}
    if request.htmx:
        return render(request, "rcp/includes/draft_saved.html", {"conflict": message}, status=409)
    messages.error(request, message)
    return redirect("rcp:decision", pk=current.case_id)


@require_POST
def decision_amend(request, pk):
    decision = get_object_or_404(
        Decision.objects.visible_to(request.user).select_related("case__meeting"), pk=pk
    )
    if not can_validate(request.user, decision.case.meeting):
        raise PermissionDenied
    amend_decision(decision=decision, user=request.user)
    messages.info(request, _("Amendment started: change the decision, give the reason, then validate."))
    return redirect("rcp:decision", pk=decision.case_id)


def minute_pdf(request, pk):
    minute = get_object_or_404(Minute.objects.visible_to(request.user).select_related("decision"), pk=pk)
    return _pdf_response(
        bytes(minute.pdf), f"{minute.number}-v{minute.version}.pdf", download="download" in request.GET
    )


def meeting_minutes_pdf(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    minutes = (
        Minute.objects.visible_to(request.user)
        .filter(decision__case__meeting=meeting)
        .select_related("decision__case")
        .order_by("decision__case__position", "decision__case_id", "version")
    )
    latest = {}
    for minute in minutes:  # the latest version of each case
        latest[minute.decision.case_id] = minute
    if not latest:
        raise Http404
    pdf = render_meeting_minutes(
        [minute.snapshot for minute in latest.values()],
        title=_("Minutes — %(meeting)s") % {"meeting": meeting},
        author=meeting.board.centre.name,
    )
    return _pdf_response(pdf, f"minutes-rcp-{meeting.pk}-{meeting.starts_at:%Y%m%d}.pdf")


def patient_minutes(request, pk):
    """Every minute of a patient with its versions (for the patient page)."""
    patient = get_patient_for_user(request.user, pk)
    minutes = (
        Minute.objects.visible_to(request.user)
        .filter(decision__case__patient=patient)
        .select_related("decision__case__meeting", "decision__validated_by")
        .order_by("number", "-version")
    )
    groups = {}
    for minute in minutes:
        groups.setdefault(minute.number, []).append(minute)
    template = "rcp/includes/patient_minutes.html" if request.htmx else "rcp/patient_minutes.html"
    return render(request, template, {"patient": patient, "groups": groups})


@require_http_methods(["GET", "POST"])
def trials(request, pk):
    from .forms import TrialForm
    from .models import Board

    board = get_object_or_404(Board, pk=pk, centre=request.user.centre)
    if not request.user.has_perm("rcp.change_meeting"):
        raise PermissionDenied
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
