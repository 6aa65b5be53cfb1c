"""Facts built from the record, the findings a clinician expects from the demo patients, and the
'what is missing' list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from patients.record import PatientRecord
from rcp.accounts.models import User
from tests.factories import (
    AssessmentFactory,
    EventFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
    SiteFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def record_of(user, patient):
    return PatientRecord.load(user, patient.pk)


@pytest.fixture
def demo():
    call_command("demo_data")
    return User.objects.get(username="chair")


def demo_record(user, hospital_id):
    return PatientRecord.load(user, m.Patient.objects.get(hospital_id=hospital_id).pk)


def rules(record):
    return [f.rule for f in record.findings]


def test_cord_compression_demo_patient_shows_mscc_emergency_first(demo):
    record = demo_record(demo, "DEMO-003")
    assert rules(record)[0] == "MSCC-EMERGENCY"
    assert {"BILSKY-HIGH", "SINS-SURGICAL-OPINION", "RADES-GROUP"} <= set(rules(record))
    assert record.facts["spinal_cord_compression"] is True


def test_femoral_demo_patient_gets_prophylactic_fixation(demo):
    record = demo_record(demo, "DEMO-002")
    assert "MIRELS-SURGERY" in rules(record)
    assert record.facts["max_mirels"] >= 9


def test_hypercalcaemia_demo_patient_gets_the_calcium_warning(demo):
    record = demo_record(demo, "DEMO-005")
    assert "CA-HIGH" in rules(record)
    assert record.facts["corrected_calcium"] == 3.45


def test_renal_demo_patient_under_zoledronic_acid_gets_the_dose_warning(demo):
    record = demo_record(demo, "DEMO-006")
    assert record.facts["bma_current"] == "zoledronic_acid"
    assert record.facts["creatinine_clearance"] < 60
    assert "BMA-RENAL" in rules(record)
    assert "BMA-START" not in rules(record)


def test_oligometastatic_demo_patient_is_offered_stereotactic_radiotherapy(demo):
    record = demo_record(demo, "DEMO-004")
    assert {"SBRT-OLIGO", "IMG-SINGLE-LESION", "BIOPSY"} <= set(rules(record))


def test_operated_demo_patient_is_reminded_of_postoperative_radiotherapy(demo):
    assert "POSTOP-RT" in rules(demo_record(demo, "DEMO-008"))


def test_bone_first_demo_patient_is_offered_a_biopsy(demo):
    assert "BIOPSY" in rules(demo_record(demo, "DEMO-011"))


def test_findings_are_ordered_urgent_first_on_every_demo_patient(demo):
    order = ["urgent", "warning", "recommendation", "info"]
    for patient in m.Patient.objects.filter(centre=demo.centre):
        levels = [order.index(f.level) for f in PatientRecord.load(demo, patient.pk).findings]
        assert levels == sorted(levels), patient


def test_unknown_facts_stay_unknown(clinician, centre):
    patient = PatientFactory(centre=centre)
    facts = record_of(clinician, patient).facts
    for key in (
        "ecog",
        "corrected_calcium",
        "creatinine_clearance",
        "bone_lesion_count",
        "vertebral_involvement",
        "max_sins",
        "life_expectancy_months",
        "visceral_metastases",
    ):
        assert key not in facts, key
    assert facts["bma_current"] == "none"


def test_facts_from_a_full_record(clinician, centre):
    patient = PatientFactory(centre=centre, birth_date=today().replace(year=today().year - 70))
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(
        patient=patient,
        ecog=None,
        karnofsky=50,
        weight_kg=Decimal("50"),
        height_cm=170,
        pain_nrs=6,
        motor_deficit_onset=today() - timedelta(days=3),
        dental_exam=True,
    )
    exam = ExamFactory(
        patient=patient, modality="bone_scan", new_foci=True, date=today() - timedelta(days=40)
    )
    LesionFactory(exam=exam, vertebral_level="T11", bilsky="1b")
    LesionFactory(exam=exam, vertebral_level="T11", bilsky="2")  # same lesion seen twice: counts once
    LesionFactory(
        exam=exam, site="ilium", vertebral_level="", side="left", lesion_type="lytic", fracture=True
    )
    LabFactory(patient=patient, calcium=Decimal("2.10"), albumin=Decimal("40"))
    TreatmentFactory(
        patient=patient,
        category="bma",
        systemic_class="",
        bone_agent="denosumab",
        start_date=today() - timedelta(days=800),
    )
    TreatmentFactory(patient=patient, start_date=today() - timedelta(days=100))
    TreatmentFactory(
        patient=patient,
        category="surgery",
        systemic_class="",
        surgery_type="osteosynthesis",
        start_date=today() - timedelta(days=20),
    )
    SiteFactory(patient=patient, organ="nodes")
    EventFactory(patient=patient, kind="cord_compression", date=today() - timedelta(days=40))
    facts = record_of(clinician, patient).facts
    assert facts["ecog"] == 2
    assert facts["bmi"] == 17.3
    assert facts["bone_lesion_count"] == 2
    assert facts["metastatic_sites_count"] == 3
    assert facts["visceral_metastases"] is False  # distant nodes are not visceral
    assert facts["vertebral_involvement"] is True and facts["spine_mri_done"] is False
    assert facts["max_bilsky"] == "2"
    assert facts["neurological_deficit"] is True
    assert facts["spinal_cord_compression"] is False  # 40 days ago: history, not an emergency
    assert facts["mirels_site_pelvis_or_proximal_femur_fracture"] is True
    assert facts["corrected_calcium"] == 2.10
    assert facts["bma_current"] == "denosumab"
    assert facts["last_dental_exam_date"] == today() - timedelta(days=3)
    assert facts["new_foci_on_followup_scan"] is True
    assert facts["systemic_treatment_start"] == today() - timedelta(days=100)
    assert facts["surgery_on_bone_date"] == today() - timedelta(days=20)
    assert facts["postoperative_rt_done"] is False
    assert facts["single_lesion_on_whole_body_imaging"] is False
    found = set(rules(record_of(clinician, patient)))
    assert {
        "MSCC-EMERGENCY",
        "BILSKY-HIGH",
        "SURGERY-LOW-BMI",
        "BMA-HYPOCALCAEMIA",
        "BMA-REVIEW",
        "POSTOP-RT",
        "IMG-FLARE",
        "IMG-SPINE-MRI",
    } <= found


def test_missing_list_names_what_keeps_important_rules_silent(client_for, clinician, centre):
    patient = PatientFactory(centre=centre)
    PrimaryTumourFactory(patient=patient)
    exam = ExamFactory(patient=patient, modality="ct")
    LesionFactory(exam=exam, vertebral_level="L2")
    LesionFactory(exam=exam, site="humerus_shaft", vertebral_level="", side="right")
    TreatmentFactory(patient=patient, category="bma", systemic_class="", bone_agent="zoledronic_acid")
    page = client_for(clinician).get(reverse("patients:detail", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    for expected in (
        "No whole-spine MRI",
        "No dental examination",
        "No creatinine clearance",
        "No SINS for the lesion L2",
        "No MIRELS for the lesion Humerus",
    ):
        assert expected in text, expected


def test_urgent_findings_are_shown_first_as_an_alert(client_for, clinician, centre):
    patient = PatientFactory(centre=centre)
    LabFactory(patient=patient, calcium=Decimal("3.60"), albumin=Decimal("40"))
    EventFactory(patient=patient, kind="cord_compression", date=today())
    page = client_for(clinician).get(reverse("patients:detail", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    urgent = text.index("finding-urgent")
    assert 'role="alert"' in text[urgent - 200 : urgent + 200]
    assert (
        text.index('data-rule="MSCC-EMERGENCY"')
        < text.index('data-rule="CA-CRISIS"')
        < text.index("finding-warning")
        if "finding-warning" in text
        else True
    )
    assert "3.6" in text[urgent:]


def test_patient_page_with_findings_keeps_a_constant_query_count(
    django_assert_max_num_queries, client_for, demo
):
    client = client_for(demo)
    for hospital_id in ("DEMO-001", "DEMO-003", "DEMO-009"):
        patient = m.Patient.objects.get(hospital_id=hospital_id)
        with django_assert_max_num_queries(15):
            client.get(reverse("patients:detail", args=[patient.pk]))
