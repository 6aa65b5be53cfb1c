from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from tests.factories import AssessmentFactory, ExamFactory, LabFactory, LesionFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_home_leads_to_the_patient_list(client_for, clinician):
    response = client_for(clinician).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:list")


def test_list_shows_newest_activity_first_and_searches(client_for, clinician, centre):
    old = PatientFactory(centre=centre, family_name="Ancien")
    new = PatientFactory(centre=centre, family_name="Recent", birth_date=date(1970, 2, 3), hospital_id="H-42")
    m.Patient.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=5))
    client = client_for(clinician)
    page = client.get(reverse("patients:list")).content.decode()
    assert page.index("RECENT") < page.index("ANCIEN")
    for query in ["recent", "H-42", "03/02/1970", "1970-02-03"]:
        found = client.post(reverse("patients:list"), {"q": query}).content.decode()
        assert "RECENT" in found and "ANCIEN" not in found, query
    assert new.pk


def test_list_is_paginated(client_for, clinician, centre):
    PatientFactory.create_batch(30, centre=centre)
    client = client_for(clinician)
    first = client.get(reverse("patients:list"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("patients:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_create_patient_belongs_to_my_centre_and_leads_to_the_tumour(client_for, clinician, centre):
    response = client_for(clinician).post(
        reverse("patients:create"),
        {
            "family_name": "Nouveau",
            "given_names": "Test",
            "birth_date": "1961-04-05",
            "sex": "male",
            "hospital_id": "NEW-1",
            "ins": "",
        },
    )
    patient = m.Patient.objects.get(hospital_id="NEW-1")
    assert patient.centre == centre
    assert response["Location"] == reverse("patients:tumour", args=[patient.pk])
    assert patient.history.first().history_user == clinician


def test_bad_input_is_shown_beside_the_field_in_french_and_nothing_is_lost(client_for, clinician, patient):
    response = client_for(clinician).post(
        reverse("patients:record_add", args=[patient.pk, "lab"]),
        {"date": "2999-01-01", "calcium": "50", "albumin": "35", "creatinine": "0.1", "notes": "à garder"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cette date est dans le futur." in page
    assert "inférieure ou égale à 5" in page  # calcium 1.0–5.0 mmol/L
    assert "supérieure ou égale à 20" in page  # creatinine ≥ 20 µmol/L
    assert 'value="50"' in page and "à garder" in page  # what was typed is kept
    assert not m.LabResult.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("assessment", {"date": "2024-01-01", "ecog": "5"}, "ecog"),
        ("assessment", {"date": "2024-01-01", "karnofsky": "45"}, "karnofsky"),
        ("assessment", {"date": "2024-01-01", "weight_kg": "300"}, "weight_kg"),
        ("assessment", {"date": "2024-01-01", "pain_nrs": "11"}, "pain_nrs"),
        ("assessment", {"date": "2024-01-01", "motor_deficit_onset": "2024-02-01"}, "motor_deficit_onset"),
        ("lab", {"date": "2024-01-01", "albumin": "70"}, "albumin"),
        ("lab", {"date": "2024-01-01", "calcium": "0.5"}, "calcium"),
        (
            "treatment",
            {
                "category": "systemic",
                "systemic_class": "targeted",
                "start_date": "2024-03-01",
                "end_date": "2024-02-01",
            },
            "end_date",
        ),
        ("treatment", {"category": "radiotherapy", "start_date": "2024-03-01"}, "rt_dose_gy"),
        ("exam", {"date": "2024-01-01", "modality": "pet-mri"}, "modality"),
        ("site", {"organ": "brain", "resectability": "unknown", "date": "2999-01-01"}, "date"),
        ("event", {"kind": "fracture", "date": "2024-01-01"}, "kind"),
        ("molecular", {"gene": "EGFR", "test_date": "2999-01-01"}, "test_date"),
    ],
)
def test_each_form_refuses_bad_input_beside_the_field(client_for, clinician, patient, kind, data, field):
    response = client_for(clinician).post(reverse("patients:record_add", args=[patient.pk, kind]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_patient_form_refuses_duplicate_identifier_and_bad_ins(client_for, clinician, patient):
    response = client_for(clinician).post(
        reverse("patients:create"),
        {
            "family_name": "X",
            "given_names": "Y",
            "birth_date": "1960-01-01",
            "sex": "male",
            "hospital_id": patient.hospital_id,
            "ins": "123",
        },
    )
    assert set(response.context["form"].errors) == {"hospital_id", "ins"}


def test_tumour_form_creates_then_edits(client_for, clinician, centre):
    patient = PatientFactory(centre=centre)
    url = reverse("patients:tumour", args=[patient.pk])
    data = {
        "histology": "8140/3",
        "diagnosis_date": "2025-01-10",
        "location": "C34.1",
        "laterality": "right",
        "t_category": "T2a",
        "n_category": "N2",
        "m_category": "M1c",
        "pdl1_tps": "50",
    }
    client = client_for(clinician)
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "pdl1_tps": "101"}).status_code == 400
    data["pdl1_tps"] = "60"
    client.post(url, data)
    tumour = m.PrimaryTumour.objects.get(patient=patient)
    assert tumour.pdl1_tps == 60
    assert tumour.stage == "IVB"


def test_lesion_form_refuses_level_on_a_non_spinal_site(client_for, clinician, patient):
    exam = ExamFactory(patient=patient)
    response = client_for(clinician).post(
        reverse("patients:lesion_add", args=[patient.pk, exam.pk]),
        {
            "site": "femur_shaft",
            "side": "left",
            "vertebral_level": "T11",
            "lesion_type": "lytic",
            "soft_tissue_extension": "unknown",
            "fracture": "unknown",
        },
    )
    assert response.status_code == 400
    assert "vertebral_level" in response.context["form"].errors
    assert not m.LesionObservation.objects.exists()


def test_adding_an_exam_leads_to_adding_its_lesions(client_for, clinician, patient):
    client = client_for(clinician)
    response = client.post(
        reverse("patients:record_add", args=[patient.pk, "exam"]),
        {"date": "2025-06-01", "modality": "spine_mri", "conclusion": "T11"},
    )
    exam = m.ImagingExam.objects.get(patient=patient)
    assert response["Location"] == reverse("patients:lesion_add", args=[patient.pk, exam.pk])
    response = client.post(
        response["Location"],
        {
            "site": "vertebra",
            "vertebral_level": "T11",
            "lesion_type": "lytic",
            "collapse": "under_50",
            "soft_tissue_extension": "unknown",
            "fracture": "false",
            "add_another": "1",
        },
    )
    assert response["Location"] == reverse("patients:lesion_add", args=[patient.pk, exam.pk])
    lesion = m.LesionObservation.objects.get(exam=exam)
    assert (lesion.vertebral_level, lesion.fracture, lesion.soft_tissue_extension) == ("T11", False, None)


def test_patient_page_shows_the_computed_values(client_for, clinician, patient):
    AssessmentFactory(patient=patient, ecog=None, karnofsky=60, weight_kg=Decimal("70"), height_cm=175)
    patient.birth_date = date(1950, 1, 1)
    patient.sex = "male"
    patient.save()
    LabFactory(
        patient=patient,
        date=date(2020, 1, 1),
        calcium=Decimal("3.20"),
        albumin=Decimal("30"),
        creatinine=Decimal("88.4"),
    )
    response = client_for(clinician).get(
        reverse("patients:detail", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert "3.45 mmol/L" in page  # 3.20 + 0.025 × (40 − 30)
    assert "moderate hypercalcaemia" in page
    assert "68 mL/min" in page  # Cockcroft–Gault, 70 years at the sample, 70 kg
    assert "zoledronic acid 4.0 mg" in page  # clearance > 60
    assert "ECOG 2" in page  # converted from Karnofsky 60
    assert "22.9" in page  # BMI


def test_lesion_table_lists_lesions_of_every_exam(client_for, clinician, patient):
    LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="T11")
    LesionFactory(
        exam=ExamFactory(patient=patient), site="femur_trochanteric", vertebral_level="", side="left"
    )
    page = client_for(clinician).get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "T11" in page
    assert "trochant" in page
