"""A meeting's agenda: cases submitted to it, edited, reordered, postponed, removed, discussed.

Every write is a keyword-only function in one transaction that locks the meeting row (the agenda's
positions are numbered under that lock) and records the history user itself. A closed meeting's agenda is
read only: the writes raise MeetingClosed (rcp.meetings).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .meetings import Outcome, carry_over_reason, lock_open
from .models import CaseSubmission, Meeting

DIRECTIONS = {"up": -1, "down": 1}


def _next_planned_meeting(centre_id):
    """The centre's next planned meeting, locked (where a case submitted to "the next meeting" goes)."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .filter(board__centre_id=centre_id, status=Meeting.Status.PLANNED, starts_at__gte=timezone.now())
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def submit_case(*, form, user) -> CaseSubmission:
    """Submit a case from a valid CaseForm: to the meeting chosen, else to the centre's next planned
    meeting, else to the waiting list. Only an urgent case joins a meeting under way, and first."""
    case = form.save(commit=False)
    case.urgency = form.cleaned_data["urgency"]  # the form makes a cord compression urgent
    case.submitted_by = user
    chosen = form.cleaned_data.get("meeting")
    meeting = lock_open(chosen) if chosen else _next_planned_meeting(case.patient.centre_id)
    if meeting is None:
        case.meeting, case.status, case.position = None, CaseSubmission.Status.SUBMITTED, 0
    else:
        under_way = meeting.status == Meeting.Status.IN_PROGRESS
        if under_way and not case.is_urgent:  # the form says so too; the meeting may have started since
            raise ValidationError({"meeting": _("Only an urgent case can be added to a meeting under way.")})
        case.meeting, case.status = meeting, CaseSubmission.Status.SCHEDULED
        case.position = 0 if under_way else meeting.next_position()
    case._history_user = user
    case.save()
    return case


@transaction.atomic
def update_case(*, form, user) -> CaseSubmission:
    """Save the question of a case already submitted (a valid CaseForm), while its meeting is open. Its
    patient never changes and its meeting only by postponement: their fields, and its place on the
    agenda, are left as they are now."""
    if form.instance.meeting_id:
        lock_open(form.instance.meeting)
    case = form.save(commit=False)
    case.urgency = form.cleaned_data["urgency"]
    case._history_user = user
    case.save(update_fields=["question", "reason", "urgency", "presenting_physician"])
    return case


@transaction.atomic
def reorder_agenda(*, meeting, ordered_ids, user) -> bool:
    """Renumber the agenda in the order given; False (nothing changed) unless it names every case once."""
    lock_open(meeting)
    cases = {case.pk: case for case in meeting.agenda().select_for_update()}
    if len(ordered_ids) != len(cases) or set(ordered_ids) != set(cases):
        return False
    for position, case_id in enumerate(ordered_ids, start=1):
        case = cases[case_id]
        if case.position != position:
            case.position = position
            case._history_user = user
            case.save(update_fields=["position"])
    return True


@transaction.atomic
def move_case(*, meeting, case_id, direction, user) -> bool:
    """Swap a case with its neighbour "up" or "down" the agenda (the first stays first); False if the case
    is not on the agenda."""
    lock_open(meeting)
    ids = list(meeting.agenda().values_list("pk", flat=True))
    if case_id not in ids:
        return False
    index = ids.index(case_id)
    other = index + DIRECTIONS[direction]
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return reorder_agenda(meeting=meeting, ordered_ids=ids, user=user)


@transaction.atomic
def add_waiting_cases(*, meeting, cases, user) -> int:
    """Put the waiting cases (a queryset) on the meeting's agenda, oldest first."""
    lock_open(meeting)
    position = meeting.next_position()
    added = 0
    waiting = cases.filter(status=CaseSubmission.Status.SUBMITTED).select_for_update(of=("self",))
    for case in waiting.order_by("submitted_at", "pk"):
        case.meeting, case.status, case.position = meeting, CaseSubmission.Status.SCHEDULED, position
        case._history_user = user
        case.save(update_fields=["meeting", "status", "position"])
        position += 1
        added += 1
    return added


@transaction.atomic
def postpone_case(*, case, meeting, user) -> CaseSubmission:
    """Move a case from its meeting (still open) to a later one, the reason kept in its history."""
    # Both meetings locked in the same order whichever way the case goes: two crossing postponements
    # wait for each other rather than deadlock.
    locked = {m.pk: lock_open(m) for m in sorted((case.meeting, meeting), key=lambda m: m.pk)}
    origin, target = locked[case.meeting_id], locked[meeting.pk]
    case.meeting = target
    case.position = target.next_position()
    case.status = CaseSubmission.Status.SCHEDULED
    case._history_user = user
    case._change_reason = carry_over_reason(Outcome.POSTPONED, origin, target)
    case.save(update_fields=["meeting", "position", "status"])
    return case


@transaction.atomic
def remove_case(*, case, user) -> CaseSubmission:
    if case.meeting_id:
        lock_open(case.meeting)
    case.status = CaseSubmission.Status.REMOVED
    case._history_user = user
    case.save(update_fields=["status"])
    return case


@transaction.atomic
def mark_discussed(*, case, user, now=None) -> CaseSubmission:
    """The board has discussed the case; without quorum it is to be presented again."""
    meeting = lock_open(case.meeting)
    case.status = CaseSubmission.Status.DISCUSSED
    case.discussed_at = now or timezone.now()
    case.discussed_with_quorum = meeting.quorum().ok
    case._history_user = user
    case.save(update_fields=["status", "discussed_at", "discussed_with_quorum"])
    return case
