"""The reading rules shared by the facts, the prefill and the summary (patients.reading)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patients import models as m
from patients import reading
from patients.facts import patient_facts
from patients.prefill import prefill
from patients.record import PatientRecord
from patients.services import link_treated_lesions
from scoring import registry
from tests.factories import (
    EventFactory,
    ExamFactory,
    LesionFactory,
    SiteFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.localdate() - timedelta(days=days)


def record_of(user, patient):
    return PatientRecord.load(user, patient.pk)


def resect(patient, observation, days):
    surgery = TreatmentFactory(
        patient=patient, category="surgery", systemic_class="", surgery_type="resection", start_date=ago(days)
    )
    link_treated_lesions(
        treatment=surgery,
        lesions=[observation.lesion],
        user=None,
        outcomes={observation.lesion.pk: "resected"},
    )


def test_a_lesion_seen_on_two_exams_counts_once_and_a_resected_one_not_at_all(clinician, patient):
    t11 = LesionFactory(exam=ExamFactory(patient=patient, date=ago(60)), vertebral_level="T11")
    LesionFactory(exam=ExamFactory(patient=patient, date=ago(10)), lesion=t11.lesion)
    LesionFactory(exam=ExamFactory(patient=patient, date=ago(60)), site="rib", rib_number=4, side="left")
    femur = LesionFactory(exam=ExamFactory(patient=patient, date=ago(60)), site="femur_shaft", side="right")
    resect(patient, femur, days=30)
    record = record_of(clinician, patient)
    assert [lesion.site for lesion in reading.current_lesions(record)] == ["vertebra", "rib"]
    assert len(reading.distinct_lesions(record)) == 2
    assert len(reading.distinct_lesions(record, spinal=True)) == 1
    assert len(reading.distinct_lesions(record, spinal=False)) == 1
    # Facts and prefill read the same count.
    assert patient_facts(record)["bone_sites_count"] == 2
    tokuhashi = prefill("tokuhashi", record)
    assert (tokuhashi["vertebral_body_metastases"].value, tokuhashi["extraspinal_bone_metastases"].value) == (
        1,
        1,
    )
    assert prefill("tomita", record)["bone_metastases"].value == "multiple"


def test_a_resected_lesion_seen_again_is_a_recurrence(clinician, patient):
    femur = LesionFactory(exam=ExamFactory(patient=patient, date=ago(90)), site="femur_shaft", side="right")
    resect(patient, femur, days=60)
    LesionFactory(exam=ExamFactory(patient=patient, date=ago(5)), lesion=femur.lesion)
    assert len(reading.current_lesions(record_of(clinician, patient))) == 1


def test_distant_nodes_and_skin_are_not_visceral(clinician, patient):
    SiteFactory(patient=patient, organ="nodes")
    SiteFactory(patient=patient, organ="skin")
    assert reading.visceral_sites(record_of(clinician, patient)) == []
    SiteFactory(patient=patient, organ="liver")
    assert [s.organ for s in reading.visceral_sites(record_of(clinician, patient))] == ["liver"]


@pytest.mark.parametrize(
    ("observed", "saved_grade", "expected"),
    [
        ({}, None, None),  # nothing recorded: unknown
        ({"cord_compression": False}, None, False),
        ({"cord_compression": True}, None, True),
        ({"bilsky": "3", "cord_compression": False}, None, True),  # a high grade is compression
        ({"bilsky": "1a"}, None, None),
        ({}, "2", True),  # a saved Bilsky grade when the imaging grades none
    ],
)
def test_cord_compression_of_a_lesion(clinician, patient, observed, saved_grade, expected):
    exam = ExamFactory(patient=patient, modality="spine_mri")
    observation = LesionFactory(exam=exam, vertebral_level="T6", **observed)
    if saved_grade:
        result = registry.get("bilsky").compute(grade=saved_grade)
        m.ScoreAssessment.objects.record(result, patient=patient, lesion=observation.lesion)
    record = record_of(clinician, patient)
    [lesion] = record.lesions
    assert reading.cord_compression(record, lesion) is expected
    assert reading.bilsky_grade(record, lesion) == (observed.get("bilsky") or saved_grade)


def test_cord_compression_events_newest_first(clinician, patient):
    EventFactory(patient=patient, kind="cord_compression", date=ago(100))
    EventFactory(patient=patient, kind="pathological_fracture", date=ago(2))
    EventFactory(patient=patient, kind="cord_compression", date=ago(3))
    events = reading.cord_compression_events(record_of(clinician, patient))
    assert [e.date for e in events] == [ago(3), ago(100)]


def test_the_current_bone_agent_is_the_newest_not_ended(clinician, patient):
    bma = {"category": "bma", "systemic_class": "", "name": ""}
    TreatmentFactory(
        patient=patient, bone_agent="zoledronic_acid", start_date=ago(400), end_date=ago(200), **bma
    )
    assert reading.current_bone_agent(record_of(clinician, patient)) is None
    TreatmentFactory(patient=patient, bone_agent="denosumab", start_date=ago(100), **bma)
    current = reading.current_bone_agent(record_of(clinician, patient))
    assert current.bone_agent == "denosumab"
    assert patient_facts(record_of(clinician, patient))["bma_current"] == "denosumab"


@pytest.mark.parametrize(("ecog", "pair"), [(0, [90, 100]), (1, [70, 80]), (2, [50, 60]), (4, [10, 20])])
def test_karnofsky_pair_of_an_ecog_grade(ecog, pair):
    assert reading.karnofsky_pair(ecog) == pair
