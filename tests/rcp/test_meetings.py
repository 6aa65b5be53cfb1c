"""Meetings, agenda, case submission, postponement, completeness and quorum."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.record import PatientRecord
from rcp.completeness import case_gaps
from rcp.models import Board, CaseSubmission, Meeting
from tests.factories import (
    AssessmentFactory,
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(centre):
    return BoardFactory(centre=centre)


@pytest.fixture
def meeting(board, chair):
    return MeetingFactory(board=board, chair=chair)


def agenda_ids(meeting):
    return list(meeting.agenda().values_list("pk", flat=True))


def test_coordinator_opens_a_meeting(client_for, coordinator, chair, centre):
    response = client_for(coordinator).post(
        reverse("rcp:meeting_create"),
        {
            "title": "RCP os",
            "starts_at": "2030-01-10T14:00",
            "place": "Salle B",
            "video_link": "",
            "chair": chair.pk,
            "expected_specialties": ["radiation_oncology", "spine_surgery"],
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.board.centre == centre and meeting.chair == chair
    assert meeting.expected_specialties == ["radiation_oncology", "spine_surgery"]


@pytest.mark.parametrize("role", ["clinician", "viewer"])
def test_only_organisers_open_meetings(request, client_for, role):
    assert client_for(request.getfixturevalue(role)).get(reverse("rcp:meeting_create")).status_code == 403


def test_meeting_list_shows_upcoming_first_with_counts_and_completeness(client_for, clinician, board, chair):
    past = MeetingFactory(
        board=board, chair=chair, starts_at=timezone.now() - timedelta(days=30), title="Past"
    )
    soon = MeetingFactory(
        board=board, chair=chair, starts_at=timezone.now() + timedelta(days=2), title="Soon"
    )
    later = MeetingFactory(
        board=board, chair=chair, starts_at=timezone.now() + timedelta(days=9), title="Later"
    )
    CaseFactory.create_batch(2, meeting=soon, patient__centre=board.centre)
    response = client_for(clinician).get(reverse("rcp:meetings"))
    meetings = list(response.context["page"])
    assert meetings == [soon, later, past]
    assert len(meetings[0].case_list) == 2
    assert meetings[0].incomplete == 2  # no imaging, no labs…


def test_meeting_list_queries_do_not_grow_with_cases(
    django_assert_max_num_queries, client_for, clinician, meeting
):
    client = client_for(clinician)
    counts = []
    for _ in range(2):
        CaseFactory.create_batch(10, meeting=meeting, patient__centre=meeting.board.centre)
        with django_assert_max_num_queries(30) as captured:
            client.get(reverse("rcp:meetings"))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_clinician_submits_a_case_to_the_next_meeting(client_for, clinician, meeting, patient):
    later = MeetingFactory(
        board=meeting.board, chair=meeting.chair, starts_at=meeting.starts_at + timedelta(days=7)
    )
    response = client_for(clinician).post(
        reverse("rcp:case_create"),
        {
            "patient": patient.pk,
            "meeting": "",
            "question": "Chirurgie ?",
            "reason": "fracture_risk",
            "urgency": "routine",
            "presenting_physician": clinician.pk,
        },
    )
    case = CaseSubmission.objects.get()
    assert response.status_code == 302
    assert case.meeting == meeting != later and case.status == "scheduled" and case.submitted_by == clinician


def test_question_is_required_and_typed_text_is_kept(client_for, clinician, meeting, patient):
    response = client_for(clinician).post(
        reverse("rcp:case_create"),
        {
            "patient": patient.pk,
            "meeting": meeting.pk,
            "question": "",
            "reason": "pain",
            "urgency": "routine",
            "presenting_physician": clinician.pk,
        },
    )
    assert response.status_code == 400
    assert "question" in response.context["form"].errors
    assert not CaseSubmission.objects.exists()


def test_cord_compression_is_urgent_and_joins_a_meeting_under_way_first(
    client_for, clinician, meeting, patient
):
    CaseFactory(meeting=meeting, patient__centre=meeting.board.centre, position=1)
    meeting.status = Meeting.Status.IN_PROGRESS
    meeting.save()
    client = client_for(clinician)
    data = {
        "patient": patient.pk,
        "meeting": meeting.pk,
        "question": "Décompression ?",
        "reason": "pain",
        "urgency": "routine",
        "presenting_physician": clinician.pk,
    }
    refused = client.post(reverse("rcp:case_create"), data)
    assert "meeting" in refused.context["form"].errors
    client.post(reverse("rcp:case_create"), {**data, "reason": "cord_compression"})
    case = CaseSubmission.objects.get(patient=patient)
    assert case.urgency == "urgent" and case.meeting == meeting
    assert agenda_ids(meeting)[0] == case.pk


def test_case_waits_when_no_meeting_is_planned(client_for, clinician, patient, board):
    client_for(clinician).post(
        reverse("rcp:case_create"),
        {
            "patient": patient.pk,
            "meeting": "",
            "question": "?",
            "reason": "pain",
            "urgency": "routine",
            "presenting_physician": clinician.pk,
        },
    )
    case = CaseSubmission.objects.get()
    assert case.meeting is None and case.status == "submitted"


def test_another_centres_patient_cannot_be_submitted(client_for, clinician, meeting, other_centre):
    stranger = PatientFactory(centre=other_centre)
    response = client_for(clinician).post(
        reverse("rcp:case_create"),
        {
            "patient": stranger.pk,
            "meeting": meeting.pk,
            "question": "?",
            "reason": "pain",
            "urgency": "routine",
            "presenting_physician": clinician.pk,
        },
    )
    assert "patient" in response.context["form"].errors


def test_coordinator_reorders_the_agenda(client_for, coordinator, meeting):
    a, b, c = CaseFactory.create_batch(3, meeting=meeting, patient__centre=meeting.board.centre)
    client = client_for(coordinator)
    client.post(reverse("rcp:agenda_move", args=[meeting.pk, c.pk, "up"]))
    assert agenda_ids(meeting) == [a.pk, c.pk, b.pk]
    response = client.post(
        reverse("rcp:agenda_order", args=[meeting.pk]),
        {"order": f"{b.pk},{a.pk},{c.pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert agenda_ids(meeting) == [b.pk, a.pk, c.pk]
    assert (
        client.post(reverse("rcp:agenda_order", args=[meeting.pk]), {"order": f"{a.pk}"}).status_code == 400
    )
    assert agenda_ids(meeting) == [b.pk, a.pk, c.pk]


def test_reordering_needs_the_role_and_the_centre(client_for, clinician, viewer, meeting, other_centre):
    a, b = CaseFactory.create_batch(2, meeting=meeting, patient__centre=meeting.board.centre)
    url = reverse("rcp:agenda_order", args=[meeting.pk])
    order = {"order": f"{b.pk},{a.pk}"}
    assert client_for(clinician).post(url, order).status_code == 403
    assert client_for(viewer).post(url, order).status_code == 403
    foreign_coordinator = UserFactory(username="coord-b", centre=other_centre, role="coordinator")
    assert client_for(foreign_coordinator).post(url, order).status_code == 404
    assert client_for(foreign_coordinator).get(meeting.get_absolute_url()).status_code == 404
    assert agenda_ids(meeting) == [a.pk, b.pk]


def test_viewer_reads_the_meeting(client_for, viewer, meeting):
    CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    response = client_for(viewer).get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert reverse("rcp:agenda_order", args=[meeting.pk]) not in response.content.decode()


def test_postponed_case_keeps_its_history(client_for, coordinator, meeting):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    later = MeetingFactory(
        board=meeting.board, chair=meeting.chair, starts_at=meeting.starts_at + timedelta(days=14)
    )
    client = client_for(coordinator)
    form = client.get(reverse("rcp:case_postpone", args=[case.pk])).context["form"]
    assert list(form.fields["meeting"].queryset) == [later]
    client.post(reverse("rcp:case_postpone", args=[case.pk]), {"meeting": later.pk})
    case.refresh_from_db()
    assert case.meeting == later and case.status == "scheduled"
    assert [h.meeting_id for h in case.history.order_by("history_date")] == [meeting.pk, later.pk]
    assert agenda_ids(meeting) == [] and agenda_ids(later) == [case.pk]


def test_removed_case_leaves_the_agenda(client_for, coordinator, meeting):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    client_for(coordinator).post(reverse("rcp:case_remove", args=[case.pk]))
    assert agenda_ids(meeting) == []
    case.refresh_from_db()
    assert case.status == "removed"


def full_record(patient):
    exam = ExamFactory(patient=patient, date=timezone.localdate() - timedelta(days=10), modality="spine_mri")
    AssessmentFactory(patient=patient)
    LabFactory(patient=patient)
    return exam


def gaps(user, case):
    return [gap.message for gap in case_gaps(case, PatientRecord.load(user, case.patient_id))]


def test_completeness_of_a_full_case(clinician, meeting):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    full_record(case.patient)
    from django.utils import translation

    with translation.override("en"):
        assert gaps(clinician, case) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("old_imaging", "No imaging in the last 3 months."),
        ("old_assessment", "No performance status in the last month."),
        ("no_albumin", "No albumin in the last month."),
        ("old_labs", "No calcium in the last month."),
        ("spinal_lesion", "No SINS for the lesion T11."),
        ("long_bone_lesion", "No MIRELS for the lesion"),
        ("cord_compression", "Spinal cord compression without a Rades score."),
        ("no_question", "No question put to the board."),
    ],
)
def test_completeness_rules(clinician, meeting, change, expected):
    from django.utils import translation

    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    exam = full_record(case.patient)
    today = timezone.localdate()
    if change == "old_imaging":
        exam.date = today - timedelta(days=92)
        exam.save()
    elif change == "old_assessment":
        case.patient.clinicalassessments.update(date=today - timedelta(days=31))
    elif change == "no_albumin":
        case.patient.labresults.update(albumin=None)
    elif change == "old_labs":
        case.patient.labresults.update(date=today - timedelta(days=31))
    elif change == "spinal_lesion":
        LesionFactory(exam=exam, vertebral_level="T11")
    elif change == "long_bone_lesion":
        LesionFactory(exam=exam, site="femur_shaft", vertebral_level="", side="left")
    elif change == "cord_compression":
        case.reason = "cord_compression"
    elif change == "no_question":
        case.question = " "
    with translation.override("en"):
        found = gaps(clinician, case)
    assert any(message.startswith(expected) for message in found), found


def test_quorum_needs_three_specialties_and_the_required_ones(meeting):
    assert not meeting.quorum().ok
    for specialty in ("medical_oncology", "radiation_oncology", "radiology"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    quorum = meeting.quorum()
    assert not quorum.ok and quorum.missing_count == 0
    assert quorum.missing_groups == [["orthopaedic_surgery", "spine_surgery"]]
    AttendanceFactory(meeting=meeting, specialty="spine_surgery")
    assert meeting.quorum().ok


def test_quorum_counts_only_present_participants_and_distinct_specialties(meeting):
    for specialty in ("pulmonology", "pulmonology", "radiation_oncology"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    AttendanceFactory(meeting=meeting, specialty="orthopaedic_surgery", present=False)
    quorum = meeting.quorum()
    assert quorum.present == ["pulmonology", "radiation_oncology"]
    assert quorum.missing_count == 1 and not quorum.ok


def test_coordinator_configures_the_quorum_rule(client_for, coordinator, board):
    response = client_for(coordinator).post(
        reverse("rcp:board", args=[board.pk]),
        {
            "name": board.name,
            "min_specialties": "4",
            "group_0": ["medical_oncology"],
            "group_1": ["radiation_oncology"],
        },
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.min_specialties == 4
    assert board.required_groups == [["medical_oncology"], ["radiation_oncology"]]
    refused = client_for(coordinator).post(
        reverse("rcp:board", args=[board.pk]), {"name": "x", "min_specialties": "2"}
    )
    assert refused.status_code == 400


def test_meeting_page_says_which_specialty_is_missing(client_for, coordinator, meeting):
    AttendanceFactory(meeting=meeting, specialty="medical_oncology")
    page = client_for(coordinator).get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No quorum" in page
    missing = (
        "<strong>Radiation oncology</strong> and "
        "<strong>Orthopaedic surgery or Neurosurgery (spine)</strong>."
    )
    assert f"Missing: {missing}" in page


def test_attendance_ticks_users_and_adds_guests(client_for, coordinator, meeting, centre):
    radiotherapist = UserFactory(
        username="rt", centre=centre, specialty="radiation_oncology", role="clinician"
    )
    client = client_for(coordinator)
    url = reverse("rcp:attendance", args=[meeting.pk])
    client.post(url, {"present": [radiotherapist.pk, meeting.chair.pk]})
    client.post(url, {"guest_name": "Dr Généraliste", "specialty": "general_practice"})
    assert sorted(meeting.present_specialties()) == [
        "general_practice",
        "medical_oncology",
        "radiation_oncology",
    ]
    client.post(url, {"present": [meeting.chair.pk]})
    assert "radiation_oncology" not in meeting.present_specialties()


def test_case_discussed_without_quorum_is_flagged_to_present_again(client_for, coordinator, meeting):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    client_for(coordinator).post(reverse("rcp:case_discussed", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == "discussed" and case.to_present_again
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    other = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    client_for(coordinator).post(reverse("rcp:case_discussed", args=[other.pk]))
    other.refresh_from_db()
    assert other.discussed_with_quorum is True and not other.to_present_again


def test_board_has_the_default_quorum_rule(centre):
    board = Board.objects.create(centre=centre)
    assert board.min_specialties == 3
    assert ["radiation_oncology"] in board.required_groups


def test_labs_decimal_factory_is_usable(meeting):
    assert LabFactory(patient=PatientFactory(centre=meeting.board.centre)).calcium == Decimal("2.40")


def test_every_board_page_needs_a_login(client, meeting):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    urls = [
        reverse("rcp:meetings"),
        meeting.get_absolute_url(),
        reverse("rcp:meeting_dossier", args=[meeting.pk]),
        reverse("rcp:meeting_document", args=[meeting.pk, "dossier"]),
        reverse("rcp:present", args=[meeting.pk, 1]),
        reverse("rcp:case", args=[case.pk]),
        reverse("rcp:decision", args=[case.pk]),
        reverse("rcp:case_create"),
        reverse("rcp:board", args=[meeting.board.pk]),
        reverse("rcp:patient_minutes", args=[case.patient.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_completeness_links_are_shown_only_to_those_who_may_complete(client_for, clinician, viewer, meeting):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)  # no labs, no imaging
    add_lab = reverse("patients:record_add", args=[case.patient.pk, "lab"])
    assert add_lab in client_for(clinician).get(meeting.get_absolute_url()).content.decode()
    page = client_for(viewer).get(meeting.get_absolute_url()).content.decode()
    assert "Aucune calcémie au cours du dernier mois." in page  # the gap is still said
    assert reverse("patients:record_add", args=[case.patient.pk, "exam"]) not in page
    assert add_lab not in page
    assert client_for(viewer).get(add_lab).status_code == 403  # the link would have led there


def test_quorum_message_names_what_is_missing_rather_than_a_count(client_for, coordinator, meeting):
    for specialty in ("medical_oncology", "radiology", "pulmonology"):  # three, but not the required ones
        AttendanceFactory(meeting=meeting, specialty=specialty)
    page = client_for(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert "Quorum non atteint" in page
    missing = (
        "<strong>Oncologie radiothérapie</strong> et "
        "<strong>Chirurgie orthopédique ou Neurochirurgie (rachis)</strong>."
    )
    assert f"Il manque : {missing}" in page
    assert "3 spécialités présentes" not in page and "requises" not in page


def test_quorum_message_gives_counts_when_the_count_is_the_problem(client_for, coordinator, meeting):
    meeting.board.min_specialties = 4
    meeting.board.save()
    for specialty in ("medical_oncology", "radiation_oncology", "spine_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    page = client_for(coordinator).get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No quorum" in page
    assert "Missing: <strong>1 other specialty (4 required, 3 present)</strong>." in page
