"""Starting a meeting on its day, closing it with the fate of every undecided case, what stays read only
after closing, and minutes never validated before their meeting."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rcp.agenda import reorder_agenda
from rcp.meetings import MeetingClosed, close_meeting, local_day, start_meeting
from rcp.models import Decision, Meeting, Minute, MinuteCounter
from rcp.services import validate_decision
from tests.factories import AttendanceFactory, BoardFactory, CaseFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def board(centre):
    return BoardFactory(centre=centre)


@pytest.fixture
def meeting(board, chair):
    """A meeting under way, with its quorum."""
    meeting = MeetingFactory(
        board=board, chair=chair, starts_at=timezone.now() - timedelta(hours=1), status="in_progress"
    )
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty, guest_name=f"Dr {specialty}")
    return meeting


def case_on(meeting, **kwargs):
    return CaseFactory(meeting=meeting, patient__centre=meeting.board.centre, **kwargs)


def draft_for(case, user):
    return Decision.objects.create(
        case=case, free_text="Radiothérapie antalgique 8 Gy.", conforms=True, updated_by=user
    )


def validated_for(case, user):
    return Decision.objects.create(
        case=case,
        free_text="Surveillance.",
        conforms=True,
        status="validated",
        validated_by=user,
        validated_at=timezone.now(),
    )


def discussed(case):
    case.status = "discussed"
    case.discussed_at = timezone.now()
    case.discussed_with_quorum = True
    case.save()
    return case


def close_url(meeting):
    return reverse("rcp:meeting_close", args=[meeting.pk])


def agenda_ids(meeting):
    return list(meeting.agenda().values_list("pk", flat=True))


# The closing page ----------------------------------------------------------------------------------


def test_closing_page_lists_only_cases_without_a_validated_decision_urgent_first(
    client_for, coordinator, chair, meeting, django_assert_max_num_queries
):
    routine = case_on(meeting, position=1)
    decided = case_on(meeting, position=2)
    validated_for(decided, chair)
    urgent = case_on(meeting, position=3, urgency="urgent")
    removed = case_on(meeting, position=4, status="removed")
    talked = discussed(case_on(meeting, position=5))
    draft_for(talked, chair)
    client = client_for(coordinator)
    client.get(close_url(meeting))  # session and permissions warmed up
    # session, user, groups' permissions, meeting, undecided cases with their patients, next meeting, the
    # actions of the decided cases (with their lines' lesions when there are some); the same with 5 cases
    # or 25.
    with django_assert_max_num_queries(9):
        response = client.get(close_url(meeting))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cases == [urgent, routine, talked]
    assert decided not in form.cases and removed not in form.cases
    choices = {case.pk: [value for value, _label in field.field.choices] for case, field in form.rows()}
    assert choices[routine.pk] == ["postponed", "not_discussed"]
    assert choices[talked.pk] == ["postponed", "not_discussed", "to_validate"]  # discussed, draft to validate
    page = response.content.decode()
    assert page.index(urgent.patient.family_name.upper()) < page.index(routine.patient.family_name.upper())
    assert "Reporté à la prochaine séance" in page and "Non discuté" in page


def test_closing_page_costs_the_same_queries_with_many_cases(
    client_for, coordinator, meeting, django_assert_max_num_queries
):
    for position in range(25):
        case_on(meeting, position=position)
    client = client_for(coordinator)
    client.get(close_url(meeting))
    with django_assert_max_num_queries(9):
        assert client.get(close_url(meeting)).status_code == 200


def test_the_meeting_page_links_to_the_closing_page(client_for, coordinator, meeting):
    page = client_for(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert close_url(meeting) in page
    # The old one-click close now asks first.
    response = client_for(coordinator).post(reverse("rcp:meeting_status", args=[meeting.pk, "close"]))
    assert response["Location"] == close_url(meeting)
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"


def test_closing_carries_cases_over_to_the_next_planned_meeting_with_the_reason(
    client_for, coordinator, chair, meeting, board
):
    day = local_day(meeting.starts_at)
    after = meeting.starts_at + timedelta(days=7)
    later = MeetingFactory(board=board, chair=chair, starts_at=meeting.starts_at + timedelta(days=14))
    next_one = MeetingFactory(board=board, chair=chair, starts_at=after)
    MeetingFactory(board=BoardFactory(centre=board.centre, name="Autre RCP"), chair=chair, starts_at=after)
    already = case_on(next_one, position=1)
    postponed = case_on(meeting, position=1)
    skipped = case_on(meeting, position=2, urgency="urgent")
    talked = discussed(case_on(meeting, position=3))
    draft_for(talked, chair)
    response = client_for(coordinator).post(
        close_url(meeting),
        {
            f"case_{postponed.pk}": "postponed",
            f"case_{skipped.pk}": "not_discussed",
            f"case_{talked.pk}": "to_validate",
        },
    )
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.status == "closed" and meeting.closed_at is not None
    # Urgent first, after what was already on the next meeting's agenda; the later meeting gets nothing.
    assert agenda_ids(next_one) == [already.pk, skipped.pk, postponed.pk]
    assert agenda_ids(later) == []
    assert agenda_ids(meeting) == [talked.pk]  # stays, for the chair to validate its draft
    postponed.refresh_from_db()
    assert postponed.status == "scheduled" and postponed.discussed_at is None
    next_day = local_day(next_one.starts_at)
    assert postponed.history.latest().history_change_reason == (
        f"Reporté de la séance du {day} à la séance du {next_day}"
    )
    assert skipped.history.latest().history_change_reason == (
        f"Non discuté à la séance du {day} : reporté à la séance du {next_day}"
    )
    assert postponed.history.latest().history_user == coordinator
    # The reason is shown in the case's history.
    page = client_for(coordinator).get(reverse("rcp:case", args=[skipped.pk])).content.decode()
    assert f"Non discuté à la séance du {day} : reporté à la séance du {next_day}" in page


def test_without_a_planned_meeting_cases_go_back_to_the_waiting_list(client_for, coordinator, meeting, board):
    MeetingFactory(board=board, chair=meeting.chair, starts_at=meeting.starts_at - timedelta(days=7))
    closed_later = MeetingFactory(
        board=board,
        chair=meeting.chair,
        starts_at=meeting.starts_at + timedelta(days=7),
        status="closed",
        closed_at=timezone.now(),
    )
    case = case_on(meeting)
    response = client_for(coordinator).post(close_url(meeting), {f"case_{case.pk}": "not_discussed"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.meeting is None and case.status == "submitted" and case.position == 0
    assert case.history.latest().history_change_reason == (
        f"Non discuté à la séance du {local_day(meeting.starts_at)} : remis en liste d’attente"
    )
    assert agenda_ids(closed_later) == []


def test_a_meeting_whose_cases_are_all_decided_closes_without_a_question(
    client_for, coordinator, chair, meeting
):
    case = case_on(meeting)
    validated_for(case, chair)
    page = client_for(coordinator).get(close_url(meeting)).content.decode()
    assert "Tous les dossiers de l’ordre du jour ont une décision validée." in page
    assert client_for(coordinator).post(close_url(meeting), {}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "closed" and agenda_ids(meeting) == [case.pk]


def test_a_missing_choice_answers_400_beside_the_case_and_changes_nothing(client_for, coordinator, meeting):
    first = case_on(meeting, position=1)
    second = case_on(meeting, position=2)
    response = client_for(coordinator).post(close_url(meeting), {f"case_{first.pk}": "postponed"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {f"case_{second.pk}": ["Indiquez ce que devient ce dossier."]}
    page = response.content.decode()
    beside = page[page.index(f'id="closing-case-{second.pk}"') :]
    assert beside.index("Indiquez ce que devient ce dossier.") < beside.index("</fieldset>")
    kept = re.search(rf'<input [^>]*id="id_case_{first.pk}_0"[^>]*>', page).group()
    assert 'value="postponed"' in kept and "checked" in kept  # the choice made is kept
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"
    assert agenda_ids(meeting) == [first.pk, second.pk]


def test_a_case_not_discussed_cannot_be_kept_to_validate(client_for, coordinator, chair, meeting):
    case = case_on(meeting)
    draft_for(case, chair)
    response = client_for(coordinator).post(close_url(meeting), {f"case_{case.pk}": "to_validate"})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"


def test_closing_needs_the_role_and_a_meeting_under_way(client_for, clinician, coordinator, meeting, board):
    assert client_for(clinician).get(close_url(meeting)).status_code == 403
    assert client_for(clinician).post(close_url(meeting), {}).status_code == 403
    planned = MeetingFactory(board=board, chair=meeting.chair)
    response = client_for(coordinator).post(close_url(planned), {})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == "planned"
    with pytest.raises(ValidationError):
        close_meeting(meeting=planned, user=coordinator, outcomes={})


# After closing -------------------------------------------------------------------------------------


@pytest.fixture
def closed(meeting, coordinator, chair, centre):
    """The closed meeting, two cases kept on it (one discussed with a draft), a guest present."""
    first = discussed(case_on(meeting, position=1))
    draft_for(first, chair)
    second = case_on(meeting, position=2)
    validated_for(second, chair)
    close_meeting(meeting=meeting, user=coordinator, outcomes={first.pk: "to_validate"})
    return meeting, first, second


def test_after_closing_agenda_attendance_and_drafts_are_refused(
    client_for, coordinator, chair, closed, centre
):
    meeting, first, second = closed
    waiting = CaseFactory(meeting=None, status="submitted", patient__centre=centre)
    later = MeetingFactory(board=meeting.board, chair=chair, starts_at=meeting.starts_at + timedelta(days=7))
    guest = meeting.attendances.filter(user__isnull=True).first()
    radiotherapist = UserFactory(
        username="rt", centre=centre, specialty="radiation_oncology", role="clinician"
    )
    draft = first.decisions.get()
    before = (agenda_ids(meeting), meeting.attendances.count(), draft.revision)
    client = client_for(coordinator)
    attempts = [
        (reverse("rcp:agenda_move", args=[meeting.pk, second.pk, "up"]), {}),
        (reverse("rcp:agenda_order", args=[meeting.pk]), {"order": f"{second.pk},{first.pk}"}),
        (reverse("rcp:agenda_add_waiting", args=[meeting.pk]), {}),
        (reverse("rcp:case_remove", args=[second.pk]), {}),
        (reverse("rcp:case_postpone", args=[first.pk]), {"meeting": later.pk}),
        (reverse("rcp:case_discussed", args=[second.pk]), {}),
        (reverse("rcp:case_edit", args=[first.pk]), {"question": "Autre ?"}),
        (reverse("rcp:attendance", args=[meeting.pk]), {"present": [radiotherapist.pk]}),
        (reverse("rcp:attendance", args=[meeting.pk]), {"guest_name": "Dr X", "specialty": "radiology"}),
        (reverse("rcp:attendance", args=[meeting.pk]), {"remove_guest": guest.pk}),
        (reverse("rcp:meeting_edit", args=[meeting.pk]), {"title": "Changed"}),
        (reverse("rcp:meeting_status", args=[meeting.pk, "start"]), {}),
        (reverse("rcp:decision", args=[first.pk]), {"free_text": "Autre", "conforms": "true", "revision": 1}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "Séance clôturée le" in response.content.decode(), url
    autosave = client.post(
        reverse("rcp:decision", args=[first.pk]),
        {"free_text": "Autre", "conforms": "true", "revision": 1},
        HTTP_HX_REQUEST="true",
    )
    assert autosave.status_code == 403
    draft.refresh_from_db()
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (agenda_ids(meeting), meeting.attendances.count(), draft.revision) == before
    assert draft.free_text == "Radiothérapie antalgique 8 Gy." and first.question != "Autre ?"
    assert waiting.meeting is None and not meeting.attendances.filter(user=radiotherapist).exists()
    assert client.get(reverse("rcp:case_postpone", args=[first.pk])).status_code == 403


def test_services_refuse_a_closed_meeting(coordinator, closed):
    meeting, first, second = closed
    with pytest.raises(MeetingClosed):
        reorder_agenda(meeting=meeting, ordered_ids=[second.pk, first.pk], user=coordinator)
    with pytest.raises(MeetingClosed):
        close_meeting(meeting=meeting, user=coordinator, outcomes={})
    assert agenda_ids(meeting) == [first.pk, second.pk]


def test_the_closed_meeting_page_is_read_only_and_says_since_when(client_for, coordinator, closed):
    meeting, first, _second = closed
    page = client_for(coordinator).get(meeting.get_absolute_url()).content.decode()
    closed_at = timezone.localtime(meeting.closed_at)
    assert f"Séance clôturée le {closed_at:%d/%m/%Y} à {closed_at:%H:%M}." in page
    for hidden in (
        reverse("rcp:agenda_order", args=[meeting.pk]),
        reverse("rcp:case_postpone", args=[first.pk]),
        reverse("rcp:case_remove", args=[first.pk]),
        reverse("rcp:attendance", args=[meeting.pk]),
        close_url(meeting),
        reverse("rcp:meeting_edit", args=[meeting.pk]),
    ):
        assert hidden not in page, hidden


def test_the_chair_still_validates_a_discussed_case_after_closing(client_for, chair, coordinator, closed):
    meeting, first, _second = closed
    url = reverse("rcp:decision", args=[first.pk])
    page = client_for(chair).get(url).content.decode()
    assert 'name="validate"' in page and 'name="save"' not in page and "hx-post" not in page
    assert client_for(coordinator).post(url, {"validate": "1"}).status_code == 403  # the chair's, still
    # What a stale form would post is ignored: the draft is validated as it stands.
    response = client_for(chair).post(url, {"validate": "1", "free_text": "Autre chose"})
    assert response.status_code == 302
    minute = Minute.objects.get(decision__case=first)
    assert minute.snapshot["decision"]["free_text"] == "Radiothérapie antalgique 8 Gy."
    assert minute.decision.validated_by == chair


def test_a_case_left_undiscussed_on_a_closed_meeting_is_not_validated(chair, closed):
    meeting, first, _second = closed
    stray = case_on(meeting, status="removed")  # removed from the agenda, a draft left behind
    draft = draft_for(stray, chair)
    with pytest.raises(ValidationError, match="seuls les dossiers discutés"):
        validate_decision(decision=draft, user=chair)
    assert not Minute.objects.filter(decision__case=stray).exists()


def test_only_the_chair_reopens_a_closed_meeting(client_for, coordinator, chair, closed):
    meeting, _first, _second = closed
    url = reverse("rcp:meeting_status", args=[meeting.pk, "reopen"])
    assert client_for(coordinator).post(url).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "closed"
    assert 'action="' + url not in client_for(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert client_for(chair).post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "in_progress" and meeting.closed_at is None
    assert meeting.history.latest().history_change_reason == "Rouverte par le président"


# Item 6: a meeting opens on its day; a minute is never validated before its meeting --------------


def test_a_meeting_cannot_be_started_the_day_before(client_for, coordinator, board, chair):
    meeting = MeetingFactory(
        board=board,
        chair=chair,
        starts_at=(timezone.localtime() + timedelta(days=1)).replace(hour=14, minute=0),
    )
    page = client_for(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert "La séance pourra être ouverte le jour même" in page
    response = client_for(coordinator).post(
        reverse("rcp:meeting_status", args=[meeting.pk, "start"]), follow=True
    )
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    assert f"La séance du {local_day(meeting.starts_at)} peut être ouverte le jour même" in (
        response.content.decode()
    )


def test_a_meeting_starts_from_its_local_day_in_paris(board, chair, coordinator):
    # 7 December 2026, 00:30 in Paris is still 6 December in UTC.
    meeting = MeetingFactory(board=board, chair=chair, starts_at=datetime(2026, 12, 7, 0, 30, tzinfo=PARIS))
    with pytest.raises(ValidationError, match="07/12/2026"):
        start_meeting(meeting=meeting, user=coordinator, now=datetime(2026, 12, 6, 23, 50, tzinfo=PARIS))
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    start_meeting(meeting=meeting, user=coordinator, now=datetime(2026, 12, 7, 0, 5, tzinfo=PARIS))
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"
    assert meeting.history.latest().history_user == coordinator


def test_validating_before_the_meeting_starts_is_refused_and_nothing_is_saved(client_for, chair, board):
    starts = (timezone.localtime() + timedelta(hours=3)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(board=board, chair=chair, starts_at=starts)
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    case = case_on(meeting)
    draft = draft_for(case, chair)
    with pytest.raises(ValidationError) as refused:
        validate_decision(decision=draft, user=chair)
    assert f"{starts:%H:%M}" in refused.value.messages[0] and local_day(starts) in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.validated_at is None
    assert not Minute.objects.exists() and not MinuteCounter.objects.exists()
    case.refresh_from_db()
    assert case.status == "scheduled"
    # The page says so and disables the button; a post is refused the same way.
    page = client_for(chair).get(reverse("rcp:decision", args=[case.pk])).content.decode()
    assert f"La séance commence le {local_day(starts)} à {starts:%H:%M}" in page
    assert '<button type="submit" name="validate"' not in page
    response = client_for(chair).post(
        reverse("rcp:decision", args=[case.pk]),
        {"free_text": "Radiothérapie.", "conforms": "true", "revision": draft.revision, "validate": "1"},
    )
    assert response.status_code == 400
    assert not Minute.objects.exists() and not MinuteCounter.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"
