"""Writes that span several models: saving a draft decision, validating it into a minute, amending it."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rcp.accounts.models import Centre

from .accounts.permissions import may_validate, require
from .conformity import contradictions
from .documents import request_minute_pdf
from .dossier import dossiers
from .integrity import chain_hash, next_link
from .meetings import MeetingClosed, local_day, local_time
from .minutes import build_snapshot
from .models import CaseSubmission, Decision, Meeting, Minute, MinuteCounter


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
    if not decision.proposals and not decision.free_text.strip():
        problems["free_text"] = _("Record at least one proposal or the decision in words.")
    if decision.conforms is None:
        problems["conforms"] = _("Say whether the decision follows the guideline.")
    elif decision.conforms is False and not decision.deviation_reason:
        problems["deviation_reason"] = _("Give the reason for not following the guideline.")
    against = contradictions(decision.proposals, dossier.record.findings, dossier.record.facts)
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
    return minute


@transaction.atomic
def amend_decision(*, decision, user) -> Decision:
    """Start an amendment: a new draft version carrying the validated content; the old one is kept. Only
    who may validate the meeting's decisions amends them."""
    require(may_validate(user, decision.case.meeting))
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
