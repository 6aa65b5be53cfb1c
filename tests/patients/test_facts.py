"""Facts built from the record for the rules version 2 (patients.facts), the findings a clinician expects
from the demo patients, and the 'what is missing' list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from patients import models as m
from patients.lesion_links import linked_lesions, named_levels
from patients.prefill import prefill
from patients.record import PatientRecord
from patients.services import link_treated_lesions
from rcp.accounts.models import User
from scoring import registry
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


def ago(days):
    return today() - timedelta(days=days)


def record_of(user, patient):
    with translation.override("en"):
        record = PatientRecord.load(user, patient.pk)
        record.facts, record.findings  # computed in English  # noqa: B018
    return record


def lesions_of(user, patient) -> dict:
    return {lesion["label"]: lesion for lesion in record_of(user, patient).facts["lesions"]}


def save_score(patient, slug, subject, inputs):
    result = registry.get(slug).compute(**inputs)
    tracked = getattr(subject, "lesion", subject)  # an observation's tracked lesion
    return m.ScoreAssessment.objects.record(result, patient=patient, lesion=tracked)


def treat(patient, lesions, outcomes=None, **fields):
    """A local treatment of `lesions` (observations or tracked lesions), linked through the service."""
    treatment = TreatmentFactory(patient=patient, systemic_class="", **fields)
    tracked = [getattr(lesion, "lesion", lesion) for lesion in lesions]
    link_treated_lesions(
        treatment=treatment,
        lesions=tracked,
        user=None,
        outcomes={t.pk: outcome for t, outcome in zip(tracked, outcomes or [], strict=False)},
    )
    return treatment


MIRELS_9 = {"site": "lower_limb", "pain": "functional", "lesion": "lytic", "size": "under_one_third"}
MIRELS_7 = {"site": "upper_limb", "pain": "moderate", "lesion": "lytic", "size": "under_one_third"}
SINS_14 = {
    "location": "junctional",
    "pain": "mechanical",
    "lesion": "lytic",
    "alignment": "deformity",
    "collapse": "over_50",
    "posterolateral": "unilateral",
}
SINS_8 = {**SINS_14, "alignment": "normal", "collapse": "none", "posterolateral": "none"}


@pytest.fixture
def demo():
    call_command("demo_data")
    return User.objects.get(username="chair")


def demo_record(user, hospital_id):
    return record_of(user, m.Patient.objects.get(hospital_id=hospital_id))


def rules(record):
    return [f.rule for f in record.findings]


def pairs(record):
    return [(f.rule, f.lesion) for f in record.findings]


# --- The demo patients -------------------------------------------------------------------------------------
def test_cord_compression_demo_patient_shows_mscc_emergency_first(demo):
    record = demo_record(demo, "DEMO-003")
    assert rules(record)[0] == "MSCC-EMERGENCY"
    assert {("BILSKY-HIGH", "T6"), ("SINS-SURGICAL-OPINION", "T6"), ("RADES-GROUP", None)} <= set(
        pairs(record)
    )
    assert record.facts["spinal_cord_compression"] is True
    assert record.facts["neurological_deficit"] is True  # Frankel C, deficit begun 4 days ago


def test_femoral_demo_patient_gets_prophylactic_fixation_of_that_femur(demo):
    record = demo_record(demo, "DEMO-002")
    (femur,) = record.facts["lesions"]
    assert femur["label"] == "Femur — trochanteric region (left)" and femur["mirels"] >= 9
    assert ("MIRELS-SURGERY", femur["label"]) in pairs(record)


def test_hypercalcaemia_demo_patient_gets_no_calcium_supplement(demo):
    record = demo_record(demo, "DEMO-005")
    assert record.facts["corrected_calcium"] == 3.45
    assert {"CA-HIGH", "BMA-START"} <= set(rules(record))
    assert "BMA-VITAMIN-D" not in rules(record)  # vitamin D deficient, but hypercalcaemic
    start = next(f for f in record.findings if f.rule == "BMA-START")
    assert "no calcium or vitamin D supplement while hypercalcaemic" in start.message


def test_renal_demo_patient_under_zoledronic_acid_gets_the_renal_warnings(demo):
    record = demo_record(demo, "DEMO-006")
    assert record.facts["bma_current"] == "zoledronic_acid"
    assert record.facts["creatinine_clearance"] < 30
    assert (record.facts["creatinine_baseline"], record.facts["creatinine_latest"]) == (118.0, 165.0)
    assert {"BMA-RENAL", "BMA-ZA-CREATININE"} <= set(rules(record))
    assert "BMA-START" not in rules(record)


def test_oligometastatic_demo_patient_is_offered_stereotactic_radiotherapy(demo):
    record = demo_record(demo, "DEMO-004")
    assert {"SBRT-OLIGO", "IMG-SINGLE-LESION", "BIOPSY"} <= set(rules(record))


def test_operated_demo_patient_is_reminded_of_radiotherapy_and_not_of_fixation(demo):
    record = demo_record(demo, "DEMO-008")
    (humerus,) = record.facts["lesions"]
    assert humerus["fractured"] is True and humerus["stabilised"] is True  # nailed 12 days ago
    assert ("POSTOP-RT", humerus["label"]) in pairs(record)
    assert not {"FRACTURE-FIXATION", "MIRELS-DISCUSS", "MIRELS-SURGERY"} & set(rules(record))


def test_bone_first_demo_patient_is_offered_a_biopsy_before_a_bone_modifying_agent(demo):
    record = demo_record(demo, "DEMO-011")
    assert "BIOPSY" in rules(record) and "BMA-START" not in rules(record)
    assert record.facts["lesions"][0]["region"] == "spine"  # S1: the sacrum is spine, as in SINS


def test_recently_irradiated_rib_contraindicates_stereotactic_radiotherapy(demo):
    record = demo_record(demo, "DEMO-012")
    contra = next(f for f in record.findings if f.rule == "SBRT-CONTRAINDICATED")
    assert "Rib 8 (left): radiotherapy on" in contra.message


def test_findings_are_ordered_urgent_first_on_every_demo_patient(demo):
    order = ["urgent", "warning", "recommendation", "info"]
    for patient in m.Patient.objects.filter(centre=demo.centre):
        levels = [order.index(f.level) for f in PatientRecord.load(demo, patient.pk).findings]
        assert levels == sorted(levels), patient


# --- Patient facts ------------------------------------------------------------------------------------------
def test_unknown_facts_stay_unknown(clinician, centre):
    patient = PatientFactory(centre=centre)
    facts = record_of(clinician, patient).facts
    for key in (
        "ecog",
        "corrected_calcium",
        "creatinine_clearance",
        "creatinine_latest",
        "bone_lesion_count",
        "lesions",
        "life_expectancy_months",
        "visceral_metastases",
        "neurological_deficit",
        "prior_radionuclide_therapy",
        "active_infection_or_sepsis",
        "uncontrolled_coagulopathy",
    ):
        assert key not in facts, key
    assert facts["bma_current"] == "none"
    assert facts["spinal_cord_compression"] is False  # no cord compression event recorded


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
        pain_mechanical=True,
        analgesia_failure=True,
        frankel="D2",
        motor_deficit_onset=ago(3),
        dental_exam=True,
    )
    exam = ExamFactory(patient=patient, modality="bone_scan", new_foci=True, date=ago(40))
    LesionFactory(exam=exam, vertebral_level="T11", bilsky="1b")
    LesionFactory(exam=exam, vertebral_level="T11", bilsky="2")  # same lesion entered twice: counts once
    LesionFactory(
        exam=exam, site="ilium", vertebral_level="", side="left", lesion_type="lytic", fracture=True
    )
    LabFactory(patient=patient, calcium=Decimal("2.10"), albumin=Decimal("40"))
    TreatmentFactory(
        patient=patient, category="bma", systemic_class="", bone_agent="denosumab", start_date=ago(800)
    )
    TreatmentFactory(patient=patient, start_date=ago(100))
    SiteFactory(patient=patient, organ="nodes")
    EventFactory(patient=patient, kind="cord_compression", date=ago(40))
    record = record_of(clinician, patient)
    facts = record.facts
    assert facts["ecog"] == 2
    assert facts["bmi"] == 17.3
    assert facts["bone_pain_nrs"] == 6 and facts["analgesia_failure"] is True
    assert "pain_mechanical" not in facts  # a patient's pain is not a lesion's (rules.md version 2)
    assert facts["bone_lesion_count"] == 2 and facts["bone_sites_count"] == 2
    assert facts["metastatic_sites_count"] == 3
    assert facts["visceral_metastases"] is False  # distant nodes are not visceral
    assert facts["spine_mri_done"] is False
    assert facts["lesions"] == [
        {
            "label": "T11",
            "region": "spine",
            "weight_bearing": False,
            "proximal_femur_or_pelvis": False,
            "bilsky": "2",
            "cord_compression": True,
        },
        {
            "label": "Pelvis — ilium (left)",
            "region": "pelvis",
            "weight_bearing": True,
            "proximal_femur_or_pelvis": True,
            "fractured": True,
        },
    ]
    assert facts["neurological_deficit"] is True
    # The compression event is 40 days old, but T11 compresses the cord (Bilsky 2) with a new deficit.
    assert facts["spinal_cord_compression"] is True
    assert facts["corrected_calcium"] == 2.10
    assert facts["bma_current"] == "denosumab" and facts["bma_start"] == ago(800)
    assert facts["last_dental_exam_date"] == ago(3)
    assert facts["new_foci_on_followup_scan"] is True
    assert facts["systemic_treatment_start"] == ago(100)
    assert facts["single_lesion_on_whole_body_imaging"] is False
    assert {
        ("MSCC-EMERGENCY", None),
        ("BILSKY-HIGH", "T11"),
        ("FRACTURE-FIXATION", "Pelvis — ilium (left)"),
        ("SURGERY-LOW-BMI", None),
        ("BMA-HYPOCALCAEMIA", None),
        ("BMA-REVIEW", None),
        ("IMG-FLARE", None),
        ("IMG-SPINE-MRI", None),
    } <= set(pairs(record))


def test_an_implausible_value_is_left_unknown_and_the_page_still_shows(client_for, clinician, centre):
    patient = PatientFactory(centre=centre, birth_date=today().replace(year=today().year - 125))
    AssessmentFactory(patient=patient, weight_kg=Decimal("250"), height_cm=100)  # BMI 250: a mistyped height
    LabFactory(patient=patient, calcium=Decimal("5.00"), albumin=Decimal("10"), creatinine=Decimal("20"))
    facts = record_of(clinician, patient).facts
    assert not {"age", "bmi", "corrected_calcium", "creatinine_clearance"} & set(facts)
    assert facts["ecog"] == 1 and facts["creatinine_latest"] == 20.0
    page = client_for(clinician).get(reverse("patients:detail", args=[patient.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("frankel", "assessed", "onset", "expected"),
    [
        pytest.param("C", 1, 4, True, id="frankel-C-onset-4-days"),
        pytest.param("A", 30, 30, True, id="assessed-and-begun-30-days-ago"),
        pytest.param("D1", 2, None, True, id="onset-unknown"),
        pytest.param("B", 2, 31, None, id="onset-31-days-ago-not-new"),
        pytest.param("C", 31, 31, None, id="assessed-31-days-ago"),
        pytest.param("E", 1, None, None, id="frankel-E-sphincter-not-recorded"),
        pytest.param("", 1, 2, None, id="onset-without-a-grade"),
    ],
)
def test_neurological_deficit_follows_the_definition_of_rules_md(
    clinician, patient, frankel, assessed, onset, expected
):
    AssessmentFactory(
        patient=patient,
        date=ago(assessed),
        frankel=frankel,
        motor_deficit_onset=ago(onset) if onset else None,
    )
    assert record_of(clinician, patient).facts.get("neurological_deficit") is expected


def test_the_newest_frankel_grade_is_the_current_state(clinician, patient):
    AssessmentFactory(patient=patient, date=ago(10), frankel="C", motor_deficit_onset=ago(12))
    AssessmentFactory(patient=patient, date=ago(2), frankel="E")  # recovered after decompression
    assert "neurological_deficit" not in record_of(clinician, patient).facts


@pytest.mark.parametrize(
    ("event_days", "bilsky", "frankel", "expected"),
    [
        pytest.param(30, "", "", True, id="event-30-days-ago"),
        pytest.param(31, "", "", False, id="event-31-days-ago"),
        pytest.param(None, "3", "C", True, id="compressing-lesion-with-deficit"),
        pytest.param(None, "3", "", None, id="compressing-lesion-deficit-unknown"),
        pytest.param(None, "1c", "C", False, id="deficit-without-compression"),
    ],
)
def test_spinal_cord_compression_now(clinician, patient, event_days, bilsky, frankel, expected):
    if event_days is not None:
        EventFactory(patient=patient, kind="cord_compression", date=ago(event_days))
    LesionFactory(
        exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="T6", bilsky=bilsky
    )
    if frankel:
        AssessmentFactory(patient=patient, frankel=frankel)
    assert record_of(clinician, patient).facts.get("spinal_cord_compression") is expected


@pytest.mark.parametrize(
    ("labs", "started", "baseline"),
    [
        pytest.param([(200, "70"), (100, "80"), (5, "130")], 100, 80.0, id="same-day-counts-as-before"),
        pytest.param([(200, "70"), (99, "80"), (5, "130")], 100, 70.0, id="last-value-before"),
        pytest.param([(90, "85"), (30, "90"), (5, "130")], 100, 85.0, id="none-before-first-value-under-it"),
    ],
)
def test_creatinine_baseline_under_zoledronic_acid(clinician, patient, labs, started, baseline):
    for days, creatinine in labs:
        LabFactory(patient=patient, date=ago(days), creatinine=Decimal(creatinine))
    TreatmentFactory(
        patient=patient,
        category="bma",
        systemic_class="",
        bone_agent="zoledronic_acid",
        start_date=ago(started),
    )
    facts = record_of(clinician, patient).facts
    assert (facts["creatinine_baseline"], facts["creatinine_latest"]) == (baseline, 130.0)


def test_no_creatinine_baseline_without_zoledronic_acid(clinician, patient):
    LabFactory(patient=patient, creatinine=Decimal("90"))
    TreatmentFactory(patient=patient, category="bma", systemic_class="", bone_agent="denosumab")
    facts = record_of(clinician, patient).facts
    assert facts["creatinine_latest"] == 90.0 and "creatinine_baseline" not in facts


# --- Lesion facts -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("site", "extra", "region", "weight_bearing", "proximal"),
    [
        ("vertebra", {"vertebral_level": "C2"}, "spine", False, False),
        ("vertebra", {"vertebral_level": "S3"}, "spine", False, False),
        ("coccyx", {}, "other", False, False),
        ("femur_head_neck", {"side": "left"}, "long_bone", True, True),
        ("femur_subtrochanteric", {"side": "left"}, "long_bone", True, True),
        ("femur_shaft", {"side": "left"}, "long_bone", True, False),
        ("tibia", {"side": "left"}, "long_bone", True, False),
        ("humerus_proximal", {"side": "left"}, "long_bone", False, False),
        ("radius_ulna", {"side": "left"}, "long_bone", False, False),
        ("acetabulum", {"side": "left"}, "pelvis", True, True),
        ("pubis", {"side": "left"}, "pelvis", True, True),
        ("rib", {"rib_number": 3, "side": "left"}, "rib", False, False),
        ("sternum", {}, "other", False, False),
        ("scapula", {"side": "left"}, "other", False, False),
        ("skull", {}, "other", False, False),
    ],
)
def test_each_site_has_its_region_of_rules_md(
    clinician, patient, site, extra, region, weight_bearing, proximal
):
    LesionFactory(exam=ExamFactory(patient=patient), site=site, **{"vertebral_level": "", **extra})
    (lesion,) = record_of(clinician, patient).facts["lesions"]
    assert (lesion["region"], lesion["weight_bearing"], lesion["proximal_femur_or_pelvis"]) == (
        region,
        weight_bearing,
        proximal,
    )


def test_a_lesion_seen_on_several_exams_reads_its_newest_observations(clinician, patient):
    old = ExamFactory(patient=patient, modality="spine_mri", date=ago(60))
    new = ExamFactory(patient=patient, modality="ct", date=ago(5))
    LesionFactory(exam=old, vertebral_level="L2", bilsky="2", fracture=False)
    LesionFactory(exam=new, vertebral_level="L2", bilsky="", fracture=True)  # CT: Bilsky not graded
    LesionFactory(exam=old, vertebral_level="T4", bilsky="3")
    LesionFactory(exam=new, vertebral_level="T4", bilsky="1a")  # regressed
    lesions = lesions_of(clinician, patient)
    assert list(lesions) == ["T4", "L2"]  # anatomical order, once each
    assert lesions["L2"]["bilsky"] == "2" and lesions["L2"]["fractured"] is True
    assert lesions["T4"]["bilsky"] == "1a" and "cord_compression" not in lesions["T4"]


def test_labels_are_unique(clinician, patient):
    exam = ExamFactory(patient=patient)
    LesionFactory(exam=exam, site="sternum", vertebral_level="", side="")
    LesionFactory(exam=exam, site="sternum", vertebral_level="", side="midline")
    assert list(lesions_of(clinician, patient)) == ["Sternum", "Sternum (2)"]


def test_lesion_scores_are_the_newest_saved_over_all_observations(clinician, patient):
    femur_then = LesionFactory(
        exam=ExamFactory(patient=patient, date=ago(60)), site="femur_shaft", vertebral_level="", side="right"
    )
    femur_now = LesionFactory(
        exam=ExamFactory(patient=patient, date=ago(5)), site="femur_shaft", vertebral_level="", side="right"
    )
    spine = LesionFactory(exam=femur_now.exam, vertebral_level="L1")
    save_score(patient, "mirels", femur_now, MIRELS_7)
    save_score(patient, "mirels", femur_then, MIRELS_9)  # saved last: the newest assessment
    save_score(patient, "sins", spine, SINS_14)
    save_score(patient, "sins", spine, SINS_8)
    save_score(patient, "bilsky", spine, {"grade": "3"})
    lesions = lesions_of(clinician, patient)
    assert lesions["Femur — shaft (right)"]["mirels"] == 9
    assert lesions["L1"]["sins"] == 8
    assert (
        lesions["L1"]["bilsky"] == "3" and lesions["L1"]["cord_compression"] is True
    )  # no graded observation


def test_two_lesions_have_their_own_pain_never_the_patients(clinician, patient):
    AssessmentFactory(patient=patient, pain_nrs=9, pain_mechanical=True, analgesia_failure=True)
    exam = ExamFactory(patient=patient, modality="spine_mri")
    painful = LesionFactory(exam=exam, vertebral_level="L2", bilsky="0").lesion
    quiet = LesionFactory(exam=exam, vertebral_level="T4", bilsky="0").lesion
    painful.pain_nrs, painful.pain_mechanical, painful.pain_date = 7, False, ago(3)
    painful.save()
    quiet.pain_nrs, quiet.pain_mechanical, quiet.pain_date = 1, False, ago(3)
    quiet.save()
    record = record_of(clinician, patient)
    lesions = {lesion["label"]: lesion for lesion in record.facts["lesions"]}
    assert (lesions["L2"]["pain_nrs"], lesions["L2"]["pain_mechanical"]) == (7, False)
    assert (lesions["T4"]["pain_nrs"], lesions["T4"]["pain_mechanical"]) == (1, False)
    assert ("CEMENTOPLASTY", "L2") in pairs(record) and ("CEMENTOPLASTY", "T4") not in pairs(record)
    # The SINS pain item is prefilled from each lesion's own pain.
    assert prefill("sins", record, record.lesions[1])["pain"].value == "occasional"  # L2, non-mechanical
    assert prefill("sins", record, record.lesions[0])["pain"].value == "occasional"  # T4, 1/10
    unknown = LesionFactory(exam=exam, vertebral_level="L4").lesion
    assert "pain" not in prefill("sins", record_of(clinician, patient), unknown)


def test_observed_spinal_facts_come_from_the_newest_observation(clinician, patient):
    old = ExamFactory(patient=patient, modality="spine_mri", date=ago(40))
    new = ExamFactory(patient=patient, modality="spine_mri", date=ago(4))
    LesionFactory(
        exam=old,
        vertebral_level="T9",
        canal_narrowing_over_25_percent=True,
        tumour_cord_distance_mm=Decimal("3.0"),
        cord_compression=False,
        soft_tissue_predominant=True,
    )
    LesionFactory(exam=new, vertebral_level="T9", tumour_cord_distance_mm=Decimal("6.5"))
    (lesion,) = record_of(clinician, patient).facts["lesions"]
    assert lesion["canal_narrowing_over_25_percent"] is True and lesion["tumour_cord_distance_mm"] == 6.5
    assert lesion["cord_compression"] is False and lesion["soft_tissue_predominant"] is True


@pytest.mark.parametrize(
    ("neuro", "expected"),
    [
        ({"frankel": "D", "motor_deficit_onset": None}, True),  # onset unknown is not "no deficit"
        ({"frankel": "E", "sensory_level": "T10", "motor_deficit_onset": None}, True),
        ({"frankel": "E", "sphincter_disturbance": True, "days_onset": 5}, True),
        ({"frankel": "C", "days_onset": 60}, None),  # an old deficit: history
        ({"frankel": "E", "sensory_level": "none", "sphincter_disturbance": False}, False),
        ({"frankel": "E"}, None),  # sensory and sphincter not examined: not a normal examination
        ({"frankel": "E", "sensory_level": "none"}, None),
    ],
)
def test_neurological_deficit_follows_rules_md(clinician, patient, neuro, expected):
    neuro = dict(neuro)
    days_onset = neuro.pop("days_onset", None)
    if days_onset is not None:
        neuro["motor_deficit_onset"] = ago(days_onset)
    AssessmentFactory(patient=patient, date=ago(2), **neuro)
    assert record_of(clinician, patient).facts.get("neurological_deficit") is expected


def test_patient_level_record_facts(clinician, patient):
    AssessmentFactory(patient=patient, active_infection_or_sepsis=True, uncontrolled_coagulopathy=False)
    TreatmentFactory(patient=patient, category="radionuclide", systemic_class="", name="radium-223",
                     start_date=ago(400))  # fmt: skip
    facts = record_of(clinician, patient).facts
    assert facts["active_infection_or_sepsis"] is True and facts["uncontrolled_coagulopathy"] is False
    assert facts["prior_radionuclide_therapy"] is True


# --- Treatments linked to lesions in the record -----------------------------------------------------------
def test_a_nailed_humerus_is_stabilised_and_gets_no_fixation_advice(clinician, patient):
    exam = ExamFactory(patient=patient, date=ago(30))
    right = LesionFactory(exam=exam, site="humerus_shaft", vertebral_level="", side="right", fracture=True)
    LesionFactory(exam=exam, site="humerus_shaft", vertebral_level="", side="left", fracture=True)
    treat(
        patient,
        [right],
        ["stabilised"],
        category="surgery",
        surgery_type="osteosynthesis",
        start_date=ago(12),
    )
    record = record_of(clinician, patient)
    lesions = {lesion["label"]: lesion for lesion in record.facts["lesions"]}
    right, left = lesions["Humerus — shaft (right)"], lesions["Humerus — shaft (left)"]
    assert (
        right["stabilised"] is True
        and right["surgery_date"] == ago(12)
        and right["rt_after_surgery"] is False
    )
    assert "stabilised" not in left and "surgery_date" not in left
    assert {("POSTOP-RT", "Humerus — shaft (right)"), ("FRACTURE-FIXATION", "Humerus — shaft (left)")} <= set(
        pairs(record)
    )
    assert ("FRACTURE-FIXATION", "Humerus — shaft (right)") not in pairs(record)
    assert not [
        rule for rule, label in pairs(record) if rule.startswith("MIRELS") and "right" in (label or "")
    ]


def test_radiotherapy_after_surgery_and_the_last_course_per_lesion(clinician, patient):
    exam = ExamFactory(patient=patient, modality="spine_mri", date=ago(90))
    rows = {level: LesionFactory(exam=exam, vertebral_level=level) for level in ("T10", "T11", "T12", "L3")}
    treat(
        patient, [rows["T10"], rows["T11"], rows["T12"]], ["stabilised"] * 3,
        category="surgery", surgery_type="stabilisation", start_date=ago(40),
    )  # fmt: skip
    treat(
        patient, [rows["T11"]], category="radiotherapy", rt_dose_gy=Decimal("30"), rt_fractions=10,
        start_date=ago(20),
    )  # fmt: skip
    lesions = lesions_of(clinician, patient)
    assert lesions["T10"]["stabilised"] and lesions["T12"]["stabilised"] and "stabilised" not in lesions["L3"]
    assert lesions["T11"]["rt_after_surgery"] is True and lesions["T11"]["last_rt_date"] == ago(20)
    assert lesions["T10"]["rt_after_surgery"] is False and "last_rt_date" not in lesions["T10"]


@pytest.mark.parametrize(("days", "contraindicated"), [(90, True), (91, False)])
def test_a_lesion_irradiated_90_or_91_days_ago(clinician, patient, days, contraindicated):
    rib = LesionFactory(exam=ExamFactory(patient=patient, date=ago(120)), site="rib", vertebral_level="",
                        rib_number=8, side="left")  # fmt: skip
    AssessmentFactory(patient=patient, disease_status="stable")
    treat(
        patient,
        [rib],
        category="radiotherapy",
        rt_dose_gy=Decimal("30"),
        rt_fractions=10,
        start_date=ago(days),
    )
    record = record_of(clinician, patient)
    assert record.facts["lesions"][0]["last_rt_date"] == ago(days)
    assert ("SBRT-CONTRAINDICATED" in rules(record)) is contraindicated
    assert ("SBRT-OLIGO" in rules(record)) is not contraindicated


def test_a_treatment_linked_to_no_lesion_changes_no_lesion(clinician, patient):
    exam = ExamFactory(patient=patient)
    LesionFactory(exam=exam, site="femur_shaft", vertebral_level="", side="left")
    LesionFactory(exam=exam, vertebral_level="L1")
    TreatmentFactory(
        patient=patient, category="surgery", systemic_class="", surgery_type="osteosynthesis",
        target="fémur gauche", start_date=ago(10),
    )  # fmt: skip
    for lesion in record_of(clinician, patient).facts["lesions"]:
        assert not {"stabilised", "surgery_date", "last_rt_date"} & set(lesion), lesion["label"]


def test_a_resected_lesion_is_not_listed_until_seen_again(clinician, patient):
    femur = LesionFactory(
        exam=ExamFactory(patient=patient, date=ago(60)),
        site="femur_head_neck",
        vertebral_level="",
        side="right",
    )
    LesionFactory(exam=ExamFactory(patient=patient, date=ago(60)), vertebral_level="L1")
    treat(
        patient, [femur], ["resected"], category="surgery", surgery_type="resection_reconstruction",
        start_date=ago(30),
    )  # fmt: skip
    assert m.TrackedLesion.objects.get(pk=femur.lesion_id).status == "resected"
    facts = record_of(clinician, patient).facts
    assert [lesion["label"] for lesion in facts["lesions"]] == ["L1"] and facts["bone_lesion_count"] == 1
    LesionFactory(exam=ExamFactory(patient=patient, date=ago(2)), lesion=femur.lesion)
    assert len(record_of(clinician, patient).facts["lesions"]) == 2  # a local recurrence


@pytest.mark.parametrize(
    ("target", "levels"),
    [
        ("T9", {"T9"}),
        ("t 9 ", {"T9"}),
        ("T11-L1", {"T11", "T12", "L1"}),
        ("L3 – L1", {"L1", "L2", "L3"}),
        ("C7 à T1", {"C7", "T1"}),
        ("T13", set()),
        ("8e côte gauche", set()),
        ("right femur", set()),
    ],
)
def test_named_levels(target, levels):
    assert named_levels(target) == levels


def test_linked_lesions_need_one_fitting_lesion():
    class Lesion:
        def __init__(self, site, side="", rib_number=None, vertebral_level=""):
            self.site, self.side, self.rib_number, self.vertebral_level = (
                site,
                side,
                rib_number,
                vertebral_level,
            )

    rib8, rib9 = Lesion("rib", "left", 8), Lesion("rib", "left", 9)
    sacrum, femur = Lesion("vertebra", vertebral_level="S1"), Lesion("femur_shaft", "right")
    lesions = [rib8, rib9, sacrum, femur]
    assert linked_lesions("8e côte gauche", lesions) == [rib8]
    assert linked_lesions("rib 9 (left)", lesions) == [rib9]
    assert linked_lesions("côte gauche", lesions) == []  # two left ribs: ambiguous
    assert linked_lesions("Sacrum", lesions) == [sacrum]
    assert linked_lesions("FÉMUR", lesions) == [femur]
    assert linked_lesions("fémur gauche", lesions) == []
    assert linked_lesions("bassin", lesions) == []


# --- The patient page ---------------------------------------------------------------------------------------
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


def test_a_score_saved_on_an_earlier_observation_is_not_missing(clinician, patient):
    old = LesionFactory(exam=ExamFactory(patient=patient, date=ago(60)), vertebral_level="L2")
    LesionFactory(exam=ExamFactory(patient=patient, date=ago(5)), vertebral_level="L2")
    save_score(patient, "sins", old, SINS_8)
    with translation.override("en"):
        record = PatientRecord.load(clinician, patient.pk)
        assert not [item for item in record.missing if "SINS" in item.message]


def test_urgent_findings_are_shown_first_as_an_alert(client_for, clinician, centre):
    patient = PatientFactory(centre=centre)
    LabFactory(patient=patient, calcium=Decimal("3.60"), albumin=Decimal("40"))
    EventFactory(patient=patient, kind="cord_compression", date=today())
    page = client_for(clinician).get(reverse("patients:detail", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    urgent = text.index("finding-urgent")
    assert 'role="alert"' in text[urgent - 200 : urgent + 200]
    assert text.index('data-rule="MSCC-EMERGENCY"') < text.index('data-rule="CA-CRISIS"')
    assert "3.6" in text[urgent:]


def test_each_finding_shows_its_lesion(client_for, clinician, patient):
    lesion = LesionFactory(
        exam=ExamFactory(patient=patient), site="femur_shaft", vertebral_level="", side="left"
    )
    save_score(patient, "mirels", lesion, MIRELS_9)
    page = client_for(clinician).get(reverse("patients:detail", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    item = text[text.index('data-rule="MIRELS-SURGERY"') :]
    item = item[: item.index("</li>")]
    assert 'data-lesion="Femur — shaft (left)"' in item and 'class="finding-lesion' in item


def test_patient_page_with_findings_keeps_a_constant_query_count(
    django_assert_max_num_queries, client_for, demo
):
    client = client_for(demo)
    counts = set()
    for hospital_id in ("DEMO-001", "DEMO-003", "DEMO-008", "DEMO-009"):
        patient = m.Patient.objects.get(hospital_id=hospital_id)
        # 15, the access log's insert, the tracked lesions, their observations and their treatment links
        with django_assert_max_num_queries(19) as queries:
            client.get(reverse("patients:detail", args=[patient.pk]))
        counts.add(len(queries))
    assert len(counts) == 1  # the same, whatever the number of lesions, treatments and findings
