"""Tracked lesions on the record's pages: an exam's observation of an existing or a new lesion, the lesion
page (history, its own pain), treatments linked to lesions, the neurological examination."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from tests.factories import ExamFactory, LesionFactory, PatientFactory

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def patient(centre):
    return PatientFactory(centre=centre)


def test_an_exam_offers_the_patients_lesions_first_and_adds_an_observation_to_one(
    client_for, clinician, patient
):
    t11 = LesionFactory(exam=ExamFactory(patient=patient, date=ago(60)), vertebral_level="T11").lesion
    LesionFactory(exam=ExamFactory(patient=PatientFactory(centre=patient.centre)), vertebral_level="L1")
    exam = ExamFactory(patient=patient, modality="spine_mri", date=ago(2))
    url = reverse("patients:lesion_add", args=[patient.pk, exam.pk])
    client = client_for(clinician)
    form = client.get(url).context["form"]
    assert list(form.fields["lesion"].queryset) == [t11]  # this patient's lesions only
    response = client.post(
        url, {"lesion": t11.pk, "lesion_type": "mixed", "bilsky": "1b", "cord_compression": "false"}
    )
    assert response.status_code == 302
    assert m.TrackedLesion.objects.filter(patient=patient).count() == 1
    observation = m.LesionObservation.objects.get(exam=exam)
    assert (observation.lesion, observation.bilsky, observation.cord_compression) == (t11, "1b", False)


def test_a_new_lesion_is_created_from_its_site_and_a_wrong_site_keeps_the_input(
    client_for, clinician, patient
):
    exam = ExamFactory(patient=patient, modality="xray")
    url = reverse("patients:lesion_add", args=[patient.pk, exam.pk])
    client = client_for(clinician)
    response = client.post(url, {"site": "humerus_shaft", "lesion_type": "lytic", "fracture": "true"})
    assert response.status_code == 400 and "side" in response.context["form"].errors  # a paired bone
    assert response.context["form"]["fracture"].value() is True  # nothing typed is lost
    assert not m.TrackedLesion.objects.exists()
    response = client.post(
        url, {"site": "humerus_shaft", "side": "right", "lesion_type": "lytic", "fracture": "true"}
    )
    assert response.status_code == 302
    (lesion,) = m.TrackedLesion.objects.filter(patient=patient)
    assert (lesion.site, lesion.side, lesion.observations.get().fracture) == ("humerus_shaft", "right", True)


def test_bilsky_on_a_ct_is_refused_beside_the_field(client_for, clinician, patient):
    exam = ExamFactory(patient=patient, modality="ct")
    response = client_for(clinician).post(
        reverse("patients:lesion_add", args=[patient.pk, exam.pk]),
        {"site": "vertebra", "vertebral_level": "L1", "lesion_type": "lytic", "bilsky": "2"},
    )
    assert response.status_code == 400 and "bilsky" in response.context["form"].errors


def test_a_surgery_links_the_lesions_it_treats_and_marks_them_stabilised(client_for, clinician, patient):
    exam = ExamFactory(patient=patient)
    humerus = LesionFactory(
        exam=exam, site="humerus_shaft", vertebral_level="", side="right", fracture=True
    ).lesion
    spine = LesionFactory(exam=exam, vertebral_level="L2").lesion
    stranger = LesionFactory(exam=ExamFactory(patient=PatientFactory(centre=patient.centre))).lesion
    url = reverse("patients:record_add", args=[patient.pk, "treatment"])
    data = {"category": "surgery", "surgery_type": "osteosynthesis", "start_date": ago(5).isoformat(),
            "treated_lesions": [humerus.pk], "outcome": "stabilised"}  # fmt: skip
    client = client_for(clinician)
    response = client.post(url, {**data, "treated_lesions": [stranger.pk]})
    assert response.status_code == 400 and "treated_lesions" in response.context["form"].errors
    assert client.post(url, data).status_code == 302
    treatment = m.Treatment.objects.get(patient=patient)
    assert list(treatment.lesions.all()) == [humerus]
    humerus.refresh_from_db()
    spine.refresh_from_db()
    assert (humerus.status, spine.status) == ("stabilised", "active")


def test_a_radiotherapy_cannot_stabilise_a_lesion(client_for, clinician, patient):
    rib = LesionFactory(
        exam=ExamFactory(patient=patient), site="rib", vertebral_level="", rib_number=8, side="left"
    )
    response = client_for(clinician).post(
        reverse("patients:record_add", args=[patient.pk, "treatment"]),
        {"category": "radiotherapy", "rt_dose_gy": "30", "rt_fractions": "10", "rt_technique": "sbrt",
         "start_date": ago(5).isoformat(), "treated_lesions": [rib.lesion_id], "outcome": "stabilised"},
    )  # fmt: skip
    assert response.status_code == 400 and "outcome" in response.context["form"].errors
    assert not m.Treatment.objects.exists()


def test_the_lesion_page_edits_its_pain_and_recomputes_its_scores(client_for, clinician, patient):
    t11 = LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="T11",
                        collapse="none", posterolateral="none", alignment="normal").lesion  # fmt: skip
    from scoring import registry

    inputs = {"location": "junctional", "pain": "none", "lesion": "lytic", "alignment": "normal",
              "collapse": "none", "posterolateral": "none"}  # fmt: skip
    m.ScoreAssessment.objects.record(registry.get("sins").compute(**inputs), patient=patient, lesion=t11)
    url = reverse("patients:lesion_detail", args=[patient.pk, t11.pk])
    client = client_for(clinician)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Observations, newest exam first" in page
    response = client.post(
        url, {"pain_nrs": "11", "pain_mechanical": "true", "pain_date": ago(1).isoformat()}
    )
    assert response.status_code == 400 and "pain_nrs" in response.context["form"].errors
    response = client.post(url, {"pain_nrs": "7", "pain_mechanical": "true", "pain_date": ago(1).isoformat()})
    assert response.status_code == 302
    newest = m.ScoreAssessment.objects.filter(lesion=t11).first()
    assert (
        newest.inputs["pain"] == "mechanical" and newest.total == 3 + 3 + 2
    )  # junctional, mechanical pain, lytic


def test_a_fractured_bone_is_not_offered_mirels_and_says_why(client_for, clinician, patient):
    exam = ExamFactory(patient=patient)
    femur = LesionFactory(
        exam=exam, site="femur_shaft", vertebral_level="", side="left", fracture=True
    ).lesion
    client = client_for(clinician)
    response = client.get(reverse("patients:lesion_score", args=[patient.pk, femur.pk, "mirels"]))
    assert response.status_code == 302
    page = client.get(patient.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mirels is not offered: the bone is already fractured." in page


def test_the_assessment_form_records_the_neurological_examination(client_for, clinician, patient):
    response = client_for(clinician).post(
        reverse("patients:record_add", args=[patient.pk, "assessment"]),
        {"date": ago(1).isoformat(), "ecog": "1", "karnofsky": "80", "frankel": "E", "sensory_level": "T10",
         "sphincter_disturbance": "unknown", "active_infection_or_sepsis": "false",
         "uncontrolled_coagulopathy": "unknown"},
    )  # fmt: skip
    assert response.status_code == 302
    assessment = m.ClinicalAssessment.objects.get(patient=patient)
    assert (assessment.ecog, assessment.karnofsky, assessment.sensory_level) == (1, 80, "T10")
    assert assessment.sphincter_disturbance is None and assessment.active_infection_or_sepsis is False
