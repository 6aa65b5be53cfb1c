"""Writes that span several models: saving a draft decision, validating it into a minute, amending it."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from patients.models import TrackedLesion
from rcp.accounts.models import Centre

from .accounts.permissions import may_record_decision, may_validate, require
from .conformity import contradictions
from .documents import request_minute_pdf
from .dossier import dossiers
from .followup import create_actions
from .integrity import chain_hash, next_link
from .meetings import MeetingClosed, local_day, local_time
from .minutes import build_snapshot
from .models import CaseSubmission, Decision, Meeting, Minute, MinuteCounter, ProposalLine
from .proposals import decision_rows, legacy_lines


class DraftConflict(Exception):
    """Someone else saved the draft since this form was loaded: nothing is overwritten."""

    def __init__(self, decision):
        super().__init__("draft changed meanwhile")
        self.decision = decision


@transaction.atomic
def save_draft(*, case, form, user) -> Decision:
    """Save the draft of `case` from a valid DecisionForm, if nobody saved it since the form was loaded.
    Once the meeting is closed its drafts are read only; an amendment of a validated decision is not."""
    decision = form.instance
    meeting = Meeting.objects.get(pk=case.meeting_id)
    if not meeting.is_open and decision.version == 1:
        raise MeetingClosed(meeting)
    revision = 0
    if decision.pk:
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if not current.is_draft or current.revision != form.cleaned_data["revision"]:
            raise DraftConflict(current)
        revision = current.revision  # the row as locked, not as it was when the request began
    decision = form.save(commit=False)
    decision.case = case
    decision.revision = revision + 1
    decision.updated_by = user
    decision.save()
    return decision


def validation_problems(decision, dossier, quorum) -> dict:
    """{field: message} of what keeps the chair from validating (shown beside the fields)."""
    problems = {}
    rows = decision_rows(decision, dossier.record.lesions)
    if not rows and not decision.free_text.strip():
        problems["free_text"] = _("Record at least one proposal or the decision in words.")
    if decision.conforms is None:
        problems["conforms"] = _("Say whether the decision follows the guideline.")
    elif decision.conforms is False and not decision.deviation_reason:
        problems["deviation_reason"] = _("Give the reason for not following the guideline.")
    against = contradictions(rows, dossier.record.findings, dossier.record.facts, to_confirm=True)
    if against and not decision.contradictions_confirmed:
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


def not_started_message(meeting) -> str:
    return _("The meeting starts on %(date)s at %(time)s: its decisions can be validated from then on.") % {
        "date": local_day(meeting.starts_at),
        "time": local_time(meeting.starts_at),
    }


def _lock_chain(centre) -> None:
    """Hold the centre's chain until the transaction ends: its minutes take their places one at a time.
    (FOR NO KEY UPDATE: rows that merely point at the centre are still inserted meanwhile.)"""
    Centre.objects.select_for_update(no_key=True).filter(pk=centre.pk).get()


def _next_number(centre, year) -> str:
    counter, _created = MinuteCounter.objects.select_for_update().get_or_create(centre=centre, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"RCP-{centre.pk:03d}-{year}-{counter.last:05d}"


@transaction.atomic
def validate_decision(*, decision, user) -> Minute:
    """Validate a draft: freeze the snapshot, number the minute, queue its PDF. One transaction: if any
    step fails, nothing is validated. The PDF is rendered by the worker once this has committed
    (rcp/documents.py); the centre's chain and number locks are taken last, held only for the inserts."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__meeting__board", "case__patient")
        .get(pk=decision.pk)
    )
    case = decision.case
    require(may_validate(user, case.meeting))
    if not decision.is_draft:
        raise ValidationError(_("This decision is already validated."))
    now = timezone.now()
    meeting = case.meeting
    if now < meeting.starts_at:  # a minute is never dated before its meeting
        raise ValidationError({NON_FIELD_ERRORS: [not_started_message(meeting)]})
    if not meeting.is_open and case.status != CaseSubmission.Status.DISCUSSED:
        closed = _("The meeting is closed: only the decisions of the cases it discussed can be validated.")
        raise ValidationError({NON_FIELD_ERRORS: [closed]})
    [dossier] = dossiers(user, [case])
    problems = validation_problems(decision, dossier, meeting.quorum())
    if problems:
        raise ValidationError(problems)
    centre = case.patient.centre
    previous = (
        Minute.objects.filter(decision__case=case, decision__version__lt=decision.version)
        .order_by("-version")
        .first()
    )
    supersedes = {"number": previous.number, "version": previous.version} if previous else None
    decision.status = Decision.Status.VALIDATED
    decision.validated_by = user
    decision.validated_at = now
    snapshot = build_snapshot(
        decision=decision,
        dossier=dossier,
        number=previous.number if previous else None,  # a new number is given below, under the lock
        validated_by=user,
        validated_at=now,
        supersedes=supersedes,
    )
    decision.save()
    if case.status != CaseSubmission.Status.DISCUSSED:
        case.status = CaseSubmission.Status.DISCUSSED
        case.discussed_at = now
        case.discussed_with_quorum = snapshot["quorum"]["ok"]
        case._history_user = user
        case.save(update_fields=["status", "discussed_at", "discussed_with_quorum"])
    _lock_chain(centre)
    number = previous.number if previous else _next_number(centre, timezone.localdate(now).year)
    snapshot["validation"]["number"] = number
    position, previous_chain = next_link(centre.pk)
    minute = Minute.objects.create(
        decision=decision,
        number=number,
        version=decision.version,
        snapshot=snapshot,
        pdf=b"",  # rendered by the worker into MinutePdf (rcp/integrity.py, 3.)
        sha256="",
        centre=centre,
        position=position,
        previous_chain_sha256=previous_chain,
        chain_sha256=chain_hash(
            previous=previous_chain,
            centre_id=centre.pk,
            position=position,
            decision_id=decision.pk,
            number=number,
            version=decision.version,
            pdf_sha256="",
            snapshot=snapshot,
        ),
    )
    request_minute_pdf(minute=minute, user=user)
    create_actions(decision=decision, user=user)  # each line an action; an amendment's follow (rcp.followup)
    return minute


@transaction.atomic
def amend_decision(*, decision, user) -> Decision:
    """Start an amendment: a new draft version carrying the validated content, its proposal lines
    copied (a decision from before the lines gets its JSON proposals as lines); the old one is kept. Only
    who may validate the meeting's decisions amends them."""
    require(may_validate(user, decision.case.meeting))
    latest = Decision.objects.select_for_update().filter(case=decision.case).order_by("-version").first()
    if latest.is_draft:
        return latest
    amendment = Decision.objects.create(
        case=decision.case,
        version=latest.version + 1,
        free_text=latest.free_text,
        trial=latest.trial,
        conforms=latest.conforms,
        deviation_reason=latest.deviation_reason,
        deviation_text=latest.deviation_text,
        follow_up_physician=latest.follow_up_physician,
        discussion_type=latest.discussion_type,
        trial_proposed=latest.trial_proposed,
        patient_informed=latest.patient_informed,
        patient_informed_by=latest.patient_informed_by,
        general_practitioner=latest.general_practitioner,
        distribution=latest.distribution,
        updated_by=user,
    )
    lines = list(latest.lines.prefetch_related("lesions"))
    copies = [
        ProposalLine(decision=amendment, position=line.position, kind=line.kind, details=line.details)
        for line in lines
    ]
    for position, row in enumerate(legacy_lines(latest.proposals), start=len(lines) + 1):
        details = dict(row["details"])
        if row.get("legacy_site"):
            details["note"] = " — ".join(filter(None, [row["legacy_site"], details.get("note")]))
        copies.append(ProposalLine(decision=amendment, position=position, kind=row["kind"], details=details))
    copies = bulk_create_with_history(copies, ProposalLine, default_user=user)
    Through = ProposalLine.lesions.through
    Through.objects.bulk_create(
        Through(proposalline_id=copy.pk, trackedlesion_id=lesion.pk)
        for copy, line in zip(
            copies, lines, strict=False
        )  # the copies of the legacy proposals name no lesion
        for lesion in line.lesions.all()
    )
    return amendment


# --- proposal lines -----------------------------------------------------------------------------------


def _draft_for_lines(case, user) -> Decision:
    """The draft whose lines change (created for the first line), its case locked meanwhile: a validated
    decision's lines never change, a closed meeting's drafts neither (an amendment's do)."""
    require(may_record_decision(user))
    CaseSubmission.objects.select_for_update().filter(pk=case.pk).get()
    meeting = Meeting.objects.get(pk=case.meeting_id)
    draft = Decision.objects.filter(case=case, status=Decision.Status.DRAFT).first()
    if draft is None:
        if Decision.objects.filter(case=case).exists():
            raise ValidationError(_("This decision is validated: amend it to change its proposals."))
        if not meeting.is_open:
            raise MeetingClosed(meeting)
        draft = Decision.objects.create(case=case, updated_by=user)
    elif not meeting.is_open and draft.version == 1:
        raise MeetingClosed(meeting)
    return draft


def _check_lesions(case, ids) -> list[int]:
    ids = sorted(set(ids or []))
    if TrackedLesion.objects.filter(pk__in=ids, patient_id=case.patient_id).count() != len(ids):
        raise ValidationError({"lesions": _("Choose lesions of this patient only.")})
    return ids


def _save_line(line, form, user, case) -> ProposalLine:
    ids = _check_lesions(case, form.cleaned_data.get("lesions"))
    line.details = form.details()
    line._history_user = user
    line.save()
    line.lesions.set(ids)
    return line


@transaction.atomic
def add_proposal_line(*, case, form, user) -> ProposalLine:
    """Add a proposal line (from a valid form of its kind, rcp.proposals) at the end of the draft of
    `case`, creating the draft for the first line."""
    draft = _draft_for_lines(case, user)
    last = draft.lines.order_by("-position").values_list("position", flat=True).first() or 0
    return _save_line(ProposalLine(decision=draft, position=last + 1, kind=form.kind), form, user, case)


@transaction.atomic
def update_proposal_line(*, line, form, user) -> ProposalLine:
    """Change a line of a draft (its kind stays: another kind is another line)."""
    case = line.decision.case
    draft = _draft_for_lines(case, user)
    if line.decision_id != draft.pk or form.kind != line.kind:
        raise ValidationError(_("This line no longer belongs to the draft."))
    return _save_line(line, form, user, case)


@transaction.atomic
def remove_proposal_line(*, line, user) -> None:
    draft = _draft_for_lines(line.decision.case, user)
    if line.decision_id != draft.pk:
        raise ValidationError(_("This line no longer belongs to the draft."))
    line._history_user = user
    line.delete()
