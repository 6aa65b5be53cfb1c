"""The guideline rules engine (scoring.rules) against ../shared/clinical/rules.md, version 2.

Table-driven: each rule fires on its trigger and stays silent just past each boundary, and on an
unknown deciding fact (unknown is never read as "no", except the facts rules.md says the record holds
in full); lesion rules give one finding per lesion, naming it; findings are ordered by level, rules
table, then lesions; bad facts raise ScoreInputError naming the key; messages quote the figures.
Messages are checked in English (conftest.py), whatever the project's default language.
"""

import dataclasses
import datetime
import json
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation

from scoring import thresholds
from scoring.base import ScoreInputError
from scoring.rules import (
    FACT_SPECS,
    LESION_FACT_SPECS,
    LEVELS,
    RULE_IDS,
    RULES,
    Finding,
    ablation_exclusions,
    evaluate,
)

TODAY = datetime.date(2025, 6, 15)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def ago(n: int) -> datetime.date:
    return TODAY - days(n)


def run(facts: dict, language: str = "en") -> list[Finding]:
    with translation.override(language):
        return evaluate({"today": TODAY, **facts})


def fired(facts: dict) -> list[str]:
    return [finding.rule for finding in run(facts)]


def finding(rule: str, facts: dict, language: str = "en") -> Finding:
    matches = [f for f in run(facts, language) if f.rule == rule]
    assert matches, f"{rule} did not fire on {facts}"
    return matches[0]


# Lesions as a test names them: `femur(mirels=9)` is {"lesions": [the left femur, with Mirels 9]}.
FEMUR = {"label": "Left femur", "region": "long_bone", "weight_bearing": True}
HUMERUS = {"label": "Right humerus", "region": "long_bone", "weight_bearing": False}
T8 = {"label": "T8", "region": "spine"}
ILIUM = {"label": "Right ilium", "region": "pelvis", "weight_bearing": True, "proximal_femur_or_pelvis": True}
RIB = {"label": "Rib 6 (left)", "region": "rib"}


def femur(**facts) -> dict:
    return {"lesions": [{**FEMUR, **facts}]}


def spine(**facts) -> dict:
    return {"lesions": [{**T8, **facts}]}


def ilium(**facts) -> dict:
    return {"lesions": [{**ILIUM, **facts}]}


# --- The rules table of rules.md: ids, order, levels and what each reads --------------------------------
RULES_MD = [
    ("MSCC-EMERGENCY", "urgent", "patient"),
    ("MSCC-SUSPECTED", "urgent", "patient"),
    ("CA-CRISIS", "urgent", "patient"),
    ("CA-HIGH", "warning", "patient"),
    ("FRACTURE-FIXATION", "warning", "lesion"),
    ("MIRELS-SURGERY", "warning", "lesion"),
    ("SINS-SURGICAL-OPINION", "warning", "lesion"),
    ("BILSKY-HIGH", "warning", "lesion"),
    ("SURGERY-LOW-BMI", "warning", "patient"),
    ("BMA-DENTAL", "warning", "patient"),
    ("BMA-RENAL", "warning", "patient"),
    ("BMA-DENOSUMAB-RENAL", "warning", "patient"),
    ("BMA-ZA-CREATININE", "warning", "patient"),
    ("BMA-HYPOCALCAEMIA", "warning", "patient"),
    ("IMG-SINGLE-LESION", "warning", "patient"),
    ("IMG-GCSF", "warning", "patient"),
    ("IMG-FLARE", "warning", "patient"),
    ("RADES-GROUP", "recommendation", "patient"),
    ("MIRELS-DISCUSS", "recommendation", "lesion"),
    ("PERCUTANEOUS-SCREW", "recommendation", "lesion"),
    ("SURGERY-LIFE-EXPECTANCY", "recommendation", "patient"),
    ("POSTOP-RT", "recommendation", "lesion"),
    ("SBRT-OLIGO", "recommendation", "patient"),
    ("CEMENTOPLASTY", "recommendation", "lesion"),
    ("BMA-START", "recommendation", "patient"),
    ("BMA-VITAMIN-D", "recommendation", "patient"),
    ("IMG-SPINE-MRI", "recommendation", "patient"),
    ("BIOPSY", "recommendation", "patient"),
    ("SBRT-CONTRAINDICATED", "info", "patient"),
    ("MIRELS-RT", "info", "lesion"),
    ("CEMENTOPLASTY-CONTRAINDICATED", "info", "lesion"),
    ("ABLATION", "info", "lesion"),
    ("SURGERY-CONTRAINDICATED", "info", "patient"),
    ("SURGERY-FUNCTIONAL-PROGNOSIS", "info", "patient"),
    ("TOKUHASHI-STRATEGY", "info", "patient"),
    ("TOMITA-STRATEGY", "info", "patient"),
    ("RT-PAIN-SCHEME", "info", "patient"),
    ("LOCAL-TREATMENT", "info", "patient"),
    ("BMA-REVIEW", "info", "patient"),
]

PATIENT_FACTS_MD = [
    "today",
    "age",
    "bmi",
    "ecog",
    "asa",
    "life_expectancy_months",
    "bone_lesion_count",
    "bone_sites_count",
    "visceral_metastases",
    "metastatic_sites_count",
    "disease_status",
    "spinal_cord_compression",
    "neurological_deficit",
    "spine_mri_done",
    "single_lesion_on_whole_body_imaging",
    "bone_first_presentation",
    "last_gcsf_date",
    "last_fdg_pet_date",
    "systemic_treatment_start",
    "followup_scan_date",
    "new_foci_on_followup_scan",
    "bma_current",
    "bma_start",
    "last_dental_exam_date",
    "creatinine_clearance",
    "creatinine_baseline",
    "creatinine_latest",
    "corrected_calcium",
    "vitamin_d_deficient",
    "rades_group",
    "tokuhashi",
    "tomita",
    "bone_pain_nrs",
    "analgesia_failure",
    "prior_radionuclide_therapy",
    "active_infection_or_sepsis",
    "uncontrolled_coagulopathy",
]

LESION_FACTS_MD = [
    "label",
    "region",
    "weight_bearing",
    "proximal_femur_or_pelvis",
    "mirels",
    "sins",
    "bilsky",
    "cord_compression",
    "pain_nrs",
    "pain_mechanical",
    "fractured",
    "stabilised",
    "surgery_date",
    "rt_after_surgery",
    "last_rt_date",
    "canal_narrowing_over_25_percent",
    "tumour_cord_distance_mm",
    "soft_tissue_predominant",
]


def test_rules_follow_the_table_of_rules_md():
    assert list(RULE_IDS) == [rule for rule, _, _ in RULES_MD]
    assert [(rule.id, rule.level, rule.per) for rule in RULES] == RULES_MD


def test_one_spec_per_fact_of_rules_md():
    assert list(FACT_SPECS) == PATIENT_FACTS_MD
    assert list(LESION_FACT_SPECS) == LESION_FACTS_MD


def test_version_1_rules_and_facts_are_gone():
    assert "IMG-NO-BONE-SCAN" not in RULE_IDS
    for key in ("max_mirels", "max_sins", "max_bilsky", "vertebral_involvement", "fdg_pet_done"):
        assert key not in FACT_SPECS
    assert run({"max_mirels": 12, "vertebral_involvement": True, "bone_scan_requested": True}) == []


def test_sources_are_readable_citations():
    sources = {rule.id: rule.source for rule in RULES}
    for rule, source in sources.items():
        assert source and "`" not in source, rule
        for code in ("000", "001", "003", "004"):
            assert code not in source.split(), rule
    assert sources["MIRELS-SURGERY"] == "OncoBFC/NEON/ONCORIF 2021 §3.5.2; §3.7"
    assert sources["MSCC-EMERGENCY"] == (
        "Literature digest 2026 item 1; OncoBFC/NEON/ONCORIF 2021 §3.5.3; §3.8"
    )
    assert sources["BILSKY-HIGH"] == "Chinese expert consensus on bone metastasis in lung cancer 2022 fig. 3"
    assert sources["CA-CRISIS"] == (
        "Regional thoracic-oncology guideline, bone metastases: general context §4; Chinese expert "
        "consensus on bone metastasis in lung cancer 2022 §6.3; Zoledronic acid product label; "
        "Denosumab product label"
    )
    assert sources["BMA-DENOSUMAB-RENAL"] == "Denosumab product label"
    assert sources["SURGERY-LOW-BMI"] == "Literature digest 2026 item 8"
    assert sources["BMA-START"] == (
        "OncoBFC/NEON/ONCORIF 2021 §3.4; Chinese expert consensus on bone metastasis in lung cancer 2022 "
        "table 1; §6.3"
    )


def test_sources_are_named_in_french_in_the_french_interface():
    with translation.override("fr"):
        sources = {rule.id: rule.source for rule in RULES}
    assert (
        sources["MSCC-EMERGENCY"]
        == "Revue de la littérature 2026 point 1 ; OncoBFC/NEON/ONCORIF 2021 §3.5.3 ; §3.8"
    )
    assert sources["BMA-HYPOCALCAEMIA"] == (
        "Consensus d’experts chinois sur les métastases osseuses du cancer du poumon 2022 tableau 1"
    )
    assert "Résumé des caractéristiques du produit (dénosumab)" in sources["BMA-DENOSUMAB-RENAL"]
    assert finding("BILSKY-HIGH", spine(bilsky="3"), "fr").source == (
        "Consensus d’experts chinois sur les métastases osseuses du cancer du poumon 2022 fig. 3"
    )


# --- Each rule: fires on its trigger, silent past each boundary and on an unknown deciding fact ------------
OLIGO = {"bone_sites_count": 2, "visceral_metastases": False, "disease_status": "stable"}
ZA = {"bma_current": "zoledronic_acid"}
RECOMMENDED = {"bone_lesion_count": 1, "bma_current": "none"}  # BMA-START fires: an agent is recommended
PAINFUL = {"analgesia_failure": True}  # with a lesion's pain_nrs ≥ 4: CEMENTOPLASTY's trigger
GCSF = {"last_gcsf_date": TODAY}
FLARE = {"new_foci_on_followup_scan": True, "systemic_treatment_start": TODAY}


def za_creatinine(baseline, latest) -> dict:
    return {**ZA, "creatinine_baseline": baseline, "creatinine_latest": latest}


def case(rule: str, fires: bool, facts: dict, label: str):
    return pytest.param(rule, fires, facts, id=f"{rule}-{'fires' if fires else 'silent'}-{label}")


CASES = [
    # MSCC-EMERGENCY: spinal_cord_compression, or neurological_deficit and a spine lesion listed
    case("MSCC-EMERGENCY", True, {"spinal_cord_compression": True}, "compression"),
    case("MSCC-EMERGENCY", True, {"neurological_deficit": True, **spine()}, "deficit-spine-lesion"),
    case("MSCC-EMERGENCY", False, {"spinal_cord_compression": False}, "no-compression"),
    case("MSCC-EMERGENCY", False, {"neurological_deficit": True, **femur()}, "deficit-no-spine-lesion"),
    case("MSCC-EMERGENCY", False, {"neurological_deficit": False, **spine()}, "no-deficit"),
    case("MSCC-EMERGENCY", False, spine(), "deficit-unknown"),
    # MSCC-SUSPECTED: deficit, no spine lesion listed, compression not true (unknown counts as not true)
    case("MSCC-SUSPECTED", True, {"neurological_deficit": True}, "lesions-absent"),
    case("MSCC-SUSPECTED", True, {"neurological_deficit": True, "lesions": []}, "no-lesion"),
    case("MSCC-SUSPECTED", True, {"neurological_deficit": True, **femur()}, "femur-only"),
    case(
        "MSCC-SUSPECTED",
        True,
        {"neurological_deficit": True, "spinal_cord_compression": False},
        "compression-false",
    ),
    case("MSCC-SUSPECTED", False, {"neurological_deficit": True, **spine()}, "spine-lesion"),
    case(
        "MSCC-SUSPECTED",
        False,
        {"neurological_deficit": True, "spinal_cord_compression": True},
        "compression-true",
    ),
    case("MSCC-SUSPECTED", False, {"neurological_deficit": False}, "no-deficit"),
    case("MSCC-SUSPECTED", False, {}, "deficit-unknown"),
    # CA-CRISIS: > 3.50, on the value rounded half up to 2 decimals
    case("CA-CRISIS", True, {"corrected_calcium": 3.51}, "3.51"),
    case("CA-CRISIS", True, {"corrected_calcium": 3.505}, "3.505-rounds-up"),
    case("CA-CRISIS", False, {"corrected_calcium": 3.50}, "3.50"),
    case("CA-CRISIS", False, {"corrected_calcium": 3.504}, "3.504-rounds-down"),
    case("CA-CRISIS", False, {}, "unknown"),
    # CA-HIGH: 2.60 < calcium ≤ 3.50
    case("CA-HIGH", True, {"corrected_calcium": 2.61}, "2.61"),
    case("CA-HIGH", True, {"corrected_calcium": 2.605}, "2.605-rounds-up"),
    case("CA-HIGH", True, {"corrected_calcium": 3.50}, "3.50"),
    case("CA-HIGH", False, {"corrected_calcium": 2.60}, "2.60"),
    case("CA-HIGH", False, {"corrected_calcium": 2.6049}, "2.6049-rounds-down"),
    case("CA-HIGH", False, {"corrected_calcium": 3.51}, "crisis-instead"),
    # FRACTURE-FIXATION: fractured long bone or pelvis, not stabilised (absent = not stabilised)
    case("FRACTURE-FIXATION", True, femur(fractured=True), "femur"),
    case("FRACTURE-FIXATION", True, ilium(fractured=True, stabilised=False), "pelvis"),
    case("FRACTURE-FIXATION", False, femur(fractured=True, stabilised=True), "stabilised"),
    case("FRACTURE-FIXATION", False, spine(fractured=True), "spine"),
    case("FRACTURE-FIXATION", False, {"lesions": [{**RIB, "fractured": True}]}, "rib"),
    case("FRACTURE-FIXATION", False, femur(fractured=False), "not-fractured"),
    case("FRACTURE-FIXATION", False, femur(), "fracture-absent-means-none"),
    # Mirels ≤ 7 / = 8 / ≥ 9, never on a fractured or stabilised bone
    case("MIRELS-SURGERY", True, femur(mirels=9), "9"),
    case("MIRELS-SURGERY", True, femur(mirels=12), "12"),
    case("MIRELS-SURGERY", False, femur(mirels=8), "8"),
    case("MIRELS-SURGERY", False, femur(mirels=9, fractured=True), "fractured"),
    case("MIRELS-SURGERY", False, femur(mirels=9, stabilised=True), "stabilised"),
    case("MIRELS-SURGERY", False, femur(), "mirels-unknown"),
    case("MIRELS-DISCUSS", True, femur(mirels=8), "8"),
    case("MIRELS-DISCUSS", False, femur(mirels=7), "7"),
    case("MIRELS-DISCUSS", False, femur(mirels=9), "9"),
    case("MIRELS-DISCUSS", False, femur(mirels=8, fractured=True), "fractured"),
    case("MIRELS-DISCUSS", False, femur(mirels=8, stabilised=True), "stabilised"),
    case("MIRELS-RT", True, femur(mirels=4), "4"),
    case("MIRELS-RT", True, femur(mirels=7), "7"),
    case("MIRELS-RT", False, femur(mirels=8), "8"),
    case("MIRELS-RT", False, femur(mirels=7, fractured=True), "fractured"),
    case("MIRELS-RT", False, femur(mirels=7, stabilised=True), "stabilised"),
    # SINS-SURGICAL-OPINION: ≥ 7, not stabilised
    case("SINS-SURGICAL-OPINION", True, spine(sins=7), "7"),
    case("SINS-SURGICAL-OPINION", True, spine(sins=12), "12"),
    case("SINS-SURGICAL-OPINION", True, spine(sins=13), "13"),
    case("SINS-SURGICAL-OPINION", True, spine(sins=18), "18"),
    case("SINS-SURGICAL-OPINION", False, spine(sins=6), "6"),
    case("SINS-SURGICAL-OPINION", False, spine(sins=13, stabilised=True), "stabilised"),
    case("SINS-SURGICAL-OPINION", False, spine(), "sins-unknown"),
    # BILSKY-HIGH: 2 or 3
    case("BILSKY-HIGH", True, spine(bilsky="2"), "2"),
    case("BILSKY-HIGH", True, spine(bilsky="3"), "3"),
    case("BILSKY-HIGH", False, spine(bilsky="1c"), "1c"),
    case("BILSKY-HIGH", False, spine(bilsky="0"), "0"),
    case("BILSKY-HIGH", False, spine(), "unknown"),
    # SURGERY-LOW-BMI: surgery on the table and BMI < 18.5
    case("SURGERY-LOW-BMI", True, {"bmi": 18.4, "spinal_cord_compression": True}, "18.4-mscc"),
    case("SURGERY-LOW-BMI", True, {"bmi": 18.4, **femur(mirels=8)}, "mirels-8"),
    case("SURGERY-LOW-BMI", True, {"bmi": 18.4, **spine(sins=7)}, "sins-7"),
    case("SURGERY-LOW-BMI", True, {"bmi": 18.4, **spine(bilsky="2")}, "bilsky-2"),
    case("SURGERY-LOW-BMI", True, {"bmi": 18.4, **spine(fractured=True)}, "fractured-spine"),
    case("SURGERY-LOW-BMI", False, {"bmi": 18.5, "spinal_cord_compression": True}, "18.5"),
    case("SURGERY-LOW-BMI", False, {"bmi": 17.0}, "nothing-on-the-table"),
    case("SURGERY-LOW-BMI", False, {"bmi": 17.0, **femur(mirels=7)}, "mirels-7"),
    case("SURGERY-LOW-BMI", False, {"bmi": 17.0, **spine(sins=6)}, "sins-6"),
    case("SURGERY-LOW-BMI", False, {"bmi": 17.0, **spine(bilsky="1c")}, "bilsky-1c"),
    case("SURGERY-LOW-BMI", False, {"bmi": 17.0, **femur(mirels=10, stabilised=True)}, "stabilised"),
    case("SURGERY-LOW-BMI", False, {"bmi": 17.0, "lesions": [{**RIB, "fractured": True}]}, "fractured-rib"),
    case("SURGERY-LOW-BMI", False, {"spinal_cord_compression": True}, "bmi-unknown"),
    # BMA-DENTAL: an agent current or recommended and no dental exam in the 182 days before today
    case("BMA-DENTAL", True, ZA, "za-no-exam"),
    case("BMA-DENTAL", True, {"bma_current": "denosumab", "last_dental_exam_date": ago(183)}, "183-days"),
    case("BMA-DENTAL", False, {"bma_current": "denosumab", "last_dental_exam_date": ago(182)}, "182-days"),
    case("BMA-DENTAL", False, {**ZA, "last_dental_exam_date": TODAY}, "exam-today"),
    case("BMA-DENTAL", True, RECOMMENDED, "recommended"),
    case("BMA-DENTAL", False, {"bone_lesion_count": 0, "bma_current": "none"}, "not-recommended"),
    case("BMA-DENTAL", False, {**RECOMMENDED, "life_expectancy_months": 3}, "not-recommended-le-3"),
    case("BMA-DENTAL", False, {**RECOMMENDED, "bone_first_presentation": True}, "awaiting-biopsy"),
    case("BMA-DENTAL", False, {"last_dental_exam_date": ago(400)}, "agent-unknown"),
    # BMA-RENAL: clearance < 60
    case("BMA-RENAL", True, {"creatinine_clearance": 59.99}, "59.99"),
    case("BMA-RENAL", True, {"creatinine_clearance": 29.99}, "29.99"),
    case("BMA-RENAL", True, {"creatinine_clearance": 0}, "0"),
    case("BMA-RENAL", False, {"creatinine_clearance": 60}, "60"),
    case("BMA-RENAL", False, {}, "unknown"),
    # BMA-DENOSUMAB-RENAL: denosumab and clearance < 30
    case("BMA-DENOSUMAB-RENAL", True, {"bma_current": "denosumab", "creatinine_clearance": 29.99}, "29.99"),
    case("BMA-DENOSUMAB-RENAL", False, {"bma_current": "denosumab", "creatinine_clearance": 30}, "30"),
    case("BMA-DENOSUMAB-RENAL", False, {**ZA, "creatinine_clearance": 20}, "zoledronic-acid"),
    case("BMA-DENOSUMAB-RENAL", False, {"creatinine_clearance": 20}, "agent-unknown"),
    case("BMA-DENOSUMAB-RENAL", False, {"bma_current": "denosumab"}, "clearance-unknown"),
    # BMA-ZA-CREATININE: rise ≥ 44.2 µmol/L from a baseline < 123.76, ≥ 88.4 from a baseline ≥ 123.76
    case("BMA-ZA-CREATININE", True, za_creatinine(123.75, 167.95), "baseline-123.75-rise-44.2"),
    case("BMA-ZA-CREATININE", False, za_creatinine(123.75, 167.94), "baseline-123.75-rise-44.19"),
    case("BMA-ZA-CREATININE", True, za_creatinine(80.0, 124.2), "rise-44.2"),
    case("BMA-ZA-CREATININE", True, za_creatinine(80.0, 124.195), "rise-44.195-rounds-up"),
    case("BMA-ZA-CREATININE", False, za_creatinine(80.0, 124.194), "rise-44.194-rounds-down"),
    case("BMA-ZA-CREATININE", True, za_creatinine(123.76, 212.16), "baseline-123.76-rise-88.4"),
    case("BMA-ZA-CREATININE", False, za_creatinine(123.76, 212.15), "baseline-123.76-rise-88.39"),
    case("BMA-ZA-CREATININE", False, za_creatinine(123.76, 167.96), "baseline-123.76-rise-44.2"),
    case(
        "BMA-ZA-CREATININE",
        False,
        {**za_creatinine(80.0, 200.0), "bma_current": "denosumab"},
        "denosumab",
    ),
    case("BMA-ZA-CREATININE", False, {**ZA, "creatinine_latest": 200.0}, "baseline-unknown"),
    case("BMA-ZA-CREATININE", False, {**ZA, "creatinine_baseline": 80.0}, "latest-unknown"),
    # BMA-HYPOCALCAEMIA: an agent current or recommended and calcium < 2.20
    case("BMA-HYPOCALCAEMIA", True, {**ZA, "corrected_calcium": 2.19}, "2.19"),
    case("BMA-HYPOCALCAEMIA", True, {**ZA, "corrected_calcium": 2.194}, "2.194-rounds-down"),
    case("BMA-HYPOCALCAEMIA", False, {**ZA, "corrected_calcium": 2.20}, "2.20"),
    case("BMA-HYPOCALCAEMIA", False, {**ZA, "corrected_calcium": 2.195}, "2.195-rounds-up"),
    case("BMA-HYPOCALCAEMIA", True, {**RECOMMENDED, "corrected_calcium": 2.1}, "recommended"),
    case("BMA-HYPOCALCAEMIA", False, {"bma_current": "none", "corrected_calcium": 2.1}, "no-agent"),
    case("BMA-HYPOCALCAEMIA", False, {"corrected_calcium": 2.1}, "agent-unknown"),
    # IMG-SINGLE-LESION
    case("IMG-SINGLE-LESION", True, {"single_lesion_on_whole_body_imaging": True}, "single"),
    case("IMG-SINGLE-LESION", False, {"single_lesion_on_whole_body_imaging": False}, "several"),
    case("IMG-SINGLE-LESION", False, {}, "unknown"),
    # IMG-GCSF: FDG-PET 0 to 15 days after G-CSF
    case("IMG-GCSF", True, {**GCSF, "last_fdg_pet_date": TODAY}, "day-0"),
    case("IMG-GCSF", True, {**GCSF, "last_fdg_pet_date": TODAY + days(14)}, "day-14"),
    case("IMG-GCSF", True, {**GCSF, "last_fdg_pet_date": TODAY + days(15)}, "day-15"),
    case("IMG-GCSF", False, {**GCSF, "last_fdg_pet_date": TODAY + days(16)}, "day-16"),
    case("IMG-GCSF", False, {**GCSF, "last_fdg_pet_date": TODAY - days(1)}, "pet-before"),
    case("IMG-GCSF", False, GCSF, "pet-unknown"),
    # IMG-FLARE: new foci on a scan 0 to 182 days after the start of systemic treatment
    case("IMG-FLARE", True, {**FLARE, "followup_scan_date": TODAY}, "day-0"),
    case("IMG-FLARE", True, {**FLARE, "followup_scan_date": TODAY + days(182)}, "day-182"),
    case("IMG-FLARE", False, {**FLARE, "followup_scan_date": TODAY + days(183)}, "day-183"),
    case("IMG-FLARE", False, {**FLARE, "followup_scan_date": TODAY - days(1)}, "scan-before"),
    case(
        "IMG-FLARE",
        False,
        {**FLARE, "new_foci_on_followup_scan": False, "followup_scan_date": TODAY},
        "no-new-foci",
    ),
    case(
        "IMG-FLARE",
        False,
        {"systemic_treatment_start": TODAY, "followup_scan_date": TODAY},
        "new-foci-unknown",
    ),
    case(
        "IMG-FLARE", False, {"new_foci_on_followup_scan": True, "followup_scan_date": TODAY}, "start-unknown"
    ),
    # RADES-GROUP: known
    case("RADES-GROUP", True, {"rades_group": 1}, "1"),
    case("RADES-GROUP", True, {"rades_group": 3}, "3"),
    case("RADES-GROUP", False, {}, "unknown"),
    # PERCUTANEOUS-SCREW: fractured, proximal femur or pelvis, Mirels > 8, not stabilised
    case("PERCUTANEOUS-SCREW", True, ilium(fractured=True, mirels=9), "9"),
    case("PERCUTANEOUS-SCREW", False, ilium(fractured=True, mirels=8), "8"),
    case("PERCUTANEOUS-SCREW", False, ilium(fractured=True, mirels=12, stabilised=True), "stabilised"),
    case("PERCUTANEOUS-SCREW", False, ilium(mirels=12), "not-fractured"),
    case(
        "PERCUTANEOUS-SCREW",
        False,
        ilium(fractured=True, mirels=12, proximal_femur_or_pelvis=False),
        "not-proximal",
    ),
    case(
        "PERCUTANEOUS-SCREW",
        False,
        femur(fractured=True, mirels=12),
        "proximal-unknown",
    ),
    case("PERCUTANEOUS-SCREW", False, ilium(fractured=True), "mirels-unknown"),
    # SURGERY-LIFE-EXPECTANCY: surgery on the table and life expectancy known
    case(
        "SURGERY-LIFE-EXPECTANCY",
        True,
        {"life_expectancy_months": 0, "spinal_cord_compression": True},
        "0",
    ),
    case("SURGERY-LIFE-EXPECTANCY", True, {"life_expectancy_months": 12, **femur(mirels=9)}, "12"),
    case("SURGERY-LIFE-EXPECTANCY", False, {"life_expectancy_months": 12}, "nothing-on-the-table"),
    case("SURGERY-LIFE-EXPECTANCY", False, femur(mirels=9), "life-expectancy-unknown"),
    # POSTOP-RT: surgery on the lesion 0 to 91 days before today and no radiotherapy after it
    case("POSTOP-RT", True, femur(surgery_date=TODAY), "day-0"),
    case("POSTOP-RT", True, femur(surgery_date=ago(90)), "day-90"),
    case("POSTOP-RT", True, femur(surgery_date=ago(91)), "day-91"),
    case("POSTOP-RT", False, femur(surgery_date=ago(92)), "day-92"),
    case("POSTOP-RT", False, femur(surgery_date=TODAY + days(1)), "planned"),
    case("POSTOP-RT", False, femur(surgery_date=ago(10), rt_after_surgery=True), "rt-done"),
    case("POSTOP-RT", True, femur(surgery_date=ago(10), rt_after_surgery=False), "rt-false"),
    case("POSTOP-RT", False, femur(), "no-surgery"),
    # SBRT-OLIGO: 1–3 bone sites, no visceral metastasis, stable or responding, no contraindication
    case("SBRT-OLIGO", True, OLIGO, "oligo"),
    case("SBRT-OLIGO", True, {**OLIGO, "bone_sites_count": 1}, "1-site"),
    case("SBRT-OLIGO", True, {**OLIGO, "bone_sites_count": 3}, "3-sites"),
    case("SBRT-OLIGO", True, {**OLIGO, "disease_status": "responding"}, "responding"),
    case("SBRT-OLIGO", False, {**OLIGO, "bone_sites_count": 0}, "0-sites"),
    case("SBRT-OLIGO", False, {**OLIGO, "bone_sites_count": 4}, "4-sites"),
    case("SBRT-OLIGO", False, {**OLIGO, "visceral_metastases": True}, "visceral"),
    case("SBRT-OLIGO", False, {**OLIGO, "disease_status": "progressing"}, "progressing"),
    case("SBRT-OLIGO", False, {**OLIGO, "disease_status": "new"}, "new"),
    case("SBRT-OLIGO", False, {"bone_sites_count": 2, "disease_status": "stable"}, "visceral-unknown"),
    case("SBRT-OLIGO", False, {"bone_sites_count": 2, "visceral_metastases": False}, "status-unknown"),
    case("SBRT-OLIGO", False, {"visceral_metastases": False, "disease_status": "stable"}, "sites-unknown"),
    # ... each contraindication turns SBRT-OLIGO into SBRT-CONTRAINDICATED, exactly at its boundary
    case("SBRT-OLIGO", False, {**OLIGO, "spinal_cord_compression": True}, "mscc"),
    case("SBRT-OLIGO", True, {**OLIGO, "spinal_cord_compression": False}, "no-mscc"),
    case("SBRT-OLIGO", False, {**OLIGO, **spine(cord_compression=True)}, "cord-compression"),
    case("SBRT-OLIGO", False, {**OLIGO, **spine(sins=13)}, "sins-13"),
    case("SBRT-OLIGO", True, {**OLIGO, **spine(sins=12)}, "sins-12"),
    case("SBRT-OLIGO", False, {**OLIGO, "prior_radionuclide_therapy": True}, "radionuclide"),
    case("SBRT-OLIGO", False, {**OLIGO, **femur(last_rt_date=ago(90))}, "rt-90-days"),
    case("SBRT-OLIGO", True, {**OLIGO, **femur(last_rt_date=ago(91))}, "rt-91-days"),
    case("SBRT-OLIGO", False, {**OLIGO, "life_expectancy_months": 2.99}, "le-2.99"),
    case("SBRT-OLIGO", True, {**OLIGO, "life_expectancy_months": 3}, "le-3"),
    case("SBRT-OLIGO", False, {**OLIGO, **spine(canal_narrowing_over_25_percent=True)}, "canal"),
    case("SBRT-OLIGO", True, {**OLIGO, **spine(canal_narrowing_over_25_percent=False)}, "no-canal"),
    case("SBRT-OLIGO", False, {**OLIGO, **spine(tumour_cord_distance_mm=4.9)}, "distance-4.9"),
    case("SBRT-OLIGO", True, {**OLIGO, **spine(tumour_cord_distance_mm=5)}, "distance-5"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "spinal_cord_compression": True}, "mscc"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, **spine(cord_compression=True)}, "cord-compression"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, **spine(sins=13)}, "sins-13"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, **spine(sins=12)}, "sins-12"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "prior_radionuclide_therapy": True}, "radionuclide"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, **femur(last_rt_date=ago(90))}, "rt-90-days"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, **femur(last_rt_date=ago(91))}, "rt-91-days"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "life_expectancy_months": 2.99}, "le-2.99"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, "life_expectancy_months": 3}, "le-3"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, **spine(canal_narrowing_over_25_percent=True)}, "canal"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, **spine(tumour_cord_distance_mm=4.9)}, "distance-4.9"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, **spine(tumour_cord_distance_mm=5)}, "distance-5"),
    case("SBRT-CONTRAINDICATED", False, OLIGO, "none-holds"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, "bone_sites_count": 4, **spine(sins=15)}, "not-oligo"),
    case("SBRT-CONTRAINDICATED", False, {"spinal_cord_compression": True, **spine(sins=15)}, "oligo-unknown"),
    # CEMENTOPLASTY: a site cement treats, lesion pain ≥ 4, analgesia failing, not stabilised, no
    # contraindication known to hold
    case("CEMENTOPLASTY", True, {**PAINFUL, **spine(pain_nrs=4, bilsky="0")}, "spine-4"),
    case("CEMENTOPLASTY", False, {**PAINFUL, **spine(pain_nrs=3, bilsky="0")}, "spine-3"),
    case("CEMENTOPLASTY", True, {**PAINFUL, **ilium(pain_nrs=6)}, "pelvis"),
    case("CEMENTOPLASTY", True, {**PAINFUL, "lesions": [{**RIB, "pain_nrs": 6}]}, "rib"),
    case("CEMENTOPLASTY", True, {**PAINFUL, "lesions": [{**HUMERUS, "pain_nrs": 6}]}, "non-weight-bearing"),
    case("CEMENTOPLASTY", False, {**PAINFUL, **femur(pain_nrs=6)}, "weight-bearing-long-bone"),
    case(
        "CEMENTOPLASTY",
        False,
        {**PAINFUL, "lesions": [{"label": "Tibia", "region": "long_bone", "pain_nrs": 6}]},
        "long-bone-weight-bearing-unknown",
    ),
    case("CEMENTOPLASTY", False, {**PAINFUL, **spine(pain_nrs=6, stabilised=True)}, "stabilised"),
    case("CEMENTOPLASTY", False, {"analgesia_failure": False, **spine(pain_nrs=6)}, "pain-controlled"),
    case("CEMENTOPLASTY", False, spine(pain_nrs=6), "analgesia-unknown"),
    case("CEMENTOPLASTY", False, {**PAINFUL, **spine()}, "lesion-pain-unknown"),
    case(
        "CEMENTOPLASTY", False, {**PAINFUL, "bone_pain_nrs": 8, **spine()}, "patient-pain-is-not-the-lesion's"
    ),
    case("CEMENTOPLASTY", False, {**PAINFUL, **spine(pain_nrs=6, cord_compression=True)}, "cord-compression"),
    case("CEMENTOPLASTY", False, {**PAINFUL, **spine(pain_nrs=6, bilsky="2")}, "bilsky-2"),
    case("CEMENTOPLASTY", True, {**PAINFUL, **spine(pain_nrs=6, bilsky="1c")}, "bilsky-1c"),
    case("CEMENTOPLASTY", False, {**PAINFUL, **spine(pain_nrs=6, sins=13)}, "sins-13"),
    case("CEMENTOPLASTY", True, {**PAINFUL, **spine(pain_nrs=6, sins=12)}, "sins-12"),
    case(
        "CEMENTOPLASTY", False, {**PAINFUL, **ilium(pain_nrs=6, soft_tissue_predominant=True)}, "soft-tissue"
    ),
    case(
        "CEMENTOPLASTY", False, {**PAINFUL, "active_infection_or_sepsis": True, **ilium(pain_nrs=6)}, "sepsis"
    ),
    case("CEMENTOPLASTY", False, {**PAINFUL, "uncontrolled_coagulopathy": True, **ilium(pain_nrs=6)}, "coag"),
    case("CEMENTOPLASTY-CONTRAINDICATED", True, {**PAINFUL, **spine(pain_nrs=4, bilsky="3")}, "bilsky-3"),
    case("CEMENTOPLASTY-CONTRAINDICATED", False, {**PAINFUL, **spine(pain_nrs=3, bilsky="3")}, "pain-3"),
    case("CEMENTOPLASTY-CONTRAINDICATED", True, {**PAINFUL, **spine(pain_nrs=6, sins=13)}, "sins-13"),
    case("CEMENTOPLASTY-CONTRAINDICATED", False, {**PAINFUL, **spine(pain_nrs=6, sins=12)}, "sins-12"),
    case(
        "CEMENTOPLASTY-CONTRAINDICATED",
        True,
        {**PAINFUL, "uncontrolled_coagulopathy": True, **ilium(pain_nrs=6)},
        "coagulopathy",
    ),
    case(
        "CEMENTOPLASTY-CONTRAINDICATED",
        False,
        {**PAINFUL, "uncontrolled_coagulopathy": True, **femur(pain_nrs=6)},
        "weight-bearing-long-bone",
    ),
    case("CEMENTOPLASTY-CONTRAINDICATED", False, {**PAINFUL, **ilium(pain_nrs=6)}, "none-holds"),
    # BMA-START: ≥ 1 bone lesion, no agent, life expectancy > 3 or unknown, not awaiting a biopsy
    case("BMA-START", True, RECOMMENDED, "le-unknown"),
    case("BMA-START", True, {**RECOMMENDED, "life_expectancy_months": 3.01}, "le-3.01"),
    case("BMA-START", False, {**RECOMMENDED, "life_expectancy_months": 3}, "le-3"),
    case("BMA-START", False, {"bone_lesion_count": 0, "bma_current": "none"}, "0-lesions"),
    case("BMA-START", True, {"bma_current": "none", **femur()}, "count-from-lesions"),
    case("BMA-START", False, {"bma_current": "none", "lesions": []}, "no-lesion-listed"),
    case("BMA-START", False, {**RECOMMENDED, "bma_current": "zoledronic_acid"}, "on-za"),
    case("BMA-START", False, {**RECOMMENDED, "bone_first_presentation": True}, "bone-first"),
    case("BMA-START", True, {**RECOMMENDED, "bone_first_presentation": False}, "primary-proven"),
    case("BMA-START", False, {"bone_lesion_count": 3}, "agent-unknown"),
    case("BMA-START", False, {"bma_current": "none"}, "lesions-unknown"),
    # BMA-VITAMIN-D: agent current or recommended, deficiency, and no hypercalcaemia
    case("BMA-VITAMIN-D", True, {"bma_current": "denosumab", "vitamin_d_deficient": True}, "calcium-unknown"),
    case(
        "BMA-VITAMIN-D", True, {**RECOMMENDED, "vitamin_d_deficient": True, "corrected_calcium": 2.60}, "2.60"
    ),
    case(
        "BMA-VITAMIN-D",
        False,
        {**RECOMMENDED, "vitamin_d_deficient": True, "corrected_calcium": 2.61},
        "2.61",
    ),
    case("BMA-VITAMIN-D", False, {"bma_current": "denosumab", "vitamin_d_deficient": False}, "not-deficient"),
    case("BMA-VITAMIN-D", False, {"bma_current": "denosumab"}, "deficiency-unknown"),
    case("BMA-VITAMIN-D", False, {"bma_current": "none", "vitamin_d_deficient": True}, "no-agent"),
    # IMG-SPINE-MRI: a spine lesion listed and no whole-spine MRI
    case("IMG-SPINE-MRI", True, {"spine_mri_done": False, **spine()}, "no-mri"),
    case("IMG-SPINE-MRI", False, {"spine_mri_done": True, **spine()}, "mri-done"),
    case("IMG-SPINE-MRI", False, spine(), "mri-unknown"),
    case("IMG-SPINE-MRI", False, {"spine_mri_done": False, **femur()}, "no-spine-lesion"),
    case("IMG-SPINE-MRI", False, {"spine_mri_done": False}, "lesions-unknown"),
    # BIOPSY
    case("BIOPSY", True, {"bone_first_presentation": True}, "bone-first"),
    case("BIOPSY", True, {"single_lesion_on_whole_body_imaging": True}, "single-lesion"),
    case(
        "BIOPSY",
        False,
        {"bone_first_presentation": False, "single_lesion_on_whole_body_imaging": False},
        "neither",
    ),
    case("BIOPSY", False, {}, "unknown"),
    # ABLATION: lesion pain > 4 and (not mechanical or ≤ 3 bone sites), no exclusion known to hold
    case("ABLATION", True, {"bone_sites_count": 3, **femur(pain_nrs=5)}, "5-3-sites"),
    case("ABLATION", False, {"bone_sites_count": 3, **femur(pain_nrs=4)}, "4-3-sites"),
    case(
        "ABLATION", False, {"bone_sites_count": 4, **femur(pain_nrs=5, pain_mechanical=True)}, "4-sites-mech"
    ),
    case("ABLATION", True, {"bone_sites_count": 4, **femur(pain_nrs=5, pain_mechanical=False)}, "not-mech"),
    case("ABLATION", True, femur(pain_nrs=5, pain_mechanical=False), "sites-unknown-not-mech"),
    case("ABLATION", False, femur(pain_nrs=5), "sites-and-mechanism-unknown"),
    case("ABLATION", False, {"bone_sites_count": 1, "bone_pain_nrs": 9, **femur()}, "lesion-pain-unknown"),
    case("ABLATION", False, {"bone_sites_count": 1, **femur(pain_nrs=5, fractured=True)}, "fractured"),
    case("ABLATION", False, {"bone_sites_count": 1, **femur(pain_nrs=5, mirels=9)}, "mirels-9"),
    case("ABLATION", True, {"bone_sites_count": 1, **femur(pain_nrs=5, mirels=8)}, "mirels-8"),
    case(
        "ABLATION", False, {"bone_sites_count": 1, **spine(pain_nrs=5, cord_compression=True)}, "compression"
    ),
    case("ABLATION", False, {"bone_sites_count": 1, **spine(pain_nrs=5, bilsky="2")}, "bilsky-2"),
    case("ABLATION", False, {"bone_sites_count": 1, **spine(pain_nrs=5, sins=13)}, "sins-13"),
    case("ABLATION", True, {"bone_sites_count": 1, **spine(pain_nrs=5, sins=12)}, "sins-12"),
    # SURGERY-CONTRAINDICATED: surgery on the table and 1.5 ≤ life expectancy < 3
    case("SURGERY-CONTRAINDICATED", False, {"life_expectancy_months": 1.49, **femur(mirels=9)}, "1.49"),
    case("SURGERY-CONTRAINDICATED", True, {"life_expectancy_months": 1.5, **femur(mirels=9)}, "1.5"),
    case("SURGERY-CONTRAINDICATED", True, {"life_expectancy_months": 2.99, **femur(mirels=9)}, "2.99"),
    case("SURGERY-CONTRAINDICATED", False, {"life_expectancy_months": 3, **femur(mirels=9)}, "3"),
    case("SURGERY-CONTRAINDICATED", False, {"life_expectancy_months": 2}, "nothing-on-the-table"),
    case("SURGERY-CONTRAINDICATED", False, femur(mirels=9), "life-expectancy-unknown"),
    # SURGERY-FUNCTIONAL-PROGNOSIS: surgery on the table and one of Tokuhashi, Tomita, age, ASA known
    case("SURGERY-FUNCTIONAL-PROGNOSIS", True, {"age": 80, "spinal_cord_compression": True}, "age"),
    case("SURGERY-FUNCTIONAL-PROGNOSIS", True, {"asa": 2, **femur(mirels=9)}, "asa"),
    case("SURGERY-FUNCTIONAL-PROGNOSIS", False, {"spinal_cord_compression": True}, "none-known"),
    case("SURGERY-FUNCTIONAL-PROGNOSIS", False, {"tokuhashi": 12, "tomita": 2, "age": 50}, "no-surgery"),
    # TOKUHASHI-STRATEGY, TOMITA-STRATEGY: known
    case("TOKUHASHI-STRATEGY", True, {"tokuhashi": 0}, "0"),
    case("TOKUHASHI-STRATEGY", False, {}, "unknown"),
    case("TOMITA-STRATEGY", True, {"tomita": 10}, "10"),
    case("TOMITA-STRATEGY", False, {}, "unknown"),
    # RT-PAIN-SCHEME: patient bone pain ≥ 4
    case("RT-PAIN-SCHEME", True, {"bone_pain_nrs": 4}, "4"),
    case("RT-PAIN-SCHEME", True, {"bone_pain_nrs": 5}, "5"),
    case("RT-PAIN-SCHEME", False, {"bone_pain_nrs": 3}, "3"),
    case("RT-PAIN-SCHEME", False, femur(pain_nrs=9), "lesion-pain-only"),
    # LOCAL-TREATMENT: 1 ≤ metastatic sites ≤ 2
    case("LOCAL-TREATMENT", False, {"metastatic_sites_count": 0}, "0"),
    case("LOCAL-TREATMENT", True, {"metastatic_sites_count": 1}, "1"),
    case("LOCAL-TREATMENT", True, {"metastatic_sites_count": 2}, "2"),
    case("LOCAL-TREATMENT", False, {"metastatic_sites_count": 3}, "3"),
    case("LOCAL-TREATMENT", False, {}, "unknown"),
    # BMA-REVIEW: an agent in progress, started more than 730 days before today
    case("BMA-REVIEW", True, {**ZA, "bma_start": ago(731)}, "731-days"),
    case("BMA-REVIEW", False, {**ZA, "bma_start": ago(730)}, "730-days"),
    case("BMA-REVIEW", False, {"bma_current": "denosumab", "bma_start": ago(729)}, "729-days"),
    case("BMA-REVIEW", False, {"bma_current": "none", "bma_start": ago(1000)}, "stopped"),
    case("BMA-REVIEW", False, {"bma_start": ago(1000)}, "agent-unknown"),
]


@pytest.mark.parametrize(("rule", "fires", "facts"), CASES)
def test_rule_fires_exactly_on_its_trigger(rule, fires, facts):
    assert (rule in fired(facts)) is fires


def test_every_rule_of_the_table_is_exercised_both_ways():
    tried = {(param.values[0], param.values[1]) for param in CASES}
    for rule in RULE_IDS:
        assert (rule, True) in tried and (rule, False) in tried, rule


def test_no_facts_no_findings():
    assert run({}) == []
    assert run({"lesions": []}) == []


# --- Lesion rules: one finding per lesion, named ----------------------------------------------------------
def test_a_lesion_rule_gives_one_finding_per_lesion_it_fires_on():
    facts = {
        "lesions": [
            {**FEMUR, "mirels": 9},
            {**HUMERUS, "mirels": 7},
            {"label": "Left tibia", "region": "long_bone", "mirels": 10},
            {**T8, "sins": 9},
        ]
    }
    findings = run(facts)
    assert [(f.rule, f.lesion) for f in findings] == [
        ("MIRELS-SURGERY", "Left femur"),
        ("MIRELS-SURGERY", "Left tibia"),
        ("SINS-SURGICAL-OPINION", "T8"),
        ("MIRELS-RT", "Right humerus"),
    ]
    for found in findings:
        assert found.message.startswith(f"{found.lesion}: ")


def test_patient_rules_have_no_lesion_and_lesion_rules_name_theirs():
    per = {rule.id: rule.per for rule in RULES}
    findings = run({**CORD_COMPRESSION_PATIENT, "lesions": [{**T8, "sins": 9}, {**FEMUR, "mirels": 9}]})
    assert {f.rule for f in findings} >= {"MSCC-EMERGENCY", "SINS-SURGICAL-OPINION", "MIRELS-SURGERY"}
    for found in findings:
        assert (found.lesion is None) is (per[found.rule] == "patient"), found.rule


def test_a_fractured_or_stabilised_bone_gets_no_mirels_advice_and_its_pain_is_its_own():
    nailed = {**FEMUR, "mirels": 11, "fractured": True, "stabilised": True, "pain_nrs": 8}
    quiet = {**ILIUM, "pain_nrs": 2}
    facts = {"analgesia_failure": True, "bone_pain_nrs": 8, "bone_sites_count": 2, "lesions": [nailed, quiet]}
    findings = run(facts)
    assert [f.rule for f in findings if f.lesion] == []  # no Mirels, fixation, cement or ablation advice
    assert "RT-PAIN-SCHEME" in [f.rule for f in findings]  # the patient's pain speaks at patient level


def test_postoperative_radiotherapy_targets_the_surgical_bed_or_the_whole_bone():
    facts = {"lesions": [{**T8, "surgery_date": ago(20)}, {**FEMUR, "surgery_date": ago(20)}]}
    spine_rt, femur_rt = [f for f in run(facts) if f.rule == "POSTOP-RT"]
    assert spine_rt.lesion == "T8" and "the surgical bed" in spine_rt.message
    assert femur_rt.lesion == "Left femur" and "the whole bone" in femur_rt.message


# --- Messages quote the figures (and the lesion) ------------------------------------------------------------
MESSAGES = [
    ("MSCC-EMERGENCY", {"spinal_cord_compression": True}, ["(clinical compression)", "24 h", "8–24 h"]),
    (
        "MSCC-EMERGENCY",
        {"neurological_deficit": True, "lesions": [T8, FEMUR, {"label": "L2", "region": "spine"}]},
        ["neurological deficit with a spinal lesion: T8, L2", "corticosteroids"],
    ),
    ("MSCC-SUSPECTED", {"neurological_deficit": True}, ["no spinal lesion recorded", "within 24 h"]),
    (
        "CA-CRISIS",
        {"corrected_calcium": 3.7},
        ["3.70 mmol/L > 3.50", "hydration", "stop calcium and vitamin D"],
    ),
    ("CA-HIGH", {"corrected_calcium": 2.605}, ["2.61 mmol/L > 2.60", "mild", "no calcium or vitamin D"]),
    (
        "CA-HIGH",
        {"corrected_calcium": 3.0},
        ["3.00 mmol/L > 2.60", "moderate hypercalcaemia (3.00 to 3.50 mmol/L)"],
    ),
    ("FRACTURE-FIXATION", femur(fractured=True), ["Left femur: pathological fracture", "whole bone"]),
    ("MIRELS-SURGERY", femur(mirels=9), ["Left femur: Mirels 9 ≥ 9", "prophylactic fixation"]),
    ("MIRELS-DISCUSS", femur(mirels=8), ["Left femur: Mirels 8 = 8", "15 %"]),
    ("MIRELS-RT", femur(mirels=6), ["Left femur: Mirels 6 ≤ 7", "no prophylactic surgery"]),
    ("SINS-SURGICAL-OPINION", spine(sins=12), ["T8: SINS 12 ≥ 7, potentially unstable (7–12)"]),
    ("SINS-SURGICAL-OPINION", spine(sins=13), ["T8: SINS 13 ≥ 7, unstable (13–18)"]),
    ("BILSKY-HIGH", spine(bilsky="3"), ["T8: Bilsky grade 3", "decompression"]),
    (
        "SURGERY-LOW-BMI",
        {"bmi": 17.2, **femur(mirels=9)},
        ["BMI 17.2 kg/m² < 18.5", "Left femur: Mirels 9 ≥ 8", "1.95 times"],
    ),
    ("BMA-DENTAL", ZA, ["Zoledronic acid in progress", "no dental evaluation recorded"]),
    ("BMA-DENTAL", RECOMMENDED, ["Bone-modifying agent recommended", "panoramic"]),
    (
        "BMA-DENTAL",
        {"bma_current": "denosumab", "last_dental_exam_date": datetime.date(2024, 12, 14)},
        ["Denosumab in progress", "Dec. 14, 2024, 183 days ago (183 days or more)", "every 6 months"],
    ),
    (
        "BMA-DENTAL",
        {**RECOMMENDED, "corrected_calcium": 3.1},
        ["corrected calcium 3.10 mmol/L > 2.60", "do not delay the injection"],
    ),
    ("BMA-RENAL", {"creatinine_clearance": 59.99}, ["59.99 mL/min < 60 mL/min", "zoledronic acid 3.5 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 49.9}, ["3.3 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 30}, ["30 mL/min < 60 mL/min", "zoledronic acid 3 mg"]),
    (
        "BMA-RENAL",
        {"creatinine_clearance": 29.99},
        ["29.99 mL/min < 30 mL/min", "contraindicated", "denosumab"],
    ),
    (
        "BMA-DENOSUMAB-RENAL",
        {"bma_current": "denosumab", "creatinine_clearance": 25, "corrected_calcium": 2.3},
        ["25 mL/min < 30 mL/min", "severe hypocalcaemia", "with calcium and vitamin D supplements."],
    ),
    (
        "BMA-DENOSUMAB-RENAL",
        {"bma_current": "denosumab", "creatinine_clearance": 25, "corrected_calcium": 2.8},
        ["no calcium or vitamin D supplement while hypercalcaemic (corrected calcium 2.80 mmol/L)"],
    ),
    (
        "BMA-DENOSUMAB-RENAL",
        {"bma_current": "denosumab", "creatinine_clearance": 25},
        ["unless hypercalcaemic (check corrected calcium)"],
    ),
    (
        "BMA-ZA-CREATININE",
        za_creatinine(80, 130),
        ["creatinine 130 µmol/L, 50 µmol/L above the baseline of 80 µmol/L", "44.2 µmol/L or more", "10 %"],
    ),
    (
        "BMA-ZA-CREATININE",
        za_creatinine(123.76, 212.16),
        ["88.4 µmol/L above the baseline of 123.76 µmol/L", "88.4 µmol/L or more for a baseline of 123.76"],
    ),
    ("BMA-HYPOCALCAEMIA", {**ZA, "corrected_calcium": 2.1}, ["2.10 mmol/L < 2.20", "before the injection"]),
    ("IMG-SINGLE-LESION", {"single_lesion_on_whole_body_imaging": True}, ["targeted MRI", "15 to 18"]),
    ("IMG-GCSF", {**GCSF, "last_fdg_pet_date": TODAY + days(15)}, ["15 days after G-CSF", "within 15 days"]),
    ("IMG-GCSF", {**GCSF, "last_fdg_pet_date": TODAY + days(1)}, ["1 day after G-CSF"]),
    ("IMG-FLARE", {**FLARE, "followup_scan_date": TODAY + days(182)}, ["182 days after", "flare"]),
    (
        "RADES-GROUP",
        {"rades_group": 1},
        ["Rades group 1", "8 Gy in a single fraction", "no benefit from surgery"],
    ),
    ("RADES-GROUP", {"rades_group": 2}, ["Rades group 2", "with or without surgery"]),
    ("RADES-GROUP", {"rades_group": 3}, ["Rades group 3", "excellent result without surgery"]),
    ("PERCUTANEOUS-SCREW", ilium(fractured=True, mirels=9), ["Right ilium: pathological fracture", "9 > 8"]),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 1.49, "spinal_cord_compression": True},
        ["1.49 months < 1.5 months (6 weeks)", "spinal cord compression", "no benefit"],
    ),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 1.5, **femur(mirels=9)},
        ["1.5 months (1.5 to 12 months)", "less aggressive", "no arthroplasty (only if life expectancy > 6"],
    ),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 6, **femur(mirels=9)},
        ["6 months", "no arthroplasty"],
    ),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 6.5, **femur(mirels=9)},
        ["6.5 months (1.5 to 12 months)", "arthroplasty possible"],
    ),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 12, **femur(mirels=9)},
        ["12 months (1.5 to 12 months)", "less aggressive"],
    ),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 12.5, **femur(mirels=9)},
        ["12.5 months > 12 months", "resection–reconstruction", "arthroplasty possible"],
    ),
    (
        "POSTOP-RT",
        femur(surgery_date=datetime.date(2025, 6, 1)),
        ["Left femur: surgery on June 1, 2025", "June 16, 2025 to June 22, 2025", "30 Gy in 10", "8 Gy"],
    ),
    ("SBRT-OLIGO", OLIGO, ["2 bone sites, no visceral metastasis, stable disease", "normofractionated"]),
    (
        "SBRT-CONTRAINDICATED",
        {**OLIGO, "life_expectancy_months": 2.5},
        ["life expectancy 2.5 months < 3 months"],
    ),
    (
        "SBRT-CONTRAINDICATED",
        {**OLIGO, **spine(sins=14, canal_narrowing_over_25_percent=True, tumour_cord_distance_mm=4.9)},
        [
            "T8: SINS 14 ≥ 13 (spinal instability)",
            "T8: spinal canal narrowing > 25 %",
            "T8: tumour–cord distance 4.9 mm < 5 mm",
        ],
    ),
    (
        "SBRT-CONTRAINDICATED",
        {**OLIGO, **femur(last_rt_date=datetime.date(2025, 4, 1)), "prior_radionuclide_therapy": True},
        [
            "metabolic (radionuclide) radiotherapy",
            "Left femur: radiotherapy on April 1, 2025, less than 3 months",
        ],
    ),
    ("SBRT-CONTRAINDICATED", {**OLIGO, **spine(cord_compression=True)}, ["T8: cord compression"]),
    (
        "CEMENTOPLASTY",
        {**PAINFUL, **spine(pain_nrs=6)},
        ["T8: pain 6/10 ≥ 4/10", "vertebroplasty", "Epidural extension unknown: MRI first."],
    ),
    ("CEMENTOPLASTY", {**PAINFUL, **ilium(pain_nrs=5)}, ["Right ilium: pain 5/10 ≥ 4/10", "coagulation"]),
    (
        "CEMENTOPLASTY-CONTRAINDICATED",
        {
            **PAINFUL,
            "active_infection_or_sepsis": True,
            "uncontrolled_coagulopathy": True,
            **spine(pain_nrs=6, cord_compression=True, bilsky="2", sins=13, soft_tissue_predominant=True),
        },
        [
            "T8: pain 6/10",
            "cord compression at this lesion; Bilsky grade 2; SINS 13 ≥ 13: a spine surgeon's opinion first; "
            "extends more into soft tissue than bone: ablation preferred; infection at the puncture site or "
            "uncontrolled sepsis; uncontrolled coagulopathy",
        ],
    ),
    (
        "BMA-START",
        RECOMMENDED,
        [
            "1 bone metastasis and no bone-modifying agent",
            "check corrected calcium before calcium and vitamin D",
        ],
    ),
    (
        "BMA-START",
        {
            "bone_lesion_count": 3,
            "bma_current": "none",
            "life_expectancy_months": 8,
            "corrected_calcium": 2.6,
        },
        [
            "3 bone metastases",
            "8 months > 3 months",
            "with calcium 1 g/day and vitamin D (corrected calcium 2.60",
        ],
    ),
    (
        "BMA-START",
        {**RECOMMENDED, "corrected_calcium": 2.605},
        ["no calcium or vitamin D supplement while hypercalcaemic (corrected calcium 2.61 mmol/L > 2.60"],
    ),
    ("BMA-VITAMIN-D", {**ZA, "vitamin_d_deficient": True}, ["after checking corrected calcium"]),
    (
        "BMA-VITAMIN-D",
        {**ZA, "vitamin_d_deficient": True, "corrected_calcium": 2.4},
        ["corrected calcium 2.40 mmol/L ≤ 2.60", "calcium 1 g/day"],
    ),
    (
        "IMG-SPINE-MRI",
        {"spine_mri_done": False, "lesions": [T8, {"label": "L3", "region": "spine"}]},
        ["Spinal lesion (T8, L3)", "epiduritis"],
    ),
    ("BIOPSY", {"bone_first_presentation": True}, ["primary not yet proven", "before any treatment", "EDTA"]),
    (
        "ABLATION",
        {"bone_sites_count": 2, **femur(pain_nrs=7, pain_mechanical=False)},
        ["Left femur: pain 7/10 > 4/10", "non-mechanical (inflammatory) pain, 2 bone sites ≤ 3"],
    ),
    (
        "SURGERY-CONTRAINDICATED",
        {"life_expectancy_months": 2.99, **femur(mirels=9)},
        ["2.99 months < 3 months", "Left femur: Mirels 9 ≥ 8", "6 weeks", "weigh the expected benefit"],
    ),
    (
        "SURGERY-FUNCTIONAL-PROGNOSIS",
        {"tokuhashi": 6, "tomita": 8, "age": 69, "asa": 2, **spine(sins=8)},
        ["met: Tokuhashi 6 ≥ 6, Tomita 8 ≤ 8, age 69 < 70, ASA 2 (1–2); not met: —"],
    ),
    (
        "SURGERY-FUNCTIONAL-PROGNOSIS",
        {"tokuhashi": 5, "tomita": 9, "age": 70, "asa": 3, **spine(sins=8)},
        ["met: —; not met: Tokuhashi 5 < 6, Tomita 9 > 8, age 70 ≥ 70, ASA 3 (not 1–2)"],
    ),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 12}, ["Tokuhashi 12 (12–15): excisional surgery"]),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 11}, ["(9–11): palliative surgery"]),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 8}, ["(0–8): conservative treatment"]),
    ("TOMITA-STRATEGY", {"tomita": 3}, ["Tomita 3 (2–3): en bloc excision"]),
    ("TOMITA-STRATEGY", {"tomita": 4}, ["(4–5): intralesional excision"]),
    ("TOMITA-STRATEGY", {"tomita": 7}, ["(6–7): palliative surgery"]),
    ("TOMITA-STRATEGY", {"tomita": 8}, ["Tomita 8 (8–10): supportive care."]),
    (
        "RT-PAIN-SCHEME",
        {"bone_pain_nrs": 6},
        ["6/10 ≥ 4/10", "30 Gy in 10 fractions", "single fraction if ECOG > 2"],
    ),
    ("RT-PAIN-SCHEME", {"bone_pain_nrs": 6, "ecog": 3}, ["single fraction of 8 Gy (ECOG 3 > 2)"]),
    (
        "RT-PAIN-SCHEME",
        {"bone_pain_nrs": 6, "life_expectancy_months": 2.99},
        ["(life expectancy 2.99 months < 3"],
    ),
    (
        "RT-PAIN-SCHEME",
        {"bone_pain_nrs": 6, "ecog": 2, "life_expectancy_months": 3},
        ["single fraction if ECOG"],
    ),
    ("LOCAL-TREATMENT", {"metastatic_sites_count": 1}, ["1 metastatic site ≤ 2", "local treatments"]),
    ("LOCAL-TREATMENT", {"metastatic_sites_count": 2}, ["2 metastatic sites ≤ 2"]),
    # 731 days before 2025-06-15 is 2023-06-15 (2024 is a leap year): 24 months are counted as 730 days
    (
        "BMA-REVIEW",
        {**ZA, "bma_start": ago(731)},
        ["Zoledronic acid started on June 15, 2023", "731 > 730 days"],
    ),
]


@pytest.mark.parametrize(
    ("rule", "facts", "expected"), MESSAGES, ids=[f"{rule}-{i}" for i, (rule, _, _) in enumerate(MESSAGES)]
)
def test_message_quotes_the_figures(rule, facts, expected):
    message = finding(rule, facts).message
    for text in expected:
        assert text in message


def test_no_trial_is_named_and_supplements_are_never_advised_with_hypercalcaemia():
    assert "STEREO" not in finding("SBRT-OLIGO", OLIGO).message
    hypercalcaemic = {**RECOMMENDED, "vitamin_d_deficient": True, "corrected_calcium": 2.9, "bmi": 22.0}
    for found in run(hypercalcaemic):
        assert "with calcium 1 g/day" not in found.message, found.rule
    assert "BMA-VITAMIN-D" not in fired(hypercalcaemic)


def test_messages_never_show_a_value_rounded_onto_its_threshold():
    message = finding("SURGERY-LOW-BMI", {"bmi": 18.4999, "spinal_cord_compression": True}).message
    assert "18.5 kg/m² < 18.5" not in message and "18.4999" in message
    assert (
        "2.999 months < 3 months"
        in finding("SBRT-CONTRAINDICATED", {**OLIGO, "life_expectancy_months": 2.999}).message
    )


def test_figures_hold_the_quoted_fact_values():
    assert finding("MIRELS-SURGERY", femur(mirels=9)).figures == {
        "mirels": 9,
        "fractured": False,
        "stabilised": False,
    }
    assert finding("CA-HIGH", {"corrected_calcium": 2.605}).figures == {"corrected_calcium": 2.61}
    renal = finding("BMA-RENAL", {"creatinine_clearance": 45.0}).figures
    assert renal == {"creatinine_clearance": 45.0, "zoledronic_acid_dose_mg": 3.3}
    assert finding("BMA-RENAL", {"creatinine_clearance": 20}).figures["zoledronic_acid_dose_mg"] is None
    contra = finding(
        "SBRT-CONTRAINDICATED", {**OLIGO, **spine(sins=14, canal_narrowing_over_25_percent=True)}
    )
    assert contra.figures == {
        **OLIGO,
        "lesions": {"T8": {"sins": 14, "canal_narrowing_over_25_percent": True}},
    }
    creatinine = finding("BMA-ZA-CREATININE", za_creatinine(80.0, 124.195)).figures
    assert creatinine["creatinine_rise"] == 44.2
    review = finding("BMA-REVIEW", {**ZA, "bma_start": ago(800)}).figures
    assert review == {"bma_current": "zoledronic_acid", "bma_start": ago(800), "days_since_bma_start": 800}


# --- Ordering: level, then the rules table, then the order of `lesions` -------------------------------------
CORD_COMPRESSION_PATIENT = {
    "age": 64,
    "ecog": 3,
    "bmi": 17.8,
    "life_expectancy_months": 4.0,
    "bone_sites_count": 4,
    "visceral_metastases": True,
    "metastatic_sites_count": 5,
    "disease_status": "progressing",
    "spine_mri_done": False,
    "spinal_cord_compression": True,
    "neurological_deficit": True,
    "rades_group": 1,
    "tokuhashi": 5,
    "tomita": 8,
    "bone_pain_nrs": 8,
    "analgesia_failure": True,
    "bma_current": "none",
    "creatinine_clearance": 52.0,
    "corrected_calcium": 2.68,
    "asa": 3,
    "lesions": [{**T8, "sins": 13, "bilsky": "3", "cord_compression": True}, {**FEMUR, "mirels": 7}],
}
CORD_COMPRESSION_FINDINGS = [
    ("MSCC-EMERGENCY", None),
    ("CA-HIGH", None),
    ("SINS-SURGICAL-OPINION", "T8"),
    ("BILSKY-HIGH", "T8"),
    ("SURGERY-LOW-BMI", None),
    ("BMA-DENTAL", None),
    ("BMA-RENAL", None),
    ("RADES-GROUP", None),
    ("SURGERY-LIFE-EXPECTANCY", None),
    ("BMA-START", None),
    ("IMG-SPINE-MRI", None),
    ("MIRELS-RT", "Left femur"),
    ("SURGERY-FUNCTIONAL-PROGNOSIS", None),
    ("TOKUHASHI-STRATEGY", None),
    ("TOMITA-STRATEGY", None),
    ("RT-PAIN-SCHEME", None),
]


def test_realistic_cord_compression_patient():
    findings = run(CORD_COMPRESSION_PATIENT)
    assert [(f.rule, f.lesion) for f in findings] == CORD_COMPRESSION_FINDINGS
    messages = {f.rule: f.message for f in findings}
    assert "Rades group 1" in messages["RADES-GROUP"]
    assert "ECOG 3 > 2" in messages["RT-PAIN-SCHEME"]
    assert "zoledronic acid 3.5 mg" in messages["BMA-RENAL"]
    assert "2.68 mmol/L" in messages["CA-HIGH"]
    assert "no calcium or vitamin D supplement while hypercalcaemic" in messages["BMA-START"]
    assert "do not delay the injection" in messages["BMA-DENTAL"]
    assert "Tomita 8 (8–10): supportive care." in messages["TOMITA-STRATEGY"]


def test_findings_are_ordered_by_level_then_rules_table_then_lesions():
    many = {
        **CORD_COMPRESSION_PATIENT,
        "corrected_calcium": 3.7,
        "bone_first_presentation": True,
        "bma_current": "denosumab",
        "bma_start": ago(1000),
        "last_gcsf_date": ago(10),
        "last_fdg_pet_date": ago(2),
        "lesions": [
            {"label": "L1", "region": "spine", "sins": 8, "surgery_date": ago(20)},
            {**FEMUR, "mirels": 9},
            {**T8, "sins": 13, "bilsky": "3"},
            {"label": "Right femur", "region": "long_bone", "mirels": 10, "surgery_date": ago(5)},
        ],
    }
    findings = run(many)
    ranks = [LEVELS.index(f.level) for f in findings]
    assert ranks == sorted(ranks)
    assert {f.level for f in findings} == set(LEVELS)
    order = {label: index for index, label in enumerate(["L1", "Left femur", "T8", "Right femur", None])}
    for level in LEVELS:
        keys = [(RULE_IDS.index(f.rule), order[f.lesion]) for f in findings if f.level == level]
        assert keys == sorted(keys), level
    assert [f.lesion for f in findings if f.rule == "SINS-SURGICAL-OPINION"] == ["L1", "T8"]
    assert [f.lesion for f in findings if f.rule == "MIRELS-SURGERY"] == ["Left femur", "Right femur"]
    assert [f.lesion for f in findings if f.rule == "POSTOP-RT"] == ["L1", "Right femur"]
    assert len(findings) >= 20


# --- Bad facts ----------------------------------------------------------------------------------------------
BAD_FACTS = [
    ("today", datetime.datetime(2025, 6, 15, 12, 0)),  # a datetime is not a date
    ("today", "2025-06-15"),
    ("bma_start", datetime.datetime(2024, 1, 1)),
    ("last_gcsf_date", 20250101),
    ("ecog", 5),
    ("ecog", -1),
    ("ecog", True),  # a bool is not an int
    ("ecog", 2.0),  # an int fact rejects floats
    ("ecog", "2"),
    ("age", 121),
    ("age", -1),
    ("bmi", 9.9),
    ("bmi", 80.1),
    ("bmi", True),  # a float fact never takes a bool
    ("bmi", "22"),
    ("asa", 0),
    ("asa", 6),
    ("life_expectancy_months", -0.5),
    ("life_expectancy_months", 240.1),
    ("life_expectancy_months", float("inf")),
    ("bone_lesion_count", -1),
    ("bone_lesion_count", 501),
    ("bone_sites_count", 1.5),
    ("metastatic_sites_count", False),
    ("metastatic_sites_count", 501),
    ("spinal_cord_compression", "yes"),  # a string is not a bool
    ("spinal_cord_compression", 1),
    ("vitamin_d_deficient", "False"),
    ("creatinine_clearance", -1),
    ("creatinine_clearance", 300.1),
    ("creatinine_clearance", float("nan")),
    ("creatinine_baseline", 19.9),
    ("creatinine_latest", 2000.1),
    ("corrected_calcium", 5.01),
    ("corrected_calcium", 0.99),
    ("tokuhashi", 16),
    ("tomita", 1),
    ("tomita", 11),
    ("bone_pain_nrs", 11),
    ("rades_group", 4),
    ("rades_group", True),
    ("rades_group", "1"),
    ("bma_current", "pamidronate"),
    ("bma_current", "Denosumab"),  # slugs are case-sensitive
    ("disease_status", "cured"),
    ("prior_radionuclide_therapy", "no"),
]


@pytest.mark.parametrize(("key", "value"), BAD_FACTS, ids=[f"{k}={v!r}" for k, v in BAD_FACTS])
def test_bad_fact_raises_naming_the_key(key, value):
    with pytest.raises(ScoreInputError) as excinfo:
        evaluate({"today": TODAY, key: value})
    assert str(excinfo.value).startswith(f"{key}: ")
    assert excinfo.value.item == key and isinstance(excinfo.value, ValueError)


BAD_LESION_FACTS = [
    ("mirels", 3),
    ("mirels", 13),
    ("mirels", 9.0),
    ("mirels", True),
    ("sins", 19),
    ("sins", -1),
    ("bilsky", 2),
    ("bilsky", "4"),
    ("bilsky", "2a"),
    ("region", "femur"),
    ("region", "Spine"),
    ("label", ""),
    ("label", "   "),
    ("label", 8),
    ("pain_nrs", 11),
    ("pain_mechanical", "yes"),
    ("fractured", 1),
    ("stabilised", "False"),
    ("surgery_date", "2025-01-01"),
    ("last_rt_date", datetime.datetime(2025, 1, 1)),
    ("tumour_cord_distance_mm", -0.1),
    ("tumour_cord_distance_mm", 100.1),
    ("tumour_cord_distance_mm", True),
    ("weight_bearing", 0),
]


@pytest.mark.parametrize(("key", "value"), BAD_LESION_FACTS, ids=[f"{k}={v!r}" for k, v in BAD_LESION_FACTS])
def test_bad_lesion_fact_raises_naming_the_lesion_and_the_key(key, value):
    lesions = [dict(FEMUR), dict(HUMERUS), {**T8, key: value}]
    with pytest.raises(ScoreInputError) as excinfo:
        evaluate({"today": TODAY, "lesions": lesions})
    assert str(excinfo.value).startswith(f"lesions[2].{key}: ")
    assert excinfo.value.item == f"lesions[2].{key}"


@pytest.mark.parametrize(
    ("lesions", "item"),
    [
        pytest.param({"label": "T8", "region": "spine"}, "lesions", id="a-mapping-not-a-list"),
        pytest.param(("T8",), "lesions", id="a-tuple-not-a-list"),
        pytest.param("T8", "lesions", id="a-string-not-a-list"),
        pytest.param([FEMUR, "T8"], "lesions[1]", id="a-lesion-not-a-mapping"),
        pytest.param([FEMUR, {"region": "spine"}], "lesions[1].label", id="no-label"),
        pytest.param([FEMUR, {"label": None, "region": "spine"}], "lesions[1].label", id="label-none"),
        pytest.param([FEMUR, {"label": "T8"}], "lesions[1].region", id="no-region"),
        pytest.param([FEMUR, T8, {**T8, "sins": 3}], "lesions[2].label", id="repeated-label"),
        pytest.param([FEMUR, {**T8, "label": " Left femur "}], "lesions[1].label", id="repeated-after-strip"),
        pytest.param([{**FEMUR, "sins": 8}], "lesions[0].sins", id="sins-outside-the-spine"),
        pytest.param([{**ILIUM, "bilsky": "2"}], "lesions[0].bilsky", id="bilsky-outside-the-spine"),
        pytest.param(
            [{**RIB, "canal_narrowing_over_25_percent": True}],
            "lesions[0].canal_narrowing_over_25_percent",
            id="canal-outside-the-spine",
        ),
        pytest.param(
            [{**FEMUR, "tumour_cord_distance_mm": 3}],
            "lesions[0].tumour_cord_distance_mm",
            id="distance-outside-the-spine",
        ),
    ],
)
def test_a_lesion_list_that_breaks_the_contract_raises(lesions, item):
    with pytest.raises(ScoreInputError) as excinfo:
        evaluate({"today": TODAY, "lesions": lesions})
    assert excinfo.value.item == item and str(excinfo.value).startswith(f"{item}: ")


def test_bad_fact_messages_name_the_allowed_values():
    with pytest.raises(ScoreInputError, match=r"ecog: 7 is not allowed; expected an integer from 0 to 4"):
        evaluate({"ecog": 7})
    with pytest.raises(ScoreInputError) as excinfo:
        evaluate({"bma_current": "pamidronate"})
    assert "zoledronic_acid" in str(excinfo.value) and "denosumab" in str(excinfo.value)
    with pytest.raises(
        ScoreInputError, match=r"lesions\[0\]\.mirels: 13 is not allowed; expected an integer from 4 to 12"
    ):
        evaluate({"lesions": [{**FEMUR, "mirels": 13}]})
    with pytest.raises(
        ScoreInputError, match=r"lesions\[1\]\.label: 'T8' is already the label of lesions\[0\]"
    ):
        evaluate({"lesions": [T8, T8]})
    with pytest.raises(ScoreInputError, match=r"only for a spine lesion, not for region 'long_bone'"):
        evaluate({"lesions": [{**FEMUR, "sins": 4}]})


def test_a_bad_fact_raises_even_when_no_rule_reads_it():
    with pytest.raises(ScoreInputError, match="asa"):
        evaluate({"asa": 9, "lesions": [{**FEMUR, "mirels": 9}]})
    with pytest.raises(ScoreInputError, match=r"lesions\[0\]\.soft_tissue_predominant"):
        evaluate({"lesions": [{**FEMUR, "soft_tissue_predominant": "no"}]})


def test_facts_must_be_a_mapping():
    with pytest.raises(ScoreInputError):
        evaluate([("bmi", 17.0)])


def test_unknown_keys_and_none_are_ignored():
    assert run({"max_mirels": 12, "bmi": None, "lesions": None}) == []
    assert fired({"lesions": [{**FEMUR, "mirels": 9, "colour": "blue", "sins": None}]}) == ["MIRELS-SURGERY"]


@pytest.mark.parametrize(
    ("facts", "rule", "key"),
    [
        (
            {"life_expectancy_months": Decimal("2.5"), **femur(mirels=9)},
            "SURGERY-CONTRAINDICATED",
            "life_expectancy_months",
        ),
        ({"bmi": 17, "spinal_cord_compression": True}, "SURGERY-LOW-BMI", "bmi"),  # an int is a valid float
        ({"creatinine_clearance": Decimal("45.0")}, "BMA-RENAL", "creatinine_clearance"),
    ],
)
def test_numbers_of_any_numeric_type_are_accepted_for_float_facts(facts, rule, key):
    found = finding(rule, facts)
    assert found.figures[key] == float(facts[key]) and isinstance(found.figures[key], float)


def test_text_choices_members_are_accepted():
    class Bilsky(models.TextChoices):
        THREE = "3", "3"

    class Region(models.TextChoices):
        SPINE = "spine", "Spine"

    class Status(models.TextChoices):
        STABLE = "stable", "Stable"

    assert "BILSKY-HIGH" in fired(
        {"lesions": [{"label": "T8", "region": Region.SPINE, "bilsky": Bilsky.THREE}]}
    )
    assert "SBRT-OLIGO" in fired({**OLIGO, "disease_status": Status.STABLE})


# --- today --------------------------------------------------------------------------------------------------
def test_today_defaults_to_the_current_date(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    assert [f.rule for f in evaluate({**ZA, "bma_start": ago(731), "last_dental_exam_date": TODAY})] == [
        "BMA-REVIEW"
    ]
    assert evaluate({**ZA, "bma_start": ago(730), "last_dental_exam_date": TODAY}) == []


def test_today_moves_the_time_spans():
    facts = {"bma_current": "denosumab", "last_dental_exam_date": datetime.date(2025, 1, 1)}
    assert "BMA-DENTAL" not in fired({**facts, "today": datetime.date(2025, 1, 1) + days(182)})
    assert "BMA-DENTAL" in fired({**facts, "today": datetime.date(2025, 1, 1) + days(183)})


# --- Thresholds live in one place ---------------------------------------------------------------------------
def test_rules_read_the_named_thresholds(monkeypatch):
    monkeypatch.setattr(thresholds, "MIRELS_SURGERY_MIN", 10)
    assert "MIRELS-SURGERY" not in fired(femur(mirels=9))
    assert "Left femur: Mirels 10 ≥ 10" in finding("MIRELS-SURGERY", femur(mirels=10)).message


def test_documented_time_spans():
    assert thresholds.SIX_MONTHS_DAYS == 183
    assert thresholds.THREE_MONTHS_DAYS == 91
    assert thresholds.TWENTY_FOUR_MONTHS_DAYS == 730
    assert thresholds.GCSF_PET_WITHIN_DAYS == 15
    assert thresholds.ZA_CREATININE_ABNORMAL_BASELINE_FROM == 1.4 * 88.4
    assert round(0.5 * 88.4, 2) == thresholds.ZA_CREATININE_RISE_NORMAL_BASELINE


# --- The conformity check reads ABLATION's exclusions -------------------------------------------------------
def test_ablation_exclusions_name_each_excluded_lesion():
    facts = {
        "lesions": [
            {**FEMUR, "mirels": 9},
            {**HUMERUS, "mirels": 8},
            {**T8, "bilsky": "2", "sins": 13},
            {**RIB, "fractured": True},
        ]
    }
    assert ablation_exclusions(facts) == [
        ("Left femur", ["Mirels 9 ≥ 9"]),
        ("T8", ["Bilsky grade 2", "SINS 13 ≥ 13"]),
        ("Rib 6 (left)", ["pathological fracture"]),
    ]
    assert ablation_exclusions({}) == []


# --- Translation and serialisation --------------------------------------------------------------------------
def test_messages_are_translated_when_evaluate_runs(monkeypatch):
    monkeypatch.setattr("scoring.rules.gettext", lambda text: "[xx] " + text)
    assert finding("MIRELS-SURGERY", femur(mirels=9)).message.startswith("[xx] Left femur: Mirels 9 ≥ 9")


def test_numbers_dates_and_words_follow_the_active_language():
    bmi = finding("SURGERY-LOW-BMI", {"bmi": 17.2, "spinal_cord_compression": True}, "fr").message
    assert "17,2" in bmi and "1,95" in bmi
    postop = finding("POSTOP-RT", femur(surgery_date=datetime.date(2025, 6, 1)), "fr").message
    assert postop.startswith("Left femur : ") and "1 juin 2025" in postop
    assert finding("TOMITA-STRATEGY", {"tomita": 9}, "fr").message == "Tomita 9 (8–10) : soins de support."
    assert "2,61" in finding("CA-HIGH", {"corrected_calcium": 2.605}, "fr").message


def test_finding_is_frozen_hashable_and_serialisable():
    (found,) = run(femur(mirels=9))
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.level = "info"
    assert hash(found) == hash(found)
    data = found.as_dict()
    assert data == {
        "rule": "MIRELS-SURGERY",
        "level": "warning",
        "lesion": "Left femur",
        "message": found.message,
        "source": "OncoBFC/NEON/ONCORIF 2021 §3.5.2; §3.7",
    }
    assert json.loads(json.dumps(data)) == data
    (review,) = run({**ZA, "bma_start": datetime.date(2020, 1, 1), "last_dental_exam_date": TODAY})
    assert review.as_dict()["lesion"] is None
    assert review.as_dict(figures=True)["figures"]["bma_start"] == "2020-01-01"
    contra = finding("SBRT-CONTRAINDICATED", {**OLIGO, **femur(last_rt_date=ago(5))})
    assert contra.as_dict(figures=True)["figures"]["lesions"] == {
        "Left femur": {"last_rt_date": "2025-06-10"}
    }
    json.dumps(contra.as_dict(figures=True))
