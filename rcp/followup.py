"""After the board: each validated proposal line becomes an action, someone sees it done by a date; the
patient's outcome at 3, 6 and 12 months; the delays, computed from dates, never typed; the cases the next
meeting should see again.

Every write is a keyword-only function in one transaction that locks the row it changes, asks
rcp.accounts.permissions, and records the history user itself.

An amendment's validation (`create_actions` on version n + 1): a line left unchanged (same kind, details
and lesions) keeps its action, whatever its status, moved onto the new line — a radiotherapy under way is
the same radiotherapy, its dates and owner stay. The previous version's other actions: a planned one is
cancelled as "superseded by an amendment"; a started, done or cancelled one stays as it is with the version
that decided it (what was done is never lost, and a course under way is still the owner's to finish). The
amendment's new or changed lines get new actions, their target dates counted from the amendment's day.
"""

import calendar
import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import ClinicalAssessment
from scoring import thresholds as th

from .accounts.permissions import may_change_action, may_record_outcome, require
from .models import Action, CaseSubmission, Decision, Outcome
from .proposals import Kind, describe, line_row

# --- dates -------------------------------------------------------------------------------------------


def local_date(value: datetime.datetime) -> datetime.date:
    """The date of an instant in the board's time zone (Europe/Paris): the day a clinician would write."""
    return timezone.localdate(value, timezone.get_default_timezone())


def today() -> datetime.date:
    return local_date(timezone.now())


def board_date(meeting) -> datetime.date:
    """The day of the meeting that decided: delays, target dates and outcome milestones count from it."""
    return local_date(meeting.starts_at)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the last day of a shorter month (31 August + 6 months: 28 or 29
    February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# --- delays: pure functions on dates ------------------------------------------------------------------


def days_between(start: datetime.date | None, end: datetime.date | None) -> int | None:
    """Whole calendar days from `start` to `end` (the day itself is 0), None when either is unknown."""
    if start is None or end is None:
        return None
    return (end - start).days


def submission_to_board(submitted_at: datetime.datetime, meeting_at: datetime.datetime) -> int | None:
    """Days from the case's submission to its meeting, each instant read as its local date: 23:30 on the
    eve of a change of hour is still that day, whatever the UTC offset."""
    return days_between(local_date(submitted_at), local_date(meeting_at))


def board_to_first_action(meeting_at: datetime.datetime, started: list) -> int | None:
    """Days from the meeting to the first action started (`started`: the dates actions started on)."""
    started = [day for day in started if day is not None]
    return days_between(local_date(meeting_at), min(started)) if started else None


def onset_to_decision(onset: datetime.date | None, meeting_at: datetime.datetime) -> int | None:
    """Days from the onset of a cord compression's neurological deficit to the board's decision."""
    return days_between(onset, local_date(meeting_at))


def deficit_onset(assessments, on: datetime.date) -> datetime.date | None:
    """The onset of the neurological deficit as the last assessment on or before `on` records it (the
    clinician writes it with the neurological examination: ClinicalAssessment.motor_deficit_onset)."""
    dated = [a for a in assessments if a.motor_deficit_onset is not None and a.date <= on]
    return max(dated, key=lambda a: (a.date, a.pk)).motor_deficit_onset if dated else None


@dataclass
class Delays:
    submission_to_board: int | None
    board_to_first_action: int | None
    onset_to_decision: int | None  # for a case submitted for a cord compression only

    @property
    def any(self) -> bool:
        return any(
            v is not None
            for v in (self.submission_to_board, self.board_to_first_action, self.onset_to_decision)
        )


def case_delays(case, actions, assessments) -> Delays:
    """The delays of a case (its meeting loaded) from its actions and the patient's assessments."""
    meeting_at = case.meeting.starts_at
    onset = None
    if case.reason == CaseSubmission.Reason.CORD_COMPRESSION:
        onset = deficit_onset(assessments, local_date(meeting_at))
    return Delays(
        submission_to_board=submission_to_board(case.submitted_at, meeting_at),
        board_to_first_action=board_to_first_action(meeting_at, [a.started_on for a in actions]),
        onset_to_decision=onset_to_decision(onset, meeting_at),
    )


# --- creating the actions of a validated decision ----------------------------------------------------


def target_date(line, base: datetime.date, *, urgent: bool) -> datetime.date:
    """The default target date of a line's action, counted from `base` (scoring.thresholds): a
    surveillance's date to present again, a corticosteroid's start, else the kind's delay."""
    details = line.details or {}
    if line.kind == Kind.SURVEILLANCE and details.get("represent_on"):
        return max(datetime.date.fromisoformat(details["represent_on"]), base)
    if line.kind == Kind.CORTICOSTEROIDS and details.get("start"):
        return max(datetime.date.fromisoformat(details["start"]), base)
    days = th.ACTION_TARGET_DAYS.get(line.kind, th.ACTION_TARGET_DEFAULT_DAYS)
    if urgent and line.kind != Kind.SURVEILLANCE:
        days = min(days, th.ACTION_TARGET_URGENT_DAYS)
    return base + datetime.timedelta(days=days)


def _same_line(line) -> tuple:
    """What makes two versions' lines the same proposal: kind, details and lesions."""
    lesions = tuple(sorted(lesion.pk for lesion in line.lesions.all()))
    return line.kind, json.dumps(line.details, sort_keys=True), lesions


@transaction.atomic
def create_actions(*, decision, user) -> list[Action]:
    """The actions of a decision just validated (in validate_decision's transaction): one per proposal
    line, owned by the follow-up physician (else the presenting physician). For an amendment, the
    previous version's actions follow the rules in this module's docstring. Returns the new actions."""
    case = CaseSubmission.objects.select_related("meeting", "presenting_physician").get(pk=decision.case_id)
    lines = list(decision.lines.prefetch_related("lesions").order_by("position", "pk"))
    previous_version = (
        Decision.objects.filter(case=case, version__lt=decision.version)
        .exclude(status=Decision.Status.DRAFT)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    waiting = defaultdict(list)
    if previous_version is not None:
        previous = (
            Action.objects.select_for_update(of=("self",))
            .filter(line__decision__case=case, line__decision__version=previous_version)
            .select_related("line")
            .order_by("line__position", "pk")
        )
        for action in previous.prefetch_related("line__lesions"):
            waiting[_same_line(action.line)].append(action)
    base = board_date(case.meeting) if previous_version is None else local_date(decision.validated_at)
    owner_id = decision.follow_up_physician_id or case.presenting_physician_id
    created = []
    for line in lines:
        carried = waiting.get(_same_line(line))
        if carried:
            action = carried.pop(0)
            action.line = line
            action._history_user = user
            action._change_reason = _("Carried over to version %(version)s") % {"version": decision.version}
            action.save(update_fields=["line"])
            continue
        action = Action(
            line=line, owner_id=owner_id, target_date=target_date(line, base, urgent=case.is_urgent)
        )
        action._history_user = user
        action.save()
        created.append(action)
    on = local_date(decision.validated_at)
    for actions in waiting.values():
        for action in actions:
            if action.status == Action.Status.PLANNED:
                action.status = Action.Status.CANCELLED
                action.cancelled_on = on
                action.cancel_reason = Action.CancelReason.SUPERSEDED
                action._history_user = user
                action.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    return created


# --- the life of an action ---------------------------------------------------------------------------


def _locked(action, user) -> Action:
    """The action's row locked until the end of the transaction, if `user` may change it (else 403)."""
    locked = (
        Action.objects.select_for_update(of=("self",))
        .select_related("line__decision__case__meeting", "line__decision__case__patient")
        .get(pk=action.pk)
    )
    require(may_change_action(user, locked))
    return locked


def _check_day(action, day, name) -> None:
    if day is None:
        raise ValidationError({name: _("Give the date.")})
    if day > today():
        raise ValidationError({name: _("This date is in the future.")})
    decided = board_date(action.line.decision.case.meeting)
    if day < decided:
        raise ValidationError(
            {name: _("The board decided on %(date)s: not before.") % {"date": decided.strftime("%d/%m/%Y")}}
        )


def _refuse_unless(action, *statuses) -> None:
    if action.status not in statuses:
        raise ValidationError(
            _("This action is %(status)s: reload the page.") % {"status": action.get_status_display().lower()}
        )


def _save(action, user, *fields) -> Action:
    action._history_user = user
    action.save(update_fields=list(fields))
    return action


@transaction.atomic
def start_action(*, action, user, started_on) -> Action:
    """planned → started on that day."""
    action = _locked(action, user)
    _refuse_unless(action, Action.Status.PLANNED)
    _check_day(action, started_on, "started_on")
    action.status, action.started_on = Action.Status.STARTED, started_on
    return _save(action, user, "status", "started_on")


@transaction.atomic
def complete_action(*, action, user, done_on, started_on=None) -> Action:
    """planned or started → done. Done without being marked started: it started the day it was done,
    unless `started_on` says otherwise."""
    action = _locked(action, user)
    _refuse_unless(action, Action.Status.PLANNED, Action.Status.STARTED)
    _check_day(action, done_on, "done_on")
    if action.status == Action.Status.PLANNED:
        started_on = started_on or done_on
        _check_day(action, started_on, "started_on")
        action.started_on = started_on
    if done_on < action.started_on:
        raise ValidationError({"done_on": _("Done before it started: check the dates.")})
    action.status, action.done_on = Action.Status.DONE, done_on
    return _save(action, user, "status", "started_on", "done_on")


CANCEL_REASONS = [r for r in Action.CancelReason if r != Action.CancelReason.SUPERSEDED]


@transaction.atomic
def cancel_action(*, action, user, reason, text="", cancelled_on=None) -> Action:
    """planned or started → cancelled, with its reason (the text says which when "other")."""
    action = _locked(action, user)
    _refuse_unless(action, Action.Status.PLANNED, Action.Status.STARTED)
    cancelled_on = cancelled_on or today()
    _check_day(action, cancelled_on, "cancelled_on")
    if reason not in CANCEL_REASONS:
        raise ValidationError({"cancel_reason": _("Choose the reason.")})
    text = (text or "").strip()
    if reason == Action.CancelReason.OTHER and not text:
        raise ValidationError({"cancel_text": _("Say why the action is cancelled.")})
    action.status, action.cancelled_on = Action.Status.CANCELLED, cancelled_on
    action.cancel_reason, action.cancel_text = reason, text
    return _save(action, user, "status", "cancelled_on", "cancel_reason", "cancel_text")


@transaction.atomic
def reschedule_action(*, action, user, owner, target_date) -> Action:
    """Give an open action another owner (a user of the same centre) or target date."""
    action = _locked(action, user)
    _refuse_unless(action, *Action.OPEN)
    if owner.centre_id != action.line.decision.case.patient.centre_id or not owner.is_active:
        raise ValidationError({"owner": _("Choose an active member of the centre.")})
    if target_date is None:
        raise ValidationError({"target_date": _("Give the date.")})
    action.owner, action.target_date = owner, target_date
    return _save(action, user, "owner", "target_date")


# --- outcomes ----------------------------------------------------------------------------------------


def milestones(decided: datetime.date) -> list[tuple[int, datetime.date]]:
    """(months, due date) of the outcomes of a decision taken on `decided`."""
    return [(months, add_months(decided, months)) for months in Outcome.Milestone.values]


@transaction.atomic
def record_outcome(*, form, user) -> Outcome:
    """Save a valid OutcomeForm (its instance names the case and milestone), the case having a validated
    decision; once per milestone, corrected in place (its history keeps what it said)."""
    require(may_record_outcome(user))
    outcome = form.instance
    case = (
        CaseSubmission.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=outcome.case_id)
    )
    if not case.decisions.exclude(status=Decision.Status.DRAFT).exists():
        raise ValidationError(_("The board has not validated a decision on this case yet."))
    if form.cleaned_data["recorded_on"] < board_date(case.meeting):
        raise ValidationError({"recorded_on": _("Before the board's decision: check the date.")})
    outcome = form.save(commit=False)
    outcome.recorded_by = user
    outcome._history_user = user
    outcome.save()
    return outcome


# --- what the pages read -----------------------------------------------------------------------------


def with_text(actions) -> list[Action]:
    """The actions (lines and lesions loaded) with `text`: their line in words."""
    for action in actions:
        action.text = describe(line_row(action.line, {}))
    return actions


def my_open_actions(user):
    """The open actions `user` owns, overdue first (planned, their target date past), then by target
    date. The same queries whatever their number: the actions with their line, case, patient and meeting,
    then the lines' lesions."""
    overdue = Case(
        When(status=Action.Status.PLANNED, target_date__lt=Value(today()), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Action.objects.visible_to(user)
        .open()
        .filter(owner=user)
        .select_related("line__decision__case__patient", "line__decision__case__meeting")
        .prefetch_related("line__lesions")
        .annotate(overdue_first=overdue)
        .order_by("overdue_first", "target_date", "pk")
    )


@dataclass
class Due:
    case: object
    months: int
    due: datetime.date

    @property
    def overdue(self) -> bool:
        return self.due < today()


def outcomes_due(user, *, within_days=31) -> list[Due]:
    """The outcomes not yet recorded, due within `within_days` or overdue, of the cases whose validated
    decision names `user` as follow-up physician: two queries (the cases with their meeting, their
    outcomes)."""
    horizon = today() + datetime.timedelta(days=within_days)
    oldest = timezone.now() - datetime.timedelta(days=max(Outcome.Milestone.values) * 31 + 62)
    followed = Decision.objects.filter(
        case=OuterRef("pk"), follow_up_physician=user, status=Decision.Status.VALIDATED
    )
    cases = (
        CaseSubmission.objects.visible_to(user)
        .filter(Exists(followed), meeting__starts_at__gte=oldest)
        .select_related("patient", "meeting")
        .prefetch_related("outcomes")
    )
    due = []
    for case in cases:
        recorded = {outcome.milestone for outcome in case.outcomes.all()}
        for months, day in milestones(board_date(case.meeting)):
            if months not in recorded and day <= horizon:
                due.append(Due(case=case, months=months, due=day))
    return sorted(due, key=lambda d: (d.due, d.case.pk, d.months))


@dataclass
class CaseFollowUp:
    case: object
    actions: list = field(default_factory=list)
    delays: Delays | None = None
    outcomes: list = field(default_factory=list)  # (months, due date, Outcome or None)
    versions: list = field(default_factory=list)


def patient_follow_up(user, patient) -> list[CaseFollowUp]:
    """The actions of every validated decision of the patient, their delays and outcomes, per case,
    newest meeting first. Six queries whatever the number of cases and actions."""
    validated = Decision.objects.filter(case=OuterRef("pk")).exclude(status=Decision.Status.DRAFT)
    cases = list(
        CaseSubmission.objects.visible_to(user)
        .filter(patient=patient)
        .filter(Exists(validated))
        .select_related("meeting")
        .prefetch_related(
            "outcomes",
            Prefetch("decisions", queryset=Decision.objects.exclude(status=Decision.Status.DRAFT)),
        )
        .order_by("-meeting__starts_at", "-pk")
    )
    actions = (
        with_text(
            Action.objects.visible_to(user)
            .filter(line__decision__case__in=[case.pk for case in cases])
            .select_related("line__decision", "owner")
            .prefetch_related("line__lesions")
            .order_by("line__decision__version", "line__position", "pk")
        )
        if cases
        else []
    )
    assessments = list(ClinicalAssessment.objects.filter(patient=patient, motor_deficit_onset__isnull=False))
    by_case = defaultdict(list)
    for action in actions:
        by_case[action.line.decision.case_id].append(action)
    rows = []
    for case in cases:
        recorded = {outcome.milestone: outcome for outcome in case.outcomes.all()}
        rows.append(
            CaseFollowUp(
                case=case,
                actions=by_case[case.pk],
                delays=case_delays(case, by_case[case.pk], assessments),
                outcomes=[(m, day, recorded.get(m)) for m, day in milestones(board_date(case.meeting))],
                versions=list(case.decisions.all()),
            )
        )
    return rows


def closing_actions(meeting) -> list[tuple]:
    """(case, its actions) for each case of the meeting's agenda whose validated decision made actions, in
    the agenda's order: one query, two when there are actions (their lines' lesions)."""
    actions = with_text(
        Action.objects.filter(line__decision__case__meeting=meeting)
        .exclude(line__decision__case__status=CaseSubmission.Status.REMOVED)
        .select_related("line__decision__case__patient", "owner")
        .prefetch_related("line__lesions")
        .order_by(
            "line__decision__case__position",
            "line__decision__case_id",
            "line__decision__version",
            "line__position",
        )
    )
    by_case = {}
    for action in actions:
        case = action.line.decision.case
        by_case.setdefault(case.pk, (case, []))[1].append(action)
    return list(by_case.values())


@dataclass
class Suggestion:
    action: Action
    why: str

    @property
    def patient(self):
        return self.action.line.decision.case.patient


def agenda_suggestions(meeting) -> list[Suggestion]:
    """The cases the meeting should see again (one per patient): a surveillance still open whose date
    falls on or before the meeting, or an action cancelled because the condition worsened — unless the
    patient has a case submitted since (waiting, on an agenda or discussed). One query."""
    if meeting.status != meeting.Status.PLANNED:
        return []
    since = CaseSubmission.objects.filter(
        patient=OuterRef("line__decision__case__patient"), pk__gt=OuterRef("line__decision__case")
    ).exclude(status=CaseSubmission.Status.REMOVED)
    pending = CaseSubmission.objects.filter(
        patient=OuterRef("line__decision__case__patient"),
        status__in=[CaseSubmission.Status.SUBMITTED, CaseSubmission.Status.SCHEDULED],
    )
    actions = (
        Action.objects.filter(line__decision__case__patient__centre_id=meeting.board.centre_id)
        .filter(
            Q(line__kind=Kind.SURVEILLANCE, status__in=Action.OPEN, target_date__lte=board_date(meeting))
            | Q(status=Action.Status.CANCELLED, cancel_reason=Action.CancelReason.WORSENED)
        )
        .filter(~Exists(since), ~Exists(pending))
        .select_related("line__decision__case__patient")
        .order_by("target_date", "pk")
    )
    suggestions, seen = [], set()
    for action in actions:
        patient_id = action.line.decision.case.patient_id
        if patient_id in seen:
            continue
        seen.add(patient_id)
        if action.status == Action.Status.CANCELLED:
            why = _("Action cancelled on %(date)s: condition worsened") % {
                "date": action.cancelled_on.strftime("%d/%m/%Y")
            }
        else:
            why = _("Surveillance: to present again by %(date)s") % {
                "date": action.target_date.strftime("%d/%m/%Y")
            }
        suggestions.append(Suggestion(action=action, why=why))
    return suggestions


def suggested_case_data(action, meeting) -> dict:
    """The data of the CaseForm that puts a suggestion on `meeting`'s agenda (rcp.agenda.submit_case)."""
    worsened = action.status == Action.Status.CANCELLED
    previous = action.line.decision.case
    return {
        "patient": previous.patient_id,
        "meeting": meeting.pk,
        "question": (
            _("Condition worsened: %(line)s cancelled. What now?")
            if worsened
            else _("Surveillance after the decision of %(date)s: %(line)s. Re-evaluation.")
        )
        % {
            "line": describe(line_row(action.line, {})),
            "date": board_date(previous.meeting).strftime("%d/%m/%Y"),
        },
        "reason": CaseSubmission.Reason.PROGRESSION if worsened else CaseSubmission.Reason.FOLLOW_UP,
        "urgency": CaseSubmission.Urgency.ROUTINE,
        "presenting_physician": action.owner_id,
    }
