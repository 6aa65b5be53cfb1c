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


def test_a_surgery_gives_each_lesion_it_treats_its_own_outcome(client_for, clinician, patient):
    exam = ExamFactory(patient=patient)
    humerus = LesionFactory(
        exam=exam, site="humerus_shaft", vertebral_level="", side="right", fracture=True
    ).lesion
    rib = LesionFactory(exam=exam, site="rib", vertebral_level="", rib_number=6, side="right").lesion
    spine = LesionFactory(exam=exam, vertebral_level="L2").lesion
    url = reverse("patients:record_add", args=[patient.pk, "treatment"])
    response = client_for(clinician).post(
        url,
        {"category": "surgery", "surgery_type": "osteosynthesis", "start_date": ago(5).isoformat(),
         f"lesion_{humerus.pk}": "on", f"outcome_{humerus.pk}": "stabilised",
         f"lesion_{rib.pk}": "on", f"outcome_{rib.pk}": "resected",
         f"outcome_{spine.pk}": "treated"},
    )  # fmt: skip
    assert response.status_code == 302
    treatment = m.Treatment.objects.get(patient=patient)
    assert dict(treatment.treated_lesions.values_list("lesion_id", "outcome")) == {
        humerus.pk: "stabilised",
        rib.pk: "resected",
    }
    statuses = dict(m.TrackedLesion.objects.values_list("pk", "status"))
    assert statuses == {humerus.pk: "stabilised", rib.pk: "resected", spine.pk: "active"}
    assert treatment.treated_lesions.first().history.first().history_user == clinician


def test_the_treatment_form_labels_each_lesion_and_its_outcome_and_shows_them_again_on_edit(
    client_for, clinician, patient
):
    from patients.services import link_treated_lesions
    from tests.factories import TreatmentFactory

    femur = LesionFactory(exam=ExamFactory(patient=patient), site="femur_shaft", vertebral_level="",
                          side="left").lesion  # fmt: skip
    surgery = TreatmentFactory(patient=patient, category="surgery", systemic_class="",
                               surgery_type="osteosynthesis")  # fmt: skip
    link_treated_lesions(
        treatment=surgery, lesions=[femur], user=clinician, outcomes={femur.pk: "stabilised"}
    )
    url = reverse("patients:record_edit", args=[patient.pk, "treatment", surgery.pk])
    response = client_for(clinician).get(url, HTTP_ACCEPT_LANGUAGE="en")
    form = response.context["form"]
    assert form[f"lesion_{femur.pk}"].value() is True
    assert form[f"outcome_{femur.pk}"].value() == "stabilised"
    page = response.content.decode()
    # each control has its own label, tied to it by its id
    assert f'<label for="id_lesion_{femur.pk}"' in page and f'for="id_outcome_{femur.pk}"' in page
    assert "What it did to Femur — shaft (left)" in page


def test_another_patients_lesion_cannot_be_linked_to_a_treatment(client_for, clinician, patient):
    stranger = LesionFactory(exam=ExamFactory(patient=PatientFactory(centre=patient.centre))).lesion
    response = client_for(clinician).post(
        reverse("patients:record_add", args=[patient.pk, "treatment"]),
        {"category": "surgery", "surgery_type": "osteosynthesis", "start_date": ago(5).isoformat(),
         f"lesion_{stranger.pk}": "on", f"outcome_{stranger.pk}": "stabilised"},
    )  # fmt: skip
    assert response.status_code == 302
    assert not m.TreatedLesion.objects.exists()
    stranger.refresh_from_db()
    assert stranger.status == "active"


def test_a_radiotherapy_cannot_stabilise_a_lesion_and_the_error_is_beside_that_lesion(
    client_for, clinician, patient
):
    exam = ExamFactory(patient=patient)
    rib = LesionFactory(exam=exam, site="rib", vertebral_level="", rib_number=8, side="left").lesion
    spine = LesionFactory(exam=exam, vertebral_level="T9").lesion
    response = client_for(clinician).post(
        reverse("patients:record_add", args=[patient.pk, "treatment"]),
        {"category": "radiotherapy", "rt_dose_gy": "30", "rt_fractions": "10", "rt_technique": "sbrt",
         "start_date": ago(5).isoformat(), f"lesion_{rib.pk}": "on", f"outcome_{rib.pk}": "stabilised",
         f"lesion_{spine.pk}": "on", f"outcome_{spine.pk}": "treated"},
    )  # fmt: skip
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [f"outcome_{rib.pk}"]
    assert (form["rt_dose_gy"].value(), form[f"lesion_{spine.pk}"].value()) == ("30", True)  # nothing lost
    assert not m.Treatment.objects.exists()


def test_an_outcome_for_a_lesion_not_ticked_is_refused_not_guessed(client_for, clinician, patient):
    femur = LesionFactory(exam=ExamFactory(patient=patient), site="femur_shaft", vertebral_level="",
                          side="left").lesion  # fmt: skip
    response = client_for(clinician).post(
        reverse("patients:record_add", args=[patient.pk, "treatment"]),
        {"category": "surgery", "surgery_type": "osteosynthesis", "start_date": ago(5).isoformat(),
         f"outcome_{femur.pk}": "stabilised"},
    )  # fmt: skip
    assert response.status_code == 400 and f"outcome_{femur.pk}" in response.context["form"].errors
    assert not m.Treatment.objects.exists()


def test_a_systemic_treatment_treats_no_lesion(client_for, clinician, patient):
    t9 = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="T9").lesion
    response = client_for(clinician).post(
        reverse("patients:record_add", args=[patient.pk, "treatment"]),
        {"category": "systemic", "systemic_class": "targeted", "start_date": ago(5).isoformat(),
         f"lesion_{t9.pk}": "on"},
    )  # fmt: skip
    assert response.status_code == 400 and f"lesion_{t9.pk}" in response.context["form"].errors


def test_a_failed_link_saves_no_treatment(client_for, clinician, patient, monkeypatch):
    """The treatment and its links are one transaction: a link that fails leaves no treatment."""
    from patients import services

    t9 = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="T9").lesion

    def fail(**kwargs):
        raise RuntimeError("link failed")

    monkeypatch.setattr(services, "link_treated_lesions", fail)
    with pytest.raises(RuntimeError):
        client_for(clinician).post(
            reverse("patients:record_add", args=[patient.pk, "treatment"]),
            {"category": "radiotherapy", "rt_dose_gy": "8", "rt_fractions": "1",
             "start_date": ago(5).isoformat(), f"lesion_{t9.pk}": "on"},
        )  # fmt: skip
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
