"""Presentation mode's side panel: adding an imaging exam (then its lesions, as on the patient page) and a
treatment during the meeting; who may; what bad input gives back; the completeness list opens it."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from tests.factories import (
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def meeting(centre, chair):
    return MeetingFactory(board=BoardFactory(centre=centre), chair=chair)


@pytest.fixture
def case(meeting):
    """A case whose only imaging is five months old: the completeness list asks for an exam."""
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre, position=1)
    PrimaryTumourFactory(patient=case.patient)
    AssessmentFactory(patient=case.patient)
    LabFactory(patient=case.patient)
    ExamFactory(patient=case.patient, date=days_ago(150))
    return case


def url(meeting, kind):
    return reverse("rcp:present_record", args=[meeting.pk, 1, kind])


def lesion_url(meeting, exam):
    return reverse("rcp:present_exam_lesion", args=[meeting.pk, 1, exam.pk])


def case_part(client, meeting):
    response = client.get(reverse("rcp:present", args=[meeting.pk, 1]), {"part": "case"}, **HTMX)
    return response.content.decode()


EXAM = {"date": days_ago(2).isoformat(), "modality": "spine_mri", "conclusion": "Lyse de L2."}
LESION = {
    "site": "vertebra",
    "vertebral_level": "L2",
    "lesion_type": "lytic",
    "soft_tissue_extension": "unknown",
    "fracture": "unknown",
}


def test_an_exam_added_from_the_panel_goes_on_to_its_first_lesion_and_the_case_shows_both(
    client_for, clinician, meeting, case
):
    client = client_for(clinician)
    assert "No imaging in the last 3 months." in case_part(client, meeting)
    assert 'name="modality"' in client.get(url(meeting, "exam"), **HTMX).content.decode()

    response = client.post(url(meeting, "exam"), EXAM, **HTMX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"case-changed": {"kind": "exam"}}
    exam = m.ImagingExam.objects.get(patient=case.patient, modality="spine_mri")
    assert exam.history.get().history_user == clinician
    page = response.content.decode()
    assert lesion_url(meeting, exam) in page and 'name="vertebral_level"' in page  # the lesion comes next
    assert 'name="add_another"' in page
    assert "No imaging in the last 3 months." not in case_part(client, meeting)

    response = client.post(lesion_url(meeting, exam), LESION, **HTMX)
    assert response.status_code == 200
    lesion = m.LesionObservation.objects.get(exam=exam)
    assert lesion.history.get().history_user == clinician
    assert json.loads(response["HX-Trigger"]) == {"case-changed": {"lesion": lesion.pk}}
    part = case_part(client, meeting)
    assert f'id="lesion-{lesion.lesion_id}"' in part
    assert 'data-level="L2"' in part  # in the zoomed spine
    assert 'id="panel-lesions" hx-swap-oob="true"' in part and "L2 —" in part  # the panel can correct it


def test_save_and_add_another_lesion_gives_a_fresh_form_for_the_same_exam(
    client_for, clinician, meeting, case
):
    exam = ExamFactory(patient=case.patient)
    response = client_for(clinician).post(lesion_url(meeting, exam), {**LESION, "add_another": "1"}, **HTMX)
    assert response.status_code == 200 and "case-changed" in response["HX-Trigger"]
    page = response.content.decode()
    assert m.LesionObservation.objects.filter(exam=exam).count() == 1
    assert lesion_url(meeting, exam) in page
    assert 'value="L2" selected' not in page  # a blank form, not the one just saved


def test_a_treatment_added_from_the_panel_shows_in_the_case(client_for, clinician, meeting, case):
    client = client_for(clinician)
    assert 'name="rt_dose_gy"' in client.get(url(meeting, "treatment"), **HTMX).content.decode()
    data = {
        "category": "radiotherapy",
        "start_date": days_ago(5).isoformat(),
        "target": "L2",
        "rt_dose_gy": "8",
        "rt_fractions": "1",
    }
    response = client.post(url(meeting, "treatment"), data, **HTMX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"case-changed": {"kind": "treatment"}}
    treatment = m.Treatment.objects.get(patient=case.patient)
    assert treatment.history.get().history_user == clinician
    assert treatment.summary in case_part(client, meeting)


@pytest.mark.parametrize(
    ("kind", "data", "field", "message", "kept"),
    [
        ("exam", {**EXAM, "date": "2999-01-01"}, "date", "This date is in the future.", "Lyse de L2."),
        (
            "treatment",
            {"category": "radiotherapy", "start_date": days_ago(5).isoformat(), "target": "T11 et L2"},
            "rt_dose_gy",
            "Required for this category of treatment.",
            'value="T11 et L2"',
        ),
    ],
)
def test_bad_input_in_the_panel_is_refused_beside_the_field_and_kept(
    client_for, clinician, meeting, case, kind, data, field, message, kept
):
    response = client_for(clinician).post(url(meeting, kind), data, **HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and f"error_1_id_{field}" in page  # beside its field (crispy's error id)
    assert "nothing you typed has been lost" in page
    assert kept in page
    assert not m.ImagingExam.objects.filter(modality="spine_mri").exists()
    assert not m.Treatment.objects.exists()


def test_a_lesion_without_its_level_is_refused_and_what_was_typed_kept(client_for, clinician, meeting, case):
    exam = ExamFactory(patient=case.patient)
    data = {**LESION, "vertebral_level": "", "size_mm": "34", "notes": "Lyse pédiculaire"}
    response = client_for(clinician).post(lesion_url(meeting, exam), data, **HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the vertebral level of a vertebral lesion." in page
    assert 'value="34"' in page and "Lyse pédiculaire" in page
    assert not m.LesionObservation.objects.filter(exam=exam).exists()


@pytest.mark.parametrize("kind", ["exam", "treatment"])
def test_a_viewer_cannot_add_from_the_panel(client_for, viewer, meeting, case, kind):
    client = client_for(viewer)
    assert client.get(url(meeting, kind), **HTMX).status_code == 403
    assert client.post(url(meeting, kind), EXAM, **HTMX).status_code == 403
    exam = case.patient.imagingexams.get()
    assert client.post(lesion_url(meeting, exam), LESION, **HTMX).status_code == 403
    assert not m.LesionObservation.objects.exists() and m.ImagingExam.objects.count() == 1


@pytest.mark.parametrize("kind", ["exam", "treatment"])
def test_another_centre_gets_404_from_the_panel(client_for, outsider, meeting, case, kind):
    client = client_for(outsider)
    assert client.get(url(meeting, kind), **HTMX).status_code == 404
    assert client.post(url(meeting, kind), EXAM, **HTMX).status_code == 404
    exam = case.patient.imagingexams.get()
    assert client.post(lesion_url(meeting, exam), LESION, **HTMX).status_code == 404
    assert not m.LesionObservation.objects.exists()


def test_a_lesion_cannot_be_added_to_another_patients_exam(client_for, clinician, meeting, case):
    other = ExamFactory(patient=PatientFactory(centre=case.patient.centre))
    response = client_for(clinician).post(lesion_url(meeting, other), LESION, **HTMX)
    assert response.status_code == 404
    assert not m.LesionObservation.objects.exists()


def test_the_completeness_list_opens_the_panel_on_the_missing_part(
    client_for, clinician, viewer, meeting, case
):
    part = case_part(client_for(clinician), meeting)
    gaps = part[part.index("dossier-gaps") :]
    assert f'hx-get="{url(meeting, "exam")}"' in gaps
    assert 'data-bs-target="#panel"' in gaps
    seen = case_part(client_for(viewer), meeting)
    assert "No imaging in the last 3 months." in seen
    assert "hx-get" not in seen[seen.index("dossier-gaps") :]  # a viewer cannot complete


def test_the_zoomed_spine_and_the_lesions_cost_no_query_per_lesion(
    client_for, clinician, meeting, case, django_assert_max_num_queries
):
    client = client_for(clinician)
    exam = ExamFactory(patient=case.patient, date=timezone.localdate())
    LesionFactory(exam=exam, vertebral_level="T4")
    client.get(reverse("rcp:present", args=[meeting.pk, 1]))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("rcp:present", args=[meeting.pk, 1]))
    for level in ("T6", "T8", "T10", "T12", "L1", "L3", "L5", "S1"):
        LesionFactory(exam=exam, vertebral_level=level)
    # The same queries with nine lesions as with one: the dossier is loaded once, the pictures are drawn
    # from it.
    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("rcp:present", args=[meeting.pk, 1])).content.decode()
    assert page.count('class="vertebra involved"') == 9
