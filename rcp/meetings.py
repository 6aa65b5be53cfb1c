"""The life of a meeting: planned, started on its day, its attendance kept while it is open (its agenda:
rcp.agenda), closed with the fate of every case left without a validated decision, reopened by its chair.

Every write is a keyword-only function in one transaction that locks the meeting row and records the
history user itself. Once a meeting is closed its agenda, attendance and drafts are read only: the writes
raise MeetingClosed (a PermissionDenied, so a view that lets it through answers 403). Only the chair or
deputy may still validate the drafts of the cases the board discussed (rcp.services.validate_decision).
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .boards import ensure_board
from .models import Attendance, CaseSubmission, Decision, Meeting


class Outcome(models.TextChoices):
    """What closing a meeting does with a case left without a validated decision."""

    POSTPONED = "postponed", gettext_lazy("Postponed to the next meeting")
    NOT_DISCUSSED = "not_discussed", gettext_lazy("Not discussed")
    TO_VALIDATE = "to_validate", gettext_lazy("Discussed: decision to validate")


class MeetingClosed(PermissionDenied):
    """The meeting is closed: its agenda, its attendance and its drafts are read only."""

    def __init__(self, meeting):
        self.meeting = meeting
        super().__init__(closed_message(meeting))


def local_day(value: datetime) -> str:
    return date_format(timezone.localtime(value, timezone.get_default_timezone()), "d/m/Y")


def local_time(value: datetime) -> str:
    return date_format(timezone.localtime(value, timezone.get_default_timezone()), "H:i")


def closed_message(meeting) -> str:
    return _("Meeting closed on %(date)s at %(time)s: its agenda, attendance and drafts are read only.") % {
        "date": local_day(meeting.closed_at),
        "time": local_time(meeting.closed_at),
    }


def ensure_open(meeting) -> None:
    """Refuse a change to a closed meeting (from the instance at hand: the services lock and re-read)."""
    if meeting is not None and meeting.status == Meeting.Status.CLOSED:
        raise MeetingClosed(meeting)


def lock_open(meeting) -> Meeting:
    """The meeting's row, locked until the end of the transaction; refused if it is closed."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    ensure_open(locked)
    return locked


def _sync(target, source, *fields):
    for field in fields:
        setattr(target, field, getattr(source, field))


# Planning ------------------------------------------------------------------------------------------


@transaction.atomic
def save_meeting(*, form, user) -> Meeting:
    """Save a valid MeetingForm. A new meeting goes to the board of the user's centre, created with the
    centre's first meeting; an existing meeting changes only while it is open."""
    meeting = form.instance
    if meeting.pk is None:
        if meeting.board_id is None:
            meeting.board = ensure_board(centre=user.centre)
    else:
        # The form's meeting was read before the lock: a start or a closing since then stands.
        _sync(meeting, lock_open(meeting), "status", "closed_at")
    meeting = form.save(commit=False)
    meeting._history_user = user
    meeting.save()
    form.save_m2m()
    return meeting


# Starting, closing, reopening ----------------------------------------------------------------------


def can_start(meeting, now=None) -> bool:
    """A meeting opens on its day at the earliest (its local date in the board's time zone)."""
    zone = timezone.get_default_timezone()
    return timezone.localdate(now or timezone.now(), zone) >= timezone.localdate(meeting.starts_at, zone)


@transaction.atomic
def start_meeting(*, meeting, user, now=None) -> Meeting:
    """Open the meeting: not before its day (its minutes would be dated before it). Idempotent."""
    locked = lock_open(meeting)
    if locked.status == Meeting.Status.PLANNED:
        if not can_start(locked, now):
            raise ValidationError(
                _("The meeting of %(date)s can be started on its day, not before.")
                % {"date": local_day(locked.starts_at)}
            )
        locked.status = Meeting.Status.IN_PROGRESS
        locked._history_user = user
        locked.save(update_fields=["status"])
    _sync(meeting, locked, "status")
    return locked


def undecided_cases(meeting):
    """The agenda's cases without a validated decision, urgent first, then in the agenda's order;
    `has_draft` says whether a draft decision waits for validation."""
    validated = Decision.objects.filter(case=OuterRef("pk")).exclude(status=Decision.Status.DRAFT)
    draft = Decision.objects.filter(case=OuterRef("pk"), status=Decision.Status.DRAFT)
    return (
        meeting.agenda()
        .filter(~Exists(validated))
        .annotate(
            has_draft=Exists(draft),
            urgent_first=models.Case(models.When(urgency=CaseSubmission.Urgency.URGENT, then=0), default=1),
        )
        .order_by("urgent_first", "position", "pk")
    )


def outcome_choices(case) -> list[tuple[str, str]]:
    """The choices for a case at closing; "decision to validate" only for a discussed case with a draft."""
    choices = [Outcome.POSTPONED, Outcome.NOT_DISCUSSED]
    if case.status == CaseSubmission.Status.DISCUSSED and case.has_draft:
        choices.append(Outcome.TO_VALIDATE)
    return [(choice.value, choice.label) for choice in choices]


def next_meeting(meeting, *, lock=False):
    """The board's first planned meeting starting after this one (where carried-over cases go)."""
    meetings = Meeting.objects.filter(
        board_id=meeting.board_id, status=Meeting.Status.PLANNED, starts_at__gt=meeting.starts_at
    ).order_by("starts_at", "pk")
    if lock:
        meetings = meetings.select_for_update()
    return meetings.first()


def carry_over_reason(outcome, meeting, target) -> str:
    values = {"date": local_day(meeting.starts_at), "next": local_day(target.starts_at) if target else ""}
    if outcome == Outcome.POSTPONED:
        if target:
            return _("Postponed from the meeting of %(date)s to the meeting of %(next)s") % values
        return _("Postponed from the meeting of %(date)s: back on the waiting list") % values
    if target:
        return _("Not discussed at the meeting of %(date)s: carried over to the meeting of %(next)s") % values
    return _("Not discussed at the meeting of %(date)s: back on the waiting list") % values


def _move(case, target, *, user, reason):
    """Put the case on `target`'s agenda (at the end), or back on the waiting list when there is none."""
    case.meeting = target
    case.status = CaseSubmission.Status.SCHEDULED if target else CaseSubmission.Status.SUBMITTED
    case.position = target.next_position() if target else 0
    case.discussed_at = None
    case.discussed_with_quorum = None
    case._history_user = user
    case._change_reason = reason
    case.save(update_fields=["meeting", "status", "position", "discussed_at", "discussed_with_quorum"])


@transaction.atomic
def close_meeting(*, meeting, user, outcomes, now=None) -> Meeting:
    """Close a meeting under way. `outcomes` gives an Outcome for every case without a validated
    decision ({case pk: outcome}); postponed and not-discussed cases go to the board's next planned
    meeting, else back to the waiting list, with the reason in their history. Errors are keyed
    `case_<pk>` (the closing form's fields)."""
    locked = lock_open(meeting)
    if locked.status != Meeting.Status.IN_PROGRESS:
        raise ValidationError({NON_FIELD_ERRORS: [_("Start the meeting before closing it.")]})
    cases = list(undecided_cases(locked).select_for_update())
    errors = {}
    for case in cases:
        allowed = {value for value, _label in outcome_choices(case)}
        if outcomes.get(case.pk) not in allowed:
            errors[f"case_{case.pk}"] = [_("Choose what happens to this case.")]
    if set(outcomes) - {case.pk for case in cases}:
        errors[NON_FIELD_ERRORS] = [_("The agenda changed in the meantime: check the choices again.")]
    if errors:
        raise ValidationError(errors)
    target = next_meeting(locked, lock=True)
    for case in cases:
        if outcomes[case.pk] != Outcome.TO_VALIDATE:
            _move(case, target, user=user, reason=carry_over_reason(outcomes[case.pk], locked, target))
    locked.status = Meeting.Status.CLOSED
    locked.closed_at = now or timezone.now()
    locked._history_user = user
    locked.save(update_fields=["status", "closed_at"])
    _sync(meeting, locked, "status", "closed_at")
    return locked


def can_reopen(user, meeting) -> bool:
    """Only the meeting's chair reopens it (to correct an attendance or a choice made at closing)."""
    return meeting.status == Meeting.Status.CLOSED and user.pk == meeting.chair_id


@transaction.atomic
def reopen_meeting(*, meeting, user) -> Meeting:
    """Reopen a closed meeting, under way again; the cases carried over stay where they went."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != Meeting.Status.CLOSED:
        return locked
    if not can_reopen(user, locked):
        raise PermissionDenied(_("Only the chair of the meeting can reopen it."))
    locked.status = Meeting.Status.IN_PROGRESS
    locked.closed_at = None
    locked._history_user = user
    locked._change_reason = _("Reopened by the chair")
    locked.save(update_fields=["status", "closed_at"])
    _sync(meeting, locked, "status", "closed_at")
    return locked


# Attendance ----------------------------------------------------------------------------------------


@transaction.atomic
def set_attendance(*, meeting, present, user) -> None:
    """Tick the users present (an iterable of users); the others with a row are marked absent."""
    lock_open(meeting)
    present = {person.pk: person for person in present}
    existing = {a.user_id: a for a in meeting.attendances.filter(user__isnull=False)}
    for user_id, row in existing.items():
        if row.present != (user_id in present):
            row.present = user_id in present
            row.save(update_fields=["present"])
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user=person, specialty=person.specialty)
        for user_id, person in present.items()
        if user_id not in existing
    )


@transaction.atomic
def add_guest(*, meeting, form, user) -> Attendance:
    """Add a guest from a valid GuestForm whose instance belongs to the meeting."""
    lock_open(meeting)
    return form.save()


@transaction.atomic
def remove_guest(*, meeting, attendance_id, user) -> None:
    lock_open(meeting)
    meeting.attendances.filter(pk=attendance_id, user__isnull=True).delete()


# The case's history ---------------------------------------------------------------------------------


@dataclass
class CaseEvent:
    when: datetime
    user: object
    status: str
    meeting: object
    reason: str


def case_history(case) -> list[CaseEvent]:
    """When the case changed meeting or status, by whom and why (its reordering left out), newest first."""
    records = case.history.select_related("history_user", "meeting").order_by("history_date", "history_id")
    labels = dict(CaseSubmission.Status.choices)
    events, previous = [], None
    for record in records:
        moved = previous is None or (record.meeting_id, record.status) != (
            previous.meeting_id,
            previous.status,
        )
        if moved or record.history_change_reason:
            events.append(
                CaseEvent(
                    when=record.history_date,
                    user=record.history_user,
                    status=labels.get(record.status, record.status),
                    meeting=record.meeting if record.meeting_id else None,
                    reason=record.history_change_reason or "",
                )
            )
        previous = record
    return events[::-1]
