"""Writes that span several models: saving a draft decision, validating it into a minute, amending it."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .conformity import contradictions
from .dossier import dossiers
from .minutes import build_snapshot, render_minute
from .models import CaseSubmission, Decision, Minute, MinuteCounter


class DraftConflict(Exception):
    """Someone else saved the draft since this form was loaded: nothing is overwritten."""

    def __init__(self, decision):
        super().__init__("draft changed meanwhile")
        self.decision = decision


def can_validate(user, meeting) -> bool:
    return user.pk in {meeting.chair_id, meeting.deputy_id}


@transaction.atomic
def save_draft(*, case, form, user) -> Decision:
    """Save the draft of `case` from a valid DecisionForm, if nobody saved it since the form was loaded."""
    decision = form.instance
    if decision.pk:
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if not current.is_draft or current.revision != form.cleaned_data["revision"]:
            raise DraftConflict(current)
    decision = form.save(commit=False)
    decision.case = case
    decision.revision += 1
    decision.updated_by = user
    decision.save()
    return decision


def validation_problems(decision, dossier, quorum) -> dict:
    """{field: message} of what keeps the chair from validating (shown beside the fields)."""
    problems = {}
    if not decision.proposals and not decision.free_text.strip():
        problems["free_text"] = _("Record at least one proposal or the decision in words.")
    if decision.conforms is None:
        problems["conforms"] = _("Say whether the decision follows the guideline.")
    elif decision.conforms is False and not decision.deviation_reason:
        problems["deviation_reason"] = _("Give the reason for not following the guideline.")
    if contradictions(decision.proposals, dossier.record.findings) and not decision.contradictions_confirmed:
        problems["contradictions_confirmed"] = _(
            "The proposal goes against a warning: confirm it, or change it."
        )
    if not quorum.ok and not decision.quorum_override.strip():
        problems["quorum_override"] = _(
            "No quorum: the decision can be validated only with the reason (emergency)."
        )
    if decision.version > 1 and not decision.amendment_reason.strip():
        problems["amendment_reason"] = _("Give the reason for the amendment.")
    return problems


def _next_number(centre, year) -> str:
    counter, _created = MinuteCounter.objects.select_for_update().get_or_create(centre=centre, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"RCP-{centre.pk:03d}-{year}-{counter.last:05d}"


@transaction.atomic
def validate_decision(*, decision, user) -> Minute:
    """Validate a draft: freeze the snapshot, number the minute, produce the PDF and its SHA-256. One
    transaction: if any step fails, nothing is validated."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__meeting__board", "case__patient")
        .get(pk=decision.pk)
    )
    case = decision.case
    if not can_validate(user, case.meeting):
        raise PermissionDenied
    if not decision.is_draft:
        raise ValidationError(_("This decision is already validated."))
    [dossier] = dossiers(user, [case])
    problems = validation_problems(decision, dossier, case.meeting.quorum())
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    previous = (
        Minute.objects.filter(decision__case=case, decision__version__lt=decision.version)
        .order_by("-version")
        .first()
    )
    number = previous.number if previous else _next_number(case.patient.centre, timezone.localdate(now).year)
    supersedes = {"number": previous.number, "version": previous.version} if previous else None
    decision.status = Decision.Status.VALIDATED
    decision.validated_by = user
    decision.validated_at = now
    snapshot = build_snapshot(
        decision=decision,
        dossier=dossier,
        number=number,
        validated_by=user,
        validated_at=now,
        supersedes=supersedes,
    )
    pdf = render_minute(snapshot)
    decision.save()
    minute = Minute.objects.create(
        decision=decision,
        number=number,
        version=decision.version,
        snapshot=snapshot,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    if case.status != CaseSubmission.Status.DISCUSSED:
        case.status = CaseSubmission.Status.DISCUSSED
        case.discussed_at = now
        case.discussed_with_quorum = snapshot["quorum"]["ok"]
        case._history_user = user
        case.save(update_fields=["status", "discussed_at", "discussed_with_quorum"])
    return minute


@transaction.atomic
def amend_decision(*, decision, user) -> Decision:
    """Start an amendment: a new draft version carrying the validated content; the old one is kept."""
    latest = Decision.objects.select_for_update().filter(case=decision.case).order_by("-version").first()
    if latest.is_draft:
        return latest
    return Decision.objects.create(
        case=decision.case,
        version=latest.version + 1,
        proposals=latest.proposals,
        free_text=latest.free_text,
        trial=latest.trial,
        conforms=latest.conforms,
        deviation_reason=latest.deviation_reason,
        deviation_text=latest.deviation_text,
        follow_up_physician=latest.follow_up_physician,
        updated_by=user,
    )
