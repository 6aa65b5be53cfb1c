"""The summary of a record (patients.summary): plain JSON data of what the board is shown, read from the
loaded record without a query."""

import json
from decimal import Decimal

import pytest
from django.utils import translation

from patients import models as m
from patients.record import PatientRecord
from patients.summary import record_summary, zoledronic_acid
from scoring import registry
from tests.factories import (
    AssessmentFactory,
    EventFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
)
from tests.patients.test_queries import fill_record

pytestmark = pytest.mark.django_db

MIRELS_9 = {"site": "lower_limb", "pain": "functional", "lesion": "lytic", "size": "under_one_third"}


def summary_of(user, patient, language="en"):
    with translation.override(language):
        return PatientRecord.load(user, patient.pk).summary


@pytest.fixture
def full(patient):
    AssessmentFactory(
        patient=patient,
        ecog=None,
        karnofsky=60,
        weight_kg=Decimal("50.0"),
        height_cm=170,
        ambulatory_status="walking_with_aid",
        life_expectancy_months=Decimal("4.5"),
    )
    LabFactory(patient=patient, calcium=Decimal("2.80"), albumin=Decimal("30.0"), creatinine=Decimal("90.0"))
    exam = ExamFactory(patient=patient, modality="spine_mri")
    LesionFactory(exam=exam, vertebral_level="T6", bilsky="3", collapse="under_50")
    femur = LesionFactory(exam=exam, site="femur_shaft", side="left", fracture=False)
    m.ScoreAssessment.objects.record(
        registry.get("mirels").compute(**MIRELS_9), patient=patient, lesion=femur.lesion
    )
    EventFactory(patient=patient, kind="cord_compression")
    return patient


def test_the_summary_is_plain_json_and_round_trips(clinician, full):
    summary = summary_of(clinician, full)
    assert json.loads(json.dumps(summary)) == summary
    assert summary == summary_of(clinician, full)  # reading it again gives the same data


def test_the_status_has_both_scales_the_converted_one_marked_bmi_and_ambulatory_status(clinician, full):
    status = summary_of(clinician, full)["status"]
    assert {k: status[k] for k in ("ecog", "ecog_converted", "karnofsky", "karnofsky_converted")} == {
        "ecog": 2,
        "ecog_converted": True,
        "karnofsky": 60,
        "karnofsky_converted": False,
    }
    assert (status["bmi"], status["ambulatory_status"], status["ambulatory_label"]) == (
        17.3,
        "walking_with_aid",
        "Walks with aid",
    )
    assert status["life_expectancy_months"] == "4.5"


def test_a_karnofsky_from_ecog_is_the_pair_of_its_grade(clinician, patient):
    AssessmentFactory(patient=patient, ecog=1, karnofsky=None)
    status = summary_of(clinician, patient)["status"]
    assert (status["ecog"], status["ecog_converted"]) == (1, False)
    assert (status["karnofsky"], status["karnofsky_range"], status["karnofsky_converted"]) == (
        None,
        [70, 80],
        True,
    )


def test_labs_lesions_scores_and_events(clinician, full):
    summary = summary_of(clinician, full)
    labs = summary["labs"]
    assert labs["corrected_calcium"] == 3.05 and labs["calcium_status"] == "moderate"
    assert labs["zoledronic_acid"] == zoledronic_acid(labs["clearance"])
    t6, femur = summary["lesions"]
    assert (t6["site"], t6["cord_compression"], t6["observed"]["bilsky"]["value"]) == ("T6", True, "3")
    assert t6["observed"]["collapse"]["label"]
    assert [s["slug"] for s in femur["scores"]] == ["mirels"]
    assert [c["score"] for c in summary["corrections"]] == ["mirels"]
    assert [(e["kind"], e["label"]) for e in summary["events"]] == [
        ("cord_compression", "Spinal cord compression")
    ]
    assert any(f["rule"] == "BILSKY-HIGH" and f["lesion"] == "T6" for f in summary["findings"])


def test_the_summary_follows_the_active_language(clinician, full):
    assert summary_of(clinician, full, "fr")["status"]["ambulatory_label"] == "Marche avec aide"


def test_zoledronic_acid_dose_by_clearance():
    assert zoledronic_acid(None) is None
    assert zoledronic_acid(72.04) == {"clearance_ml_min": 72.0, "dose_mg": 4.0}
    assert zoledronic_acid(25) == {"clearance_ml_min": 25, "dose_mg": None}


@pytest.mark.parametrize("rows", [1, 12])
def test_building_the_summary_issues_no_query_once_the_record_is_loaded(
    django_assert_num_queries, clinician, rows
):
    patient = PatientFactory(centre=clinician.centre)
    PrimaryTumourFactory(patient=patient)
    fill_record(patient, rows)
    record = PatientRecord.load(clinician, patient.pk)
    with django_assert_num_queries(0):  # every row is prefetched by PatientRecord.queryset()
        summary = record_summary(record)
    assert len(summary["lesions"]) == rows
