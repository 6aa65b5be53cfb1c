"""After the board (rcp/followup.py): each validated line becomes an action, its life and who may change it,
amendments, delays computed across the changes of hour, my follow-up page, the patient's actions, the
outcomes, the closing page and the agenda's suggestions."""

import datetime
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from rcp import followup
from rcp.models import Action, CaseSubmission, Outcome
from rcp.services import amend_decision, validate_decision
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MeetingFactory,
    PrimaryTumourFactory,
    UserFactory,
    propose,
    started_meeting,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC


@pytest.fixture
def meeting(centre, chair, deputy):
    return started_meeting(centre=centre, chair=chair, deputy=deputy)


def make_case(meeting, **kwargs):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre, **kwargs)
    PrimaryTumourFactory(patient=case.patient)
    LesionFactory(exam=ExamFactory(patient=case.patient, modality="spine_mri"), vertebral_level="T11")
    AssessmentFactory(patient=case.patient, life_expectancy_months=Decimal("12"))
    LabFactory(patient=case.patient)
    return case


@pytest.fixture
def case(meeting):
    return make_case(meeting)


def three_lines(case, user, *, represent_on=None):
    """Radiotherapy on T11, denosumab, and a surveillance."""
    [t11] = case.patient.tracked_lesions.all()
    propose(case, user, "radiotherapy", lesions=[t11], intent="analgesic", technique="3d", schedule="8x1")
    propose(case, user, "bma", action="start", drug="denosumab", interval_weeks="4")
    surveillance = {"represent_on": represent_on.isoformat()} if represent_on else {}
    propose(case, user, "surveillance", **surveillance)


def validate(case, chair, *, follow_up=None):
    draft = case.decisions.get(status="draft")
    draft.conforms = True
    draft.follow_up_physician = follow_up
    draft.save()
    return validate_decision(decision=draft, user=chair)


def actions_of(case):
    return list(Action.objects.filter(line__decision__case=case).order_by("line__position", "pk"))


@pytest.fixture
def decided(case, chair, clinician):
    """The case with three validated lines, followed up by the clinician."""
    three_lines(case, chair, represent_on=timezone.localdate() + timedelta(days=40))
    validate(case, chair, follow_up=clinician)
    return case


# --- creation ---------------------------------------------------------------------------------------


def test_validation_makes_each_line_an_action_owned_by_the_follow_up_physician(decided, clinician):
    rt, bma, surveillance = actions_of(decided)
    board = followup.board_date(decided.meeting)
    assert [a.line.kind for a in (rt, bma, surveillance)] == ["radiotherapy", "bma", "surveillance"]
    assert {a.owner for a in (rt, bma, surveillance)} == {clinician}
    assert {a.status for a in (rt, bma, surveillance)} == {"planned"}
    assert rt.target_date == board + timedelta(days=14)
    assert surveillance.target_date == timezone.localdate() + timedelta(days=40)
    assert rt.history.first().history_user is not None


def test_without_a_follow_up_physician_the_presenting_physician_owns_the_actions(case, chair):
    three_lines(case, chair)
    validate(case, chair)
    assert {a.owner_id for a in actions_of(case)} == {case.presenting_physician_id}


def test_an_urgent_case_actions_are_due_within_two_days(meeting, chair):
    case = make_case(meeting, urgency="urgent", reason="cord_compression")
    three_lines(case, chair)
    validate(case, chair)
    rt, bma, surveillance = actions_of(case)
    board = followup.board_date(meeting)
    assert rt.target_date == bma.target_date == board + timedelta(days=2)
    assert surveillance.target_date == board + timedelta(days=91)  # a surveillance is never hurried


# --- the life of an action --------------------------------------------------------------------------


def test_an_action_is_started_then_done_and_its_history_keeps_who(decided, clinician):
    rt = actions_of(decided)[0]
    today = timezone.localdate()
    followup.start_action(action=rt, user=clinician, started_on=today)
    followup.complete_action(action=rt, user=clinician, done_on=today)
    rt.refresh_from_db()
    assert (rt.status, rt.started_on, rt.done_on) == ("done", today, today)
    assert [h.status for h in rt.history.order_by("history_date", "history_id")] == [
        "planned",
        "started",
        "done",
    ]
    assert rt.history.first().history_user == clinician
    with pytest.raises(ValidationError):  # done is final
        followup.cancel_action(action=rt, user=clinician, reason="died")


def test_done_without_being_started_started_the_same_day(decided, clinician):
    bma = actions_of(decided)[1]
    followup.complete_action(action=bma, user=clinician, done_on=timezone.localdate())
    bma.refresh_from_db()
    assert bma.started_on == bma.done_on


def test_dates_are_checked_against_today_and_the_board(decided, clinician):
    rt = actions_of(decided)[0]
    with pytest.raises(ValidationError) as future:
        followup.start_action(action=rt, user=clinician, started_on=timezone.localdate() + timedelta(days=1))
    assert "started_on" in future.value.message_dict
    with pytest.raises(ValidationError) as before:
        followup.start_action(action=rt, user=clinician, started_on=timezone.localdate() - timedelta(days=9))
    assert "started_on" in before.value.message_dict


def test_cancelling_needs_a_reason_and_other_needs_its_words(decided, clinician):
    rt, bma, _ = actions_of(decided)
    with pytest.raises(ValidationError) as other:
        followup.cancel_action(action=rt, user=clinician, reason="other")
    assert "cancel_text" in other.value.message_dict
    with pytest.raises(ValidationError):  # reserved for amendments
        followup.cancel_action(action=rt, user=clinician, reason="superseded")
    followup.cancel_action(action=bma, user=clinician, reason="worsened")
    bma.refresh_from_db()
    assert (bma.status, bma.cancel_reason, bma.cancelled_on) == (
        "cancelled",
        "worsened",
        timezone.localdate(),
    )


def test_only_the_owner_a_coordinator_or_the_chair_changes_an_action(
    decided, clinician, coordinator, chair, deputy, centre
):
    rt, bma, surveillance = actions_of(decided)
    colleague = UserFactory(centre=centre, role="clinician")
    with pytest.raises(PermissionDenied):
        followup.start_action(action=rt, user=colleague, started_on=timezone.localdate())
    followup.start_action(action=rt, user=clinician, started_on=timezone.localdate())
    followup.start_action(action=bma, user=coordinator, started_on=timezone.localdate())
    followup.start_action(action=surveillance, user=deputy, started_on=timezone.localdate())


def test_the_action_page_changes_it_and_refuses_others(client_for, decided, clinician, outsider, centre):
    rt = actions_of(decided)[0]
    page = reverse("rcp:action", args=[rt.pk])
    today = timezone.localdate().isoformat()
    assert client_for(outsider).get(page).status_code == 404
    assert client_for(outsider).post(page, {"op": "start", "start-started_on": today}).status_code == 404
    colleague = client_for(UserFactory(centre=centre, role="clinician"))
    assert colleague.get(page).status_code == 200
    assert colleague.post(page, {"op": "start", "start-started_on": today}).status_code == 403
    owner = client_for(clinician)
    response = owner.post(
        page, {"op": "cancel", "cancel-cancel_reason": "other", "cancel-cancelled_on": today}
    )
    assert response.status_code == 400
    assert "Précisez pourquoi l’action est annulée." in response.content.decode()  # beside its field
    assert 'id="id_cancel-cancel_reason"' in response.content.decode()
    response = owner.post(page, {"op": "start", "start-started_on": today})
    assert response.status_code == 302
    rt.refresh_from_db()
    assert rt.status == "started"


def test_a_coordinator_gives_an_action_to_someone_else(client_for, decided, coordinator, surgeon_of):
    rt = actions_of(decided)[0]
    surgeon = surgeon_of(decided)
    day = timezone.localdate() + timedelta(days=3)
    response = client_for(coordinator).post(
        reverse("rcp:action", args=[rt.pk]),
        {"op": "reschedule", "reschedule-owner": surgeon.pk, "reschedule-target_date": day.isoformat()},
    )
    assert response.status_code == 302
    rt.refresh_from_db()
    assert (rt.owner, rt.target_date) == (surgeon, day)


@pytest.fixture
def surgeon_of():
    return lambda case: UserFactory(
        centre=case.patient.centre, role="clinician", specialty="orthopaedic_surgery"
    )


# --- amendments --------------------------------------------------------------------------------------


def test_an_amendment_keeps_the_unchanged_lines_actions_and_supersedes_the_rest(decided, chair, clinician):
    rt, bma, surveillance = actions_of(decided)
    followup.start_action(action=rt, user=clinician, started_on=timezone.localdate())
    followup.start_action(action=surveillance, user=clinician, started_on=timezone.localdate())
    amendment = amend_decision(decision=decided.decisions.get(), user=chair)
    # The denosumab becomes zoledronic acid at another dose, and the surveillance is dropped.
    amendment.lines.get(kind="bma").delete()
    amendment.lines.get(kind="surveillance").delete()
    propose(decided, chair, "analgesia", who_step="2")
    amendment.refresh_from_db()
    amendment.amendment_reason = "Analgésie plutôt qu'un anti-résorptif"
    amendment.conforms = True
    amendment.save()
    validate_decision(decision=amendment, user=chair)
    rt.refresh_from_db()
    bma.refresh_from_db()
    surveillance.refresh_from_db()
    # Unchanged: the same action, still started, now on version 2's line.
    assert rt.status == "started" and rt.line.decision == amendment
    # Removed while planned: cancelled as superseded; removed once started: kept as it was, on version 1.
    assert (bma.status, bma.cancel_reason) == ("cancelled", "superseded")
    assert surveillance.status == "started" and surveillance.line.decision.version == 1
    [analgesia] = Action.objects.filter(line__decision=amendment, line__kind="analgesia")
    assert analgesia.status == "planned" and analgesia.target_date == timezone.localdate() + timedelta(days=3)
    assert Action.objects.filter(line__decision__case=decided).count() == 4


# --- delays, pure functions on dates ------------------------------------------------------------------


def at(year, month, day, hour, minute, zone=UTC):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    ("submitted", "meeting", "days"),
    [
        # Autumn, 25 October 2026 03:00 CEST → 02:00 CET: 23:30 local on the 24th (21:30 UTC) to 00:30
        # local on the 26th (23:30 UTC on the 25th) is two days, though only 26 hours apart.
        (at(2026, 10, 24, 21, 30), at(2026, 10, 25, 23, 30), 2),
        # Spring, 29 March 2026 02:00 CET → 03:00 CEST: 00:30 local on the 29th (23:30 UTC on the 28th) to
        # 23:30 local the same day (21:30 UTC) is the same day, though 22 hours apart and on two UTC days.
        (at(2026, 3, 28, 23, 30), at(2026, 3, 29, 21, 30), 0),
        (at(2026, 3, 28, 12, 0, PARIS), at(2026, 4, 1, 14, 0, PARIS), 4),
    ],
)
def test_submission_to_board_counts_local_days_across_the_change_of_hour(submitted, meeting, days):
    assert followup.submission_to_board(submitted, meeting) == days


def test_board_to_first_action_and_onset_to_decision_count_local_days():
    # The meeting at 00:30 local on 26 October 2026 (23:30 UTC on the 25th), after the change of hour.
    meeting = at(2026, 10, 25, 23, 30)
    started = [datetime.date(2026, 10, 30), None, datetime.date(2026, 10, 28)]
    assert followup.board_to_first_action(meeting, started) == 2
    assert followup.board_to_first_action(meeting, [None]) is None
    assert followup.onset_to_decision(datetime.date(2026, 10, 24), meeting) == 2
    assert followup.onset_to_decision(None, meeting) is None


def test_months_after_a_decision_fall_on_the_last_day_of_a_short_month():
    assert followup.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert followup.add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    assert followup.add_months(datetime.date(2026, 10, 25), 12) == datetime.date(2027, 10, 25)


def test_the_deficit_onset_is_the_last_assessment_before_the_board():
    class A:
        def __init__(self, pk, date, onset):
            self.pk, self.date, self.motor_deficit_onset = pk, date, onset

    day = datetime.date
    assessments = [A(1, day(2026, 3, 1), day(2026, 2, 27)), A(2, day(2026, 3, 5), day(2026, 3, 3))]
    assert followup.deficit_onset(assessments, day(2026, 3, 4)) == day(2026, 2, 27)
    assert followup.deficit_onset(assessments, day(2026, 3, 9)) == day(2026, 3, 3)
    assert followup.deficit_onset(assessments, day(2026, 2, 1)) is None


def test_the_patient_page_shows_the_actions_and_the_delays(client_for, meeting, chair, clinician):
    case = make_case(meeting, reason="cord_compression", urgency="urgent")
    AssessmentFactory(
        patient=case.patient,
        date=timezone.localdate(),
        motor_deficit_onset=timezone.localdate() - timedelta(3),
    )
    CaseSubmission.objects.filter(pk=case.pk).update(submitted_at=meeting.starts_at - timedelta(days=5))
    three_lines(case, chair)
    validate(case, chair, follow_up=clinician)
    rt = actions_of(case)[0]
    followup.start_action(action=rt, user=clinician, started_on=timezone.localdate())
    response = client_for(clinician).get(
        reverse("rcp:patient_follow_up", args=[case.patient_id]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="patient-action-{rt.pk}"' in html
    board = followup.board_date(meeting)
    first = (timezone.localdate() - board).days
    assert 'data-delay="submission">5 ' in html
    assert f'data-delay="first-action">{first} ' in html
    assert 'data-delay="onset">3 ' in html
    assert (
        client_for(UserFactory(role="clinician"))
        .get(reverse("rcp:patient_follow_up", args=[case.patient_id]))
        .status_code
        == 404
    )


# --- my follow-up ---------------------------------------------------------------------------------------


def test_my_follow_up_lists_my_open_actions_overdue_first(client_for, decided, clinician):
    rt, bma, surveillance = actions_of(decided)
    Action.objects.filter(pk=surveillance.pk).update(target_date=timezone.localdate() - timedelta(days=1))
    # Started, though its target date is further past: under way, not overdue.
    Action.objects.filter(pk=rt.pk).update(target_date=timezone.localdate() - timedelta(days=5))
    followup.start_action(action=rt, user=clinician, started_on=timezone.localdate())
    followup.complete_action(action=bma, user=clinician, done_on=timezone.localdate())
    html = client_for(clinician).get(reverse("rcp:follow_up")).content.decode()
    assert html.index(f'id="action-{surveillance.pk}"') < html.index(f'id="action-{rt.pk}"')
    assert html.count('text-bg-danger">en retard') == 1
    assert f'id="action-{bma.pk}"' not in html  # done: no longer open
    assert 'id="nav-follow-up"' in html


def test_my_follow_up_costs_the_same_queries_for_3_or_30_actions(
    client_for, django_assert_max_num_queries, meeting, chair, clinician
):
    client = client_for(clinician)
    client.get(reverse("rcp:follow_up"))  # the session's first queries out of the count

    def count():
        # The session, the user, the user's and the groups' permissions (may read records), the count and
        # the page of actions with their line, case, patient and meeting, the lines' lesions, the cases
        # followed with their meeting, their outcomes, the access log's one insert, the layout's centre.
        with django_assert_max_num_queries(11) as captured:
            assert client.get(reverse("rcp:follow_up")).status_code == 200
        return len(captured)

    cases = [make_case(meeting)]
    three_lines(cases[0], chair)
    validate(cases[0], chair, follow_up=clinician)
    few = count()
    for _ in range(9):
        case = make_case(meeting)
        three_lines(case, chair)
        validate(case, chair, follow_up=clinician)
    assert Action.objects.filter(owner=clinician).count() == 30
    # The same for 3 actions as for 30.
    assert count() == few


def test_outcomes_due_are_listed_then_recorded_with_unknown_kept_apart(client_for, decided, clinician):
    board = followup.board_date(decided.meeting)
    meeting_at = decided.meeting.starts_at - timedelta(days=100)
    type(decided.meeting).objects.filter(pk=decided.meeting_id).update(starts_at=meeting_at)
    decided.meeting.refresh_from_db()
    board = followup.board_date(decided.meeting)
    client = client_for(clinician)
    html = client.get(reverse("rcp:follow_up")).content.decode()
    assert followup.add_months(board, 3).strftime("%d/%m/%Y") in html  # overdue
    page = reverse("rcp:outcome", args=[decided.pk, 3])
    response = client.post(
        page,
        {
            "recorded_on": timezone.localdate().isoformat(),
            "alive": "unknown",
            "new_skeletal_event": "yes",
            "pain_nrs": "11",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"skeletal_events", "pain_nrs"}
    response = client.post(
        page,
        {
            "recorded_on": timezone.localdate().isoformat(),
            "alive": "unknown",
            "new_skeletal_event": "yes",
            "skeletal_events": ["pathological_fracture"],
            "frankel": "D3",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(case=decided, milestone=3)
    assert outcome.alive == "unknown" and outcome.alive != "no"
    assert outcome.skeletal_events == ["pathological_fracture"] and outcome.pain_nrs is None
    html = client.get(reverse("rcp:follow_up")).content.decode()
    assert reverse("rcp:outcome", args=[decided.pk, 3]) not in html


def test_a_dead_patient_has_no_neurological_status(client_for, decided, clinician):
    response = client_for(clinician).post(
        reverse("rcp:outcome", args=[decided.pk, 6]),
        {
            "recorded_on": timezone.localdate().isoformat(),
            "alive": "no",
            "new_skeletal_event": "unknown",
            "frankel": "E",
        },
    )
    assert response.status_code == 400 and "frankel" in response.context["form"].errors


# --- closing and the next meeting -----------------------------------------------------------------------


def test_the_closing_page_shows_the_actions_created_per_case(client_for, decided, chair, meeting):
    meeting.status = "in_progress"
    meeting.save()
    html = client_for(chair).get(reverse("rcp:meeting_close", args=[meeting.pk])).content.decode()
    assert f'id="closing-actions-{decided.pk}"' in html
    assert html.count("8 Gy") >= 1 and "Surveillance" in html


def test_the_next_meeting_suggests_surveillance_due_and_worsened_cases(
    client_for, decided, chair, coordinator, clinician, meeting
):
    other = make_case(meeting)
    propose(
        other,
        chair,
        "radiotherapy",
        lesions=list(other.patient.tracked_lesions.all()),
        intent="analgesic",
        technique="3d",
        schedule="8x1",
    )
    validate(other, chair, follow_up=clinician)
    followup.cancel_action(action=actions_of(other)[0], user=clinician, reason="worsened")
    later = MeetingFactory(
        board=meeting.board, chair=chair, starts_at=timezone.now() + timedelta(days=45), status="planned"
    )
    suggestions = followup.agenda_suggestions(later)
    assert {s.patient for s in suggestions} == {decided.patient, other.patient}
    too_soon = MeetingFactory(board=meeting.board, chair=chair, starts_at=timezone.now() + timedelta(days=20))
    assert {s.patient for s in followup.agenda_suggestions(too_soon)} == {other.patient}
    client = client_for(coordinator)
    html = client.get(reverse("rcp:meeting", args=[later.pk])).content.decode()
    assert f'id="suggestion-{decided.patient.pk}"' in html
    surveillance = actions_of(decided)[2]
    response = client.post(reverse("rcp:agenda_add_suggested", args=[later.pk]), {"action": surveillance.pk})
    assert response.status_code == 302
    added = CaseSubmission.objects.get(meeting=later, patient=decided.patient)
    assert (
        added.status == "scheduled"
        and added.reason == "follow_up"
        and added.presenting_physician == clinician
    )
    assert {s.patient for s in followup.agenda_suggestions(later)} == {other.patient}
    assert (
        client_for(clinician)
        .post(reverse("rcp:agenda_add_suggested", args=[later.pk]), {"action": actions_of(other)[0].pk})
        .status_code
        == 403
    )
