"""Who validates: the chair role AND the meeting's chair or deputy; a refused validation saves nothing.
A validated decision's case keeps its patient and meeting. `next` is followed only to this site."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from rcp.models import CaseSubmission, Decision, ImmutableError, Meeting, Minute, MinuteCounter
from rcp.services import amend_decision, validate_decision
from tests.factories import (
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
)

pytestmark = pytest.mark.django_db


def meeting_under_way(centre, **people):
    """A meeting that started an hour ago, with its quorum present."""
    meeting = MeetingFactory(
        board=BoardFactory(centre=centre),
        starts_at=timezone.now() - timedelta(hours=1),
        status=Meeting.Status.IN_PROGRESS,
        **people,
    )
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty, guest_name=f"Dr {specialty}")
    return meeting


def complete_draft(case) -> Decision:
    return Decision.objects.create(
        case=case, proposals={"surveillance": {}}, free_text="Surveillance.", conforms=True
    )


def validated(case, user) -> Decision:
    """A validated decision with its minute, written directly (the service is tested elsewhere)."""
    decision = Decision.objects.create(
        case=case, status="validated", validated_by=user, validated_at=timezone.now(), conforms=True
    )
    Minute.objects.create(
        decision=decision,
        number="RCP-001-2030-00001",
        version=1,
        snapshot={},
        pdf=b"%PDF-1.7",
        sha256="0" * 64,
        centre=case.patient.centre,
        position=1,
        previous_chain_sha256="0" * 64,
        chain_sha256="0" * 64,
    )
    return decision


@pytest.fixture
def case_of(patient):
    def make(meeting):
        return CaseFactory(meeting=meeting, patient=patient)

    return make


# The chair role -----------------------------------------------------------------------------------


def test_only_the_chair_group_holds_the_validation_permission(chair, coordinator, clinician, viewer):
    holders = Group.objects.filter(
        permissions__codename="validate_decision", permissions__content_type__app_label="rcp"
    )
    assert list(holders.values_list("name", flat=True)) == ["chair"]
    assert chair.has_perm("rcp.validate_decision")
    assert not any(u.has_perm("rcp.validate_decision") for u in (coordinator, clinician, viewer))


def test_the_meeting_form_offers_only_chair_role_members_as_chair_and_deputy(
    client_for, coordinator, chair, deputy, clinician, viewer, outsider
):
    client = client_for(coordinator)
    form = client.get(reverse("rcp:meeting_create")).context["form"]
    for name in ("chair", "deputy"):
        assert set(form.fields[name].queryset) == {chair, deputy}
    assert form.initial.get("chair") is None  # a coordinator is not proposed as the chair
    data = {"title": "RCP os", "starts_at": "2030-01-10T14:00", "place": "", "video_link": ""}
    response = client.post(reverse("rcp:meeting_create"), {**data, "chair": coordinator.pk})
    assert response.status_code == 400 and "chair" in response.context["form"].errors
    response = client.post(reverse("rcp:meeting_create"), {**data, "chair": chair.pk, "deputy": viewer.pk})
    assert response.status_code == 400 and "deputy" in response.context["form"].errors
    assert not Meeting.objects.exists()
    assert (
        client.post(
            reverse("rcp:meeting_create"), {**data, "chair": chair.pk, "deputy": deputy.pk}
        ).status_code
        == 302
    )


def test_the_meeting_itself_refuses_a_chair_without_the_role(centre, chair, coordinator):
    meeting = MeetingFactory(board=BoardFactory(centre=centre), chair=coordinator)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "chair" in error.value.message_dict
    meeting.chair = chair
    meeting.full_clean()


def test_a_chair_without_the_chair_role_cannot_validate_and_nothing_is_saved(
    client_for, centre, coordinator, case_of
):
    case = case_of(meeting_under_way(centre, chair=coordinator))  # set directly in the database
    draft = complete_draft(case)
    with pytest.raises(PermissionDenied):
        validate_decision(decision=draft, user=coordinator)
    url = reverse("rcp:decision", args=[case.pk])
    data = {"free_text": "Changed.", "conforms": "true", "revision": draft.revision, "validate": "1"}
    assert client_for(coordinator).post(url, data).status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft and draft.revision == 0 and draft.free_text == "Surveillance."  # no revision bump
    assert not Minute.objects.exists() and not MinuteCounter.objects.exists()  # no number consumed
    case.refresh_from_db()
    assert case.status == CaseSubmission.Status.SCHEDULED


def test_a_viewer_set_as_deputy_cannot_amend(client_for, centre, chair, viewer, case_of):
    case = case_of(meeting_under_way(centre, chair=chair, deputy=viewer))
    decision = validated(case, chair)
    assert client_for(viewer).post(reverse("rcp:decision_amend", args=[decision.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        amend_decision(decision=decision, user=viewer)
    assert Decision.objects.count() == 1
    assert client_for(chair).post(reverse("rcp:decision_amend", args=[decision.pk])).status_code == 302
    assert Decision.objects.filter(version=2, status="draft").exists()


def test_the_decision_page_offers_validation_to_the_chair_role_only(
    client_for, centre, chair, coordinator, case_of
):
    case = case_of(meeting_under_way(centre, chair=chair, deputy=coordinator))
    url = reverse("rcp:decision", args=[case.pk])
    assert client_for(chair).get(url).context["can_validate"] is True
    assert client_for(coordinator).get(url).context["can_validate"] is False


# A validated case keeps its patient and meeting ----------------------------------------------------


def test_a_validated_cases_patient_and_meeting_never_change(centre, chair, case_of):
    meeting = meeting_under_way(centre, chair=chair)
    later = MeetingFactory(board=meeting.board, chair=chair)
    case = case_of(meeting)
    other = PatientFactory(centre=centre)
    draft_only = case_of(meeting)
    complete_draft(draft_only)
    draft_only.meeting = later
    draft_only.save()  # a case without a validated decision still moves
    validated(case, chair)
    case.patient = other
    with pytest.raises(ValidationError) as error:
        case.full_clean()
    assert "patient" in error.value.message_dict
    with pytest.raises(ImmutableError):
        case.save()
    case.refresh_from_db()
    case.meeting = later
    with pytest.raises(ImmutableError):
        case.save(update_fields=["meeting"])
    with pytest.raises(ImmutableError):
        CaseSubmission.objects.filter(pk=case.pk).update(meeting=later)
    case.refresh_from_db()
    assert case.meeting == meeting and case.patient != other
    case.question = "Une autre formulation ?"
    case.save()  # the rest of the case may still be corrected


def test_the_admin_shows_a_validated_cases_patient_and_meeting_read_only(
    admin_client, client_for, centre, chair, outsider, case_of
):
    case = case_of(meeting_under_way(centre, chair=chair))
    decision = validated(case, chair)
    theirs = PatientFactory(centre=outsider.centre)
    PrimaryTumourFactory(patient=theirs)
    url = reverse("admin:rcp_casesubmission_change", args=[case.pk])
    page = admin_client.get(url)
    assert {"patient", "meeting"} <= set(page.context["adminform"].readonly_fields)
    assert "patient" not in page.context["adminform"].form.fields
    data = {
        "patient": theirs.pk,
        "question": case.question,
        "reason": case.reason,
        "urgency": case.urgency,
        "presenting_physician": case.presenting_physician_id,
        "submitted_by": case.submitted_by_id,
        "position": case.position,
        "status": case.status,
        "discussed_at_0": "",
        "discussed_at_1": "",
        "discussed_with_quorum": "unknown",
    }
    admin_client.post(url, data)
    case.refresh_from_db()
    assert case.patient.centre == centre
    # So the other centre cannot download the minute.
    minute = decision.minute
    assert client_for(outsider).get(reverse("rcp:minute_pdf", args=[minute.pk])).status_code == 404


def test_a_validated_case_is_not_postponed(client_for, centre, chair, coordinator, case_of):
    meeting = meeting_under_way(centre, chair=chair)
    later = MeetingFactory(board=meeting.board, chair=chair, starts_at=timezone.now() + timedelta(days=7))
    case = case_of(meeting)
    validated(case, chair)
    response = client_for(coordinator).post(
        reverse("rcp:case_postpone", args=[case.pk]), {"meeting": later.pk}
    )
    assert response.status_code == 400 and "meeting" in response.context["form"].errors
    case.refresh_from_db()
    assert case.meeting == meeting


# `next` ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example", "//evil.example", "/\\evil.example", "http:/x", ""]
)
def test_discussed_does_not_follow_next_to_another_site(
    client_for, centre, chair, coordinator, case_of, target
):
    meeting = meeting_under_way(centre, chair=chair)
    case = case_of(meeting)
    response = client_for(coordinator).post(reverse("rcp:case_discussed", args=[case.pk]), {"next": target})
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()


def test_discussed_follows_next_within_the_site(client_for, centre, chair, coordinator, case_of):
    meeting = meeting_under_way(centre, chair=chair)
    case = case_of(meeting)
    target = reverse("rcp:present", args=[meeting.pk, 2])
    response = client_for(coordinator).post(reverse("rcp:case_discussed", args=[case.pk]), {"next": target})
    assert response["Location"] == target


def test_the_decision_page_takes_only_a_case_number_back_to_presentation(client_for, centre, chair, case_of):
    meeting = meeting_under_way(centre, chair=chair)
    case = case_of(meeting)
    client = client_for(chair)
    url = reverse("rcp:decision", args=[case.pk])
    for junk in ("abc", "//evil.example", "1/../../x"):
        response = client.get(url, {"present": junk})
        assert response.status_code == 200 and response.context["present"] is None
    response = client.get(url, {"present": "2"})
    assert reverse("rcp:present", args=[meeting.pk, 2]) in response.content.decode()
