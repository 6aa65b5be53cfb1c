from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from patients import models as m
from patients.tnm import stage
from patients.validators import validate_ins
from tests.factories import (
    AssessmentFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PatientFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("t", "n", "mm", "expected"),
    [
        ("T1a", "N0", "M0", "IA1"),
        ("T1c", "N0", "M0", "IA3"),
        ("T2a", "N0", "M0", "IB"),
        ("T2b", "N0", "M0", "IIA"),
        ("T1b", "N1", "M0", "IIB"),
        ("T3", "N1", "M0", "IIIA"),
        ("T4", "N2", "M0", "IIIB"),
        ("T3", "N3", "M0", "IIIC"),
        ("T2a", "N1", "M1a", "IVA"),
        ("TX", "NX", "M1b", "IVA"),
        ("T1a", "N0", "M1c", "IVB"),
        ("TX", "N0", "M0", ""),
        ("", "", "", ""),
    ],
)
def test_stage_is_computed_from_tnm_8th_edition(t, n, mm, expected):
    assert stage(t, n, mm) == expected


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("255081416802538", True),  # key 97 - (2550814168025 mod 97) = 38
        ("255081416802539", False),  # wrong key
        ("2550814168025", False),  # too short
        ("355081416802538", False),  # sex digit must be 1 or 2
        ("17503" + "2A" + "01234500", False),  # Corsican number with a wrong key
    ],
)
def test_ins_is_checked_with_its_key(value, valid):
    if valid:
        validate_ins(value)
    else:
        with pytest.raises(ValidationError):
            validate_ins(value)


def test_corsican_ins_key_counts_2a_as_19():
    body = "17503" + "2A" + "012345"  # born in Corse-du-Sud
    assert len(body) == 13
    key = 97 - int(body.replace("2A", "19")) % 97
    validate_ins(f"{body}{key:02d}")


def test_hospital_id_is_unique_per_centre_but_not_across_centres(centre, other_centre):
    PatientFactory(centre=centre, hospital_id="X1")
    PatientFactory(centre=other_centre, hospital_id="X1")
    with pytest.raises(IntegrityError):
        PatientFactory(centre=centre, hospital_id="X1")


def test_age_counts_birthdays():
    patient = PatientFactory.build(birth_date=date(1960, 6, 15))
    assert patient.age_on(date(2026, 6, 14)) == 65
    assert patient.age_on(date(2026, 6, 15)) == 66


def test_corrected_calcium_and_status_are_computed_from_the_lab():
    lab = LabFactory.build(calcium=Decimal("3.20"), albumin=Decimal("30.0"))
    assert lab.corrected_calcium == 3.45
    assert lab.calcium_status == "moderate"
    assert LabFactory.build(calcium=Decimal("2.40"), albumin=None).corrected_calcium is None


def test_creatinine_clearance_uses_age_at_the_sample_and_sex():
    patient = PatientFactory(birth_date=date(1950, 1, 1), sex="male")
    lab = LabFactory(patient=patient, date=date(2020, 1, 1), creatinine=Decimal("88.4"))
    # (140 - 70) × 70 / (72 × 1.0) = 68.06 mL/min
    assert lab.creatinine_clearance(Decimal("70")) == pytest.approx(68.06, abs=0.01)
    assert lab.creatinine_clearance(None) is None


def test_lab_needs_at_least_one_value():
    lab = m.LabResult(patient=PatientFactory(), date=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="au moins une valeur|at least one value"):
        lab.full_clean()


def test_ecog_is_converted_from_karnofsky_only_for_display():
    assessment = AssessmentFactory.build(ecog=None, karnofsky=60)
    assert assessment.ecog_value == 2
    assert assessment.ecog is None


def test_assessment_accepts_both_performance_scales_when_they_agree():
    AssessmentFactory.build(patient=PatientFactory(), ecog=1, karnofsky=80).full_clean()
    AssessmentFactory.build(patient=PatientFactory(), ecog=1, karnofsky=70).full_clean()


def test_assessment_refuses_performance_scales_that_disagree():
    assessment = AssessmentFactory.build(patient=PatientFactory(), ecog=2, karnofsky=80)
    with pytest.raises(ValidationError) as error:
        assessment.full_clean()
    assert "karnofsky" in error.value.message_dict


def test_database_refuses_performance_scales_that_disagree():
    AssessmentFactory(ecog=1, karnofsky=80)
    with pytest.raises(IntegrityError):
        AssessmentFactory(ecog=2, karnofsky=80)


def test_vertebral_level_only_on_a_spinal_site_is_a_database_constraint():
    with pytest.raises(IntegrityError):
        LesionFactory(site="femur_shaft", vertebral_level="T11", side="left")


def test_vertebra_without_level_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        LesionFactory(site="vertebra", vertebral_level="")


def test_lesion_validation_names_the_wrong_fields():
    tracked = m.TrackedLesion(site="femur_shaft", vertebral_level="L2", side="")
    with pytest.raises(ValidationError) as error:
        tracked.clean()
    assert set(error.value.message_dict) == {"vertebral_level", "side"}
    observation = m.LesionObservation(
        lesion=m.TrackedLesion(site="femur_shaft", side="left"), collapse="over_50"
    )
    observation.exam = ExamFactory.build(patient=PatientFactory())
    observation.lesion.patient = observation.exam.patient
    with pytest.raises(ValidationError) as error:
        observation.clean()
    assert set(error.value.message_dict) == {"collapse"}


def test_bilsky_is_graded_on_mri_only():
    exam = ExamFactory(modality="ct")
    observation = m.LesionObservation(exam=exam, lesion=m.TrackedLesion(patient=exam.patient, site="vertebra",
                                      vertebral_level="T4"), bilsky="2")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        observation.clean()
    assert set(error.value.message_dict) == {"bilsky"}


def test_rib_needs_its_number():
    lesion = m.TrackedLesion(site="rib", vertebral_level="", side="left", rib_number=None)
    with pytest.raises(ValidationError) as error:
        lesion.clean()
    assert "rib_number" in error.value.message_dict


def test_lesion_site_label():
    assert m.TrackedLesion(site="vertebra", vertebral_level="T11").site_label == "T11"
    rib = m.TrackedLesion(site="rib", vertebral_level="", rib_number=6, side="left")
    assert "6" in rib.site_label


def test_treatment_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        TreatmentFactory(start_date=date(2025, 5, 1), end_date=date(2025, 4, 1))


def test_radiotherapy_needs_dose_and_fractions_and_refuses_foreign_details():
    treatment = TreatmentFactory.build(
        patient=PatientFactory(), category="radiotherapy", systemic_class="targeted", rt_dose_gy=None
    )
    with pytest.raises(ValidationError) as error:
        treatment.clean()
    assert {"rt_dose_gy", "rt_fractions", "systemic_class"} <= set(error.value.message_dict)


def test_treatment_summary_for_radiotherapy():
    treatment = TreatmentFactory.build(
        category="radiotherapy",
        systemic_class="",
        name="",
        rt_dose_gy=Decimal("20.0"),
        rt_fractions=5,
        target="T9",
    )
    assert "20 Gy / 5 fr" in treatment.summary
    assert "T9" in treatment.summary
