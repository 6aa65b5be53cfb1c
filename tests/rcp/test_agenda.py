"""The agenda's services (rcp.agenda), called directly: each records who did it in the case's history,
does all or nothing, and refuses what the rules refuse."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rcp import agenda
from rcp.forms import CaseForm
from rcp.meetings import MeetingClosed, Outcome, carry_over_reason
from rcp.models import CaseSubmission, Meeting
from tests.factories import BoardFactory, CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(centre, chair):
    return MeetingFactory(board=BoardFactory(centre=centre), chair=chair)


@pytest.fixture
def later(meeting):
    return MeetingFactory(
        board=meeting.board, chair=meeting.chair, starts_at=meeting.starts_at + timedelta(days=7)
    )


def on_agenda(meeting, count=1, **kwargs):
    return CaseFactory.create_batch(count, meeting=meeting, patient__centre=meeting.board.centre, **kwargs)


def waiting(centre, count):
    return CaseFactory.create_batch(
        count, meeting=None, patient__centre=centre, status="submitted", position=0
    )


def agenda_ids(meeting):
    return list(meeting.agenda().values_list("pk", flat=True))


def last_changed_by(case):
    return CaseSubmission.objects.get(pk=case.pk).history.first().history_user


def fails_on_save(model, call):
    """`model.save` raises on its `call`-th call, as a database failing half-way would."""
    original, calls = model.save, []

    def save(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == call:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    return mock.patch.object(model, "save", save)


def case_form(user, patient, meeting=None, **data):
    form = CaseForm(
        {
            "patient": patient.pk,
            "meeting": meeting.pk if meeting else "",
            "question": "Radiothérapie ?",
            "reason": "pain",
            "urgency": "routine",
            "presenting_physician": user.pk,
            **data,
        },
        user=user,
    )
    assert form.is_valid(), form.errors
    return form


# Submitting -----------------------------------------------------------------------------------------


def test_a_case_submitted_to_a_meeting_goes_last_on_its_agenda(clinician, patient, meeting):
    on_agenda(meeting, 2)
    case = agenda.submit_case(form=case_form(clinician, patient, meeting), user=clinician)
    assert (case.meeting, case.status, case.submitted_by) == (meeting, "scheduled", clinician)
    assert agenda_ids(meeting)[-1] == case.pk
    assert last_changed_by(case) == clinician


def test_a_case_for_the_next_meeting_goes_to_the_first_planned_one_or_waits(
    clinician, patient, meeting, later
):
    case = agenda.submit_case(form=case_form(clinician, patient), user=clinician)
    assert case.meeting == meeting
    Meeting.objects.update(status=Meeting.Status.CLOSED, closed_at=timezone.now())
    waiting = agenda.submit_case(form=case_form(clinician, patient), user=clinician)
    assert (waiting.meeting, waiting.status) == (None, "submitted")


def test_an_urgent_case_joins_a_meeting_under_way_first(clinician, patient, meeting):
    on_agenda(meeting, 2)
    meeting.status = Meeting.Status.IN_PROGRESS
    meeting.save()
    case = agenda.submit_case(form=case_form(clinician, patient, meeting, urgency="urgent"), user=clinician)
    assert agenda_ids(meeting)[0] == case.pk


def test_a_routine_case_is_refused_by_a_meeting_started_since_the_form_was_filled(
    clinician, patient, meeting
):
    form = case_form(clinician, patient, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        agenda.submit_case(form=form, user=clinician)
    assert "meeting" in refused.value.message_dict
    assert not CaseSubmission.objects.exists()


def test_a_case_is_refused_by_a_meeting_closed_since_the_form_was_filled(clinician, patient, meeting):
    form = case_form(clinician, patient, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(MeetingClosed):
        agenda.submit_case(form=form, user=clinician)
    assert not CaseSubmission.objects.exists()


def test_editing_a_case_is_attributed_and_refused_once_its_meeting_is_closed(clinician, meeting):
    [case] = on_agenda(meeting, presenting_physician=clinician)
    form = CaseForm({"question": "Chirurgie ?", "reason": "pain", "urgency": "routine",
                     "presenting_physician": clinician.pk}, instance=case, user=clinician)  # fmt: skip
    form.fields["meeting"].disabled = form.fields["patient"].disabled = True
    assert form.is_valid(), form.errors
    agenda.update_case(form=form, user=clinician)
    assert CaseSubmission.objects.get(pk=case.pk).question == "Chirurgie ?"
    assert last_changed_by(case) == clinician
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(MeetingClosed):
        agenda.update_case(form=form, user=clinician)


def test_editing_a_case_moved_since_the_form_was_loaded_keeps_its_new_place(clinician, coordinator, meeting):
    first, case = on_agenda(meeting, 2, presenting_physician=clinician)
    form = CaseForm({"question": "Chirurgie ?", "reason": "pain", "urgency": "routine",
                     "presenting_physician": clinician.pk}, instance=case, user=clinician)  # fmt: skip
    form.fields["meeting"].disabled = form.fields["patient"].disabled = True
    assert form.is_valid(), form.errors
    agenda.move_case(meeting=meeting, case_id=case.pk, direction="up", user=coordinator)
    agenda.update_case(form=form, user=clinician)
    assert agenda_ids(meeting) == [case.pk, first.pk]


# Ordering -------------------------------------------------------------------------------------------


def test_reordering_renumbers_the_agenda_and_records_who(coordinator, meeting):
    a, b, c = on_agenda(meeting, 3)
    assert agenda.reorder_agenda(meeting=meeting, ordered_ids=[c.pk, a.pk, b.pk], user=coordinator)
    assert agenda_ids(meeting) == [c.pk, a.pk, b.pk]
    assert {last_changed_by(case) for case in (a, b, c)} == {coordinator}


def test_reordering_that_fails_half_way_leaves_the_order_as_it_was(coordinator, meeting):
    a, b, c = on_agenda(meeting, 3)
    with fails_on_save(CaseSubmission, call=2), pytest.raises(RuntimeError):
        agenda.reorder_agenda(meeting=meeting, ordered_ids=[c.pk, b.pk, a.pk], user=coordinator)
    assert agenda_ids(meeting) == [a.pk, b.pk, c.pk]


def test_an_order_that_does_not_name_every_case_once_changes_nothing(coordinator, meeting):
    a, b = on_agenda(meeting, 2)
    assert not agenda.reorder_agenda(meeting=meeting, ordered_ids=[b.pk, b.pk], user=coordinator)
    assert agenda_ids(meeting) == [a.pk, b.pk]


def test_moving_a_case_swaps_it_with_its_neighbour_and_the_first_stays_first(coordinator, meeting):
    a, b, c = on_agenda(meeting, 3)
    assert agenda.move_case(meeting=meeting, case_id=c.pk, direction="up", user=coordinator)
    assert agenda_ids(meeting) == [a.pk, c.pk, b.pk]
    assert agenda.move_case(meeting=meeting, case_id=a.pk, direction="up", user=coordinator)
    assert agenda_ids(meeting) == [a.pk, c.pk, b.pk]
    assert agenda.move_case(meeting=meeting, case_id=a.pk, direction="down", user=coordinator)
    assert agenda_ids(meeting) == [c.pk, a.pk, b.pk]
    assert last_changed_by(a) == coordinator


def test_moving_a_case_not_on_the_agenda_changes_nothing(coordinator, meeting, later):
    a, b = on_agenda(meeting, 2)
    [elsewhere] = on_agenda(later)
    assert not agenda.move_case(meeting=meeting, case_id=elsewhere.pk, direction="up", user=coordinator)
    assert agenda_ids(meeting) == [a.pk, b.pk]


def test_the_agenda_of_a_closed_meeting_is_read_only(coordinator, meeting, later):
    a, b = on_agenda(meeting, 2)
    meeting.status, meeting.closed_at = Meeting.Status.CLOSED, timezone.now()
    meeting.save()
    for write in (
        lambda: agenda.reorder_agenda(meeting=meeting, ordered_ids=[b.pk, a.pk], user=coordinator),
        lambda: agenda.move_case(meeting=meeting, case_id=b.pk, direction="up", user=coordinator),
        lambda: agenda.postpone_case(case=a, meeting=later, user=coordinator),
        lambda: agenda.remove_case(case=a, user=coordinator),
        lambda: agenda.mark_discussed(case=a, user=coordinator),
    ):
        with pytest.raises(MeetingClosed):
            write()
    assert agenda_ids(meeting) == [a.pk, b.pk]
    assert CaseSubmission.objects.get(pk=a.pk).status == "scheduled"


# Waiting cases, postponing, removing, discussing ----------------------------------------------------


def test_waiting_cases_join_the_agenda_oldest_first(coordinator, meeting):
    [already] = on_agenda(meeting)
    newer, older = waiting(meeting.board.centre, 2)
    CaseSubmission.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    cases = CaseSubmission.objects.filter(status="submitted")
    assert agenda.add_waiting_cases(meeting=meeting, cases=cases, user=coordinator) == 2
    assert agenda_ids(meeting) == [already.pk, older.pk, newer.pk]
    assert last_changed_by(newer) == last_changed_by(older) == coordinator


def test_waiting_cases_that_fail_half_way_all_stay_waiting(coordinator, meeting):
    waiting(meeting.board.centre, 2)
    with fails_on_save(CaseSubmission, call=2), pytest.raises(RuntimeError):
        agenda.add_waiting_cases(meeting=meeting, cases=CaseSubmission.objects.all(), user=coordinator)
    assert agenda_ids(meeting) == []
    assert CaseSubmission.objects.filter(status="submitted").count() == 2


def test_a_postponed_case_goes_last_on_the_later_agenda_with_the_reason(coordinator, meeting, later):
    [case] = on_agenda(meeting)
    [waiting_there] = on_agenda(later)
    agenda.postpone_case(case=case, meeting=later, user=coordinator)
    assert agenda_ids(meeting) == [] and agenda_ids(later) == [waiting_there.pk, case.pk]
    entry = CaseSubmission.objects.get(pk=case.pk).history.first()
    assert entry.history_user == coordinator
    assert entry.history_change_reason == carry_over_reason(Outcome.POSTPONED, meeting, later)


def test_a_removed_case_leaves_the_agenda_attributed(coordinator, meeting):
    [case] = on_agenda(meeting)
    agenda.remove_case(case=case, user=coordinator)
    assert agenda_ids(meeting) == [] and last_changed_by(case) == coordinator


def test_a_case_discussed_without_quorum_is_to_present_again(coordinator, meeting):
    [case] = on_agenda(meeting)
    agenda.mark_discussed(case=case, user=coordinator)
    case.refresh_from_db()
    assert case.status == "discussed" and case.discussed_with_quorum is False
    assert last_changed_by(case) == coordinator
