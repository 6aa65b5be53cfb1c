"""The guideline rules engine (scoring.rules) against ../shared/clinical/rules.md.

Table-driven: each rule fires on its trigger, stays silent just past its boundary and on unknown facts;
findings are ordered by level; bad facts raise ScoreInputError naming the key; messages quote figures.
Messages are checked in English (translation.override("en")), whatever the project's default language.
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
from scoring.rules import FACT_SPECS, LEVELS, RULE_IDS, RULES, Finding, evaluate

TODAY = datetime.date(2025, 6, 15)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def run(facts: dict, language: str = "en") -> list[Finding]:
    with translation.override(language):
        return evaluate({"today": TODAY, **facts})


def fired(facts: dict) -> list[str]:
    return [finding.rule for finding in run(facts)]


def finding(rule: str, facts: dict) -> Finding:
    matches = [f for f in run(facts) if f.rule == rule]
    assert matches, f"{rule} did not fire on {facts}"
    return matches[0]


# --- The rules table of rules.md: ids, order and levels ------------------------------------------------
RULES_MD = [
    ("MSCC-EMERGENCY", "urgent"),
    ("CA-CRISIS", "urgent"),
    ("CA-HIGH", "warning"),
    ("RADES-GROUP", "recommendation"),
    ("MIRELS-RT", "recommendation"),
    ("MIRELS-DISCUSS", "recommendation"),
    ("MIRELS-SURGERY", "warning"),
    ("PERCUTANEOUS-SCREW", "recommendation"),
    ("SINS-SURGICAL-OPINION", "warning"),
    ("BILSKY-HIGH", "warning"),
    ("TOKUHASHI-STRATEGY", "info"),
    ("TOMITA-STRATEGY", "info"),
    ("SURGERY-LIFE-EXPECTANCY", "recommendation"),
    ("SURGERY-CONTRAINDICATED", "warning"),
    ("SURGERY-LOW-BMI", "warning"),
    ("POSTOP-RT", "recommendation"),
    ("SBRT-OLIGO", "recommendation"),
    ("SBRT-CONTRAINDICATED", "info"),
    ("RT-PAIN-SCHEME", "info"),
    ("LOCAL-TREATMENT", "info"),
    ("CEMENTOPLASTY", "recommendation"),
    ("ABLATION", "info"),
    ("BMA-START", "recommendation"),
    ("BMA-DENTAL", "warning"),
    ("BMA-RENAL", "warning"),
    ("BMA-HYPOCALCAEMIA", "warning"),
    ("BMA-VITAMIN-D", "recommendation"),
    ("BMA-REVIEW", "info"),
    ("IMG-SPINE-MRI", "recommendation"),
    ("IMG-SINGLE-LESION", "warning"),
    ("IMG-NO-BONE-SCAN", "info"),
    ("IMG-GCSF", "warning"),
    ("IMG-FLARE", "warning"),
    ("BIOPSY", "recommendation"),
]

FACTS_MD = [
    "today",
    "age",
    "bmi",
    "ecog",
    "life_expectancy_months",
    "bone_lesion_count",
    "bone_sites_count",
    "visceral_metastases",
    "metastatic_sites_count",
    "disease_status",
    "vertebral_involvement",
    "spine_mri_done",
    "single_lesion_on_whole_body_imaging",
    "fdg_pet_done",
    "bone_scan_requested",
    "last_gcsf_date",
    "last_fdg_pet_date",
    "systemic_treatment_start",
    "new_foci_on_followup_scan",
    "followup_scan_date",
    "bma_current",
    "bma_start",
    "last_dental_exam_date",
    "creatinine_clearance",
    "corrected_calcium",
    "vitamin_d_deficient",
    "max_mirels",
    "mirels_site_pelvis_or_proximal_femur_fracture",
    "max_sins",
    "max_bilsky",
    "spinal_cord_compression",
    "neurological_deficit",
    "rades_group",
    "tokuhashi",
    "tomita",
    "bone_pain_nrs",
    "pain_mechanical",
    "analgesia_failure",
    "surgery_on_bone_date",
    "postoperative_rt_done",
    "last_rt_date_same_site",
    "canal_narrowing_over_25_percent",
    "tumour_cord_distance_mm",
    "active_infection_or_sepsis",
    "uncontrolled_coagulopathy",
    "bone_first_presentation",
    "asa",
]


def test_rules_follow_the_table_of_rules_md():
    assert list(RULE_IDS) == [rule for rule, _ in RULES_MD]
    assert [(rule.id, rule.level) for rule in RULES] == RULES_MD


def test_one_spec_per_fact_of_rules_md():
    assert list(FACT_SPECS) == FACTS_MD


def test_sources_are_readable_citations():
    for rule in RULES:
        assert rule.source and "`" not in rule.source
        for code in ("000", "001", "003", "004"):
            assert code not in rule.source.split()
    sources = {rule.id: rule.source for rule in RULES}
    assert sources["MIRELS-SURGERY"] == "OncoBFC/NEON/ONCORIF 2021 §3.5.2; §3.7"
    assert sources["MSCC-EMERGENCY"] == "Literature digest 2026 item 1; OncoBFC/NEON/ONCORIF 2021 §3.5.3"
    assert "Chinese expert consensus on bone metastasis in lung cancer 2022" in sources["CA-HIGH"]
    assert "Regional thoracic-oncology guideline" in sources["CA-CRISIS"]
    assert "Literature digest 2026 item 8" in sources["SURGERY-LOW-BMI"]


# --- Each rule: fires on its trigger, silent past the boundary and on unknown facts -------------------------
OLIGO = {"bone_sites_count": 2, "visceral_metastases": False, "disease_status": "stable"}
CEMENT = {"analgesia_failure": True, "vertebral_involvement": True}


def case(rule: str, fires: bool, facts: dict, label: str):
    return pytest.param(rule, fires, facts, id=f"{rule}-{'fires' if fires else 'silent'}-{label}")


CASES = [
    # MSCC-EMERGENCY: spinal_cord_compression or (neurological_deficit and vertebral_involvement)
    case("MSCC-EMERGENCY", True, {"spinal_cord_compression": True}, "compression"),
    case("MSCC-EMERGENCY", True, {"neurological_deficit": True, "vertebral_involvement": True}, "deficit"),
    case("MSCC-EMERGENCY", False, {"spinal_cord_compression": False}, "no-compression"),
    case(
        "MSCC-EMERGENCY", False, {"neurological_deficit": True, "vertebral_involvement": False}, "no-vertebra"
    ),
    case("MSCC-EMERGENCY", False, {"neurological_deficit": True}, "vertebra-unknown"),
    case("MSCC-EMERGENCY", False, {"vertebral_involvement": True}, "deficit-unknown"),
    # CA-CRISIS: > 3.5 (on the value rounded half up to 2 decimals)
    case("CA-CRISIS", True, {"corrected_calcium": 3.51}, "3.51"),
    case("CA-CRISIS", True, {"corrected_calcium": 3.505}, "3.505-rounds-up"),
    case("CA-CRISIS", False, {"corrected_calcium": 3.50}, "3.50"),
    case("CA-CRISIS", False, {"corrected_calcium": 3.504}, "3.504-rounds-down"),
    # CA-HIGH: 2.60 < calcium ≤ 3.5
    case("CA-HIGH", True, {"corrected_calcium": 2.61}, "2.61"),
    case("CA-HIGH", True, {"corrected_calcium": 2.605}, "2.605-rounds-up"),
    case("CA-HIGH", True, {"corrected_calcium": 3.50}, "3.50"),
    case("CA-HIGH", False, {"corrected_calcium": 2.60}, "2.60"),
    case("CA-HIGH", False, {"corrected_calcium": 2.6049}, "2.6049-rounds-down"),
    case("CA-HIGH", False, {"corrected_calcium": 3.51}, "crisis-instead"),
    # RADES-GROUP: known
    case("RADES-GROUP", True, {"rades_group": 1}, "1"),
    case("RADES-GROUP", True, {"rades_group": 2}, "2"),
    case("RADES-GROUP", True, {"rades_group": 3}, "3"),
    # Mirels ≤ 7 / = 8 / ≥ 9
    case("MIRELS-RT", True, {"max_mirels": 4}, "4"),
    case("MIRELS-RT", True, {"max_mirels": 7}, "7"),
    case("MIRELS-RT", False, {"max_mirels": 8}, "8"),
    case("MIRELS-DISCUSS", True, {"max_mirels": 8}, "8"),
    case("MIRELS-DISCUSS", False, {"max_mirels": 7}, "7"),
    case("MIRELS-DISCUSS", False, {"max_mirels": 9}, "9"),
    case("MIRELS-SURGERY", True, {"max_mirels": 9}, "9"),
    case("MIRELS-SURGERY", True, {"max_mirels": 12}, "12"),
    case("MIRELS-SURGERY", False, {"max_mirels": 8}, "8"),
    # PERCUTANEOUS-SCREW: fracture of pelvis/proximal femur and Mirels > 8
    case(
        "PERCUTANEOUS-SCREW",
        True,
        {"mirels_site_pelvis_or_proximal_femur_fracture": True, "max_mirels": 9},
        "9",
    ),
    case(
        "PERCUTANEOUS-SCREW",
        False,
        {"mirels_site_pelvis_or_proximal_femur_fracture": True, "max_mirels": 8},
        "8",
    ),
    case(
        "PERCUTANEOUS-SCREW",
        False,
        {"mirels_site_pelvis_or_proximal_femur_fracture": False, "max_mirels": 12},
        "nofx",
    ),
    case(
        "PERCUTANEOUS-SCREW", False, {"mirels_site_pelvis_or_proximal_femur_fracture": True}, "mirels-unknown"
    ),
    case("PERCUTANEOUS-SCREW", False, {"max_mirels": 12}, "fracture-unknown"),
    # SINS ≥ 7
    case("SINS-SURGICAL-OPINION", True, {"max_sins": 7}, "7"),
    case("SINS-SURGICAL-OPINION", True, {"max_sins": 18}, "18"),
    case("SINS-SURGICAL-OPINION", False, {"max_sins": 6}, "6"),
    # Bilsky 2 or 3
    case("BILSKY-HIGH", True, {"max_bilsky": "2"}, "2"),
    case("BILSKY-HIGH", True, {"max_bilsky": "3"}, "3"),
    case("BILSKY-HIGH", False, {"max_bilsky": "1c"}, "1c"),
    case("BILSKY-HIGH", False, {"max_bilsky": "0"}, "0"),
    # Tokuhashi, Tomita, life expectancy: known
    case("TOKUHASHI-STRATEGY", True, {"tokuhashi": 0}, "0"),
    case("TOMITA-STRATEGY", True, {"tomita": 10}, "10"),
    case("SURGERY-LIFE-EXPECTANCY", True, {"life_expectancy_months": 0}, "0"),
    # SURGERY-CONTRAINDICATED: life expectancy < 3
    case("SURGERY-CONTRAINDICATED", True, {"life_expectancy_months": 2.9}, "2.9"),
    case("SURGERY-CONTRAINDICATED", False, {"life_expectancy_months": 3}, "3"),
    case("SURGERY-CONTRAINDICATED", False, {"life_expectancy_months": 3.0}, "3.0"),
    # SURGERY-LOW-BMI: < 18.5
    case("SURGERY-LOW-BMI", True, {"bmi": 18.4}, "18.4"),
    case("SURGERY-LOW-BMI", False, {"bmi": 18.5}, "18.5"),
    # POSTOP-RT: surgery date known and post-operative RT known not done
    case(
        "POSTOP-RT",
        True,
        {"surgery_on_bone_date": TODAY - days(10), "postoperative_rt_done": False},
        "not-done",
    ),
    case(
        "POSTOP-RT", False, {"surgery_on_bone_date": TODAY - days(10), "postoperative_rt_done": True}, "done"
    ),
    case("POSTOP-RT", False, {"surgery_on_bone_date": TODAY - days(10)}, "rt-unknown"),
    case("POSTOP-RT", False, {"postoperative_rt_done": False}, "date-unknown"),
    # SBRT-OLIGO: 1–3 bone sites, no visceral metastasis, stable or responding, no contraindication
    case("SBRT-OLIGO", True, OLIGO, "oligo"),
    case("SBRT-OLIGO", True, {**OLIGO, "bone_sites_count": 1}, "1-site"),
    case("SBRT-OLIGO", True, {**OLIGO, "bone_sites_count": 3}, "3-sites"),
    case("SBRT-OLIGO", True, {**OLIGO, "disease_status": "responding"}, "responding"),
    case("SBRT-OLIGO", False, {**OLIGO, "bone_sites_count": 0}, "0-sites"),
    case("SBRT-OLIGO", False, {**OLIGO, "bone_sites_count": 4}, "4-sites"),
    case("SBRT-OLIGO", False, {**OLIGO, "visceral_metastases": True}, "visceral"),
    case("SBRT-OLIGO", False, {"bone_sites_count": 2, "disease_status": "stable"}, "visceral-unknown"),
    case("SBRT-OLIGO", False, {"bone_sites_count": 2, "visceral_metastases": False}, "status-unknown"),
    case("SBRT-OLIGO", False, {"visceral_metastases": False, "disease_status": "stable"}, "sites-unknown"),
    case("SBRT-OLIGO", False, {**OLIGO, "disease_status": "progressing"}, "progressing"),
    case("SBRT-OLIGO", False, {**OLIGO, "disease_status": "new"}, "new"),
    # ... each contraindication turns SBRT-OLIGO into SBRT-CONTRAINDICATED, exactly at its boundary
    case("SBRT-OLIGO", False, {**OLIGO, "spinal_cord_compression": True}, "mscc"),
    case("SBRT-OLIGO", True, {**OLIGO, "spinal_cord_compression": False}, "no-mscc"),
    case("SBRT-OLIGO", False, {**OLIGO, "max_sins": 13}, "sins-13"),
    case("SBRT-OLIGO", True, {**OLIGO, "max_sins": 12}, "sins-12"),
    case("SBRT-OLIGO", False, {**OLIGO, "last_rt_date_same_site": TODAY - days(90)}, "rt-90-days"),
    case("SBRT-OLIGO", True, {**OLIGO, "last_rt_date_same_site": TODAY - days(91)}, "rt-91-days"),
    case("SBRT-OLIGO", False, {**OLIGO, "life_expectancy_months": 2.9}, "le-2.9"),
    case("SBRT-OLIGO", True, {**OLIGO, "life_expectancy_months": 3}, "le-3"),
    case("SBRT-OLIGO", False, {**OLIGO, "canal_narrowing_over_25_percent": True}, "canal"),
    case("SBRT-OLIGO", True, {**OLIGO, "canal_narrowing_over_25_percent": False}, "no-canal"),
    case("SBRT-OLIGO", False, {**OLIGO, "tumour_cord_distance_mm": 4.9}, "distance-4.9"),
    case("SBRT-OLIGO", True, {**OLIGO, "tumour_cord_distance_mm": 5}, "distance-5"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "spinal_cord_compression": True}, "mscc"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "max_sins": 13}, "sins-13"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, "max_sins": 12}, "sins-12"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "last_rt_date_same_site": TODAY - days(90)}, "rt-90-days"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, "last_rt_date_same_site": TODAY - days(91)}, "rt-91-days"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "life_expectancy_months": 2.9}, "le-2.9"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, "life_expectancy_months": 3}, "le-3"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "canal_narrowing_over_25_percent": True}, "canal"),
    case("SBRT-CONTRAINDICATED", True, {**OLIGO, "tumour_cord_distance_mm": 4.9}, "distance-4.9"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, "tumour_cord_distance_mm": 5}, "distance-5"),
    case("SBRT-CONTRAINDICATED", False, OLIGO, "none-holds"),
    case("SBRT-CONTRAINDICATED", False, {**OLIGO, "bone_sites_count": 4, "max_sins": 15}, "not-oligo"),
    case("SBRT-CONTRAINDICATED", False, {"spinal_cord_compression": True, "max_sins": 15}, "oligo-unknown"),
    # RT-PAIN-SCHEME: NRS ≥ 4
    case("RT-PAIN-SCHEME", True, {"bone_pain_nrs": 4}, "4"),
    case("RT-PAIN-SCHEME", True, {"bone_pain_nrs": 10}, "10"),
    case("RT-PAIN-SCHEME", False, {"bone_pain_nrs": 3}, "3"),
    # LOCAL-TREATMENT: ≤ 2 metastatic sites
    case("LOCAL-TREATMENT", True, {"metastatic_sites_count": 2}, "2"),
    case("LOCAL-TREATMENT", True, {"metastatic_sites_count": 1}, "1"),
    case("LOCAL-TREATMENT", False, {"metastatic_sites_count": 3}, "3"),
    # CEMENTOPLASTY
    case("CEMENTOPLASTY", True, CEMENT, "count-unknown"),
    case("CEMENTOPLASTY", True, {**CEMENT, "bone_lesion_count": 5}, "5-lesions"),
    case("CEMENTOPLASTY", False, {**CEMENT, "bone_lesion_count": 6}, "6-lesions"),
    case(
        "CEMENTOPLASTY",
        True,
        {**CEMENT, "active_infection_or_sepsis": False, "uncontrolled_coagulopathy": False},
        "ok",
    ),
    case("CEMENTOPLASTY", False, {**CEMENT, "active_infection_or_sepsis": True}, "infection"),
    case("CEMENTOPLASTY", False, {**CEMENT, "uncontrolled_coagulopathy": True}, "coagulopathy"),
    case("CEMENTOPLASTY", False, {**CEMENT, "analgesia_failure": False}, "pain-controlled"),
    case("CEMENTOPLASTY", False, {"analgesia_failure": True}, "vertebra-unknown"),
    case("CEMENTOPLASTY", False, {"vertebral_involvement": True}, "analgesia-unknown"),
    # ABLATION: NRS > 4 and (bone sites ≤ 3 or pain not mechanical)
    case("ABLATION", True, {"bone_pain_nrs": 5, "bone_sites_count": 3}, "5-3-sites"),
    case("ABLATION", False, {"bone_pain_nrs": 4, "bone_sites_count": 3}, "4-3-sites"),
    case(
        "ABLATION",
        False,
        {"bone_pain_nrs": 5, "bone_sites_count": 4, "pain_mechanical": True},
        "4-sites-mech",
    ),
    case("ABLATION", True, {"bone_pain_nrs": 5, "bone_sites_count": 4, "pain_mechanical": False}, "not-mech"),
    case("ABLATION", True, {"bone_pain_nrs": 5, "pain_mechanical": False}, "sites-unknown-not-mech"),
    case("ABLATION", False, {"bone_pain_nrs": 5}, "sites-and-mechanism-unknown"),
    case("ABLATION", False, {"bone_sites_count": 1, "pain_mechanical": False}, "pain-unknown"),
    # BMA-START: ≥ 1 lesion, no agent, life expectancy > 3 or unknown
    case("BMA-START", True, {"bone_lesion_count": 1, "bma_current": "none"}, "le-unknown"),
    case(
        "BMA-START",
        True,
        {"bone_lesion_count": 1, "bma_current": "none", "life_expectancy_months": 3.1},
        "le-3.1",
    ),
    case(
        "BMA-START",
        False,
        {"bone_lesion_count": 1, "bma_current": "none", "life_expectancy_months": 3},
        "le-3",
    ),
    case("BMA-START", False, {"bone_lesion_count": 0, "bma_current": "none"}, "0-lesions"),
    case("BMA-START", False, {"bone_lesion_count": 3, "bma_current": "zoledronic_acid"}, "on-za"),
    case("BMA-START", False, {"bone_lesion_count": 3}, "agent-unknown"),
    case("BMA-START", False, {"bma_current": "none"}, "lesions-unknown"),
    # BMA-DENTAL: agent current or recommended, and no dental exam within 6 months (183 days) before today
    case("BMA-DENTAL", True, {"bma_current": "zoledronic_acid"}, "za-no-exam"),
    case(
        "BMA-DENTAL",
        True,
        {"bma_current": "denosumab", "last_dental_exam_date": TODAY - days(184)},
        "184-days",
    ),
    case(
        "BMA-DENTAL",
        False,
        {"bma_current": "denosumab", "last_dental_exam_date": TODAY - days(183)},
        "183-days",
    ),
    case("BMA-DENTAL", False, {"bma_current": "denosumab", "last_dental_exam_date": TODAY}, "exam-today"),
    case(
        "BMA-DENTAL",
        True,
        {"bma_current": "denosumab", "last_dental_exam_date": TODAY + days(1)},
        "exam-future",
    ),
    case("BMA-DENTAL", True, {"bone_lesion_count": 2, "bma_current": "none"}, "recommended"),
    case("BMA-DENTAL", False, {"bone_lesion_count": 0, "bma_current": "none"}, "not-recommended"),
    case(
        "BMA-DENTAL",
        False,
        {"bone_lesion_count": 2, "bma_current": "none", "life_expectancy_months": 2},
        "not-recommended-short-le",
    ),
    case("BMA-DENTAL", False, {"last_dental_exam_date": TODAY - days(400)}, "agent-unknown"),
    # BMA-RENAL: clearance < 60
    case("BMA-RENAL", True, {"creatinine_clearance": 59.9}, "59.9"),
    case("BMA-RENAL", True, {"creatinine_clearance": 0}, "0"),
    case("BMA-RENAL", False, {"creatinine_clearance": 60}, "60"),
    # BMA-HYPOCALCAEMIA: agent current or recommended and calcium < 2.20
    case("BMA-HYPOCALCAEMIA", True, {"bma_current": "zoledronic_acid", "corrected_calcium": 2.19}, "2.19"),
    case(
        "BMA-HYPOCALCAEMIA",
        True,
        {"bma_current": "denosumab", "corrected_calcium": 2.194},
        "2.194-rounds-down",
    ),
    case("BMA-HYPOCALCAEMIA", False, {"bma_current": "zoledronic_acid", "corrected_calcium": 2.20}, "2.20"),
    case(
        "BMA-HYPOCALCAEMIA",
        False,
        {"bma_current": "denosumab", "corrected_calcium": 2.195},
        "2.195-rounds-up",
    ),
    case(
        "BMA-HYPOCALCAEMIA",
        True,
        {"bone_lesion_count": 1, "bma_current": "none", "corrected_calcium": 2.1},
        "recom",
    ),
    case("BMA-HYPOCALCAEMIA", False, {"bma_current": "none", "corrected_calcium": 2.1}, "no-agent"),
    case("BMA-HYPOCALCAEMIA", False, {"corrected_calcium": 2.1}, "agent-unknown"),
    # BMA-VITAMIN-D
    case("BMA-VITAMIN-D", True, {"bma_current": "denosumab", "vitamin_d_deficient": True}, "current"),
    case(
        "BMA-VITAMIN-D",
        True,
        {"bone_lesion_count": 1, "bma_current": "none", "vitamin_d_deficient": True},
        "recom",
    ),
    case("BMA-VITAMIN-D", False, {"bma_current": "denosumab", "vitamin_d_deficient": False}, "not-deficient"),
    case("BMA-VITAMIN-D", False, {"bma_current": "none", "vitamin_d_deficient": True}, "no-agent"),
    # BMA-REVIEW: started more than 24 months (730 days) before today
    case("BMA-REVIEW", True, {"bma_start": TODAY - days(731)}, "731-days"),
    case("BMA-REVIEW", False, {"bma_start": TODAY - days(730)}, "730-days"),
    # IMG-SPINE-MRI
    case("IMG-SPINE-MRI", True, {"vertebral_involvement": True, "spine_mri_done": False}, "no-mri"),
    case("IMG-SPINE-MRI", False, {"vertebral_involvement": True, "spine_mri_done": True}, "mri-done"),
    case("IMG-SPINE-MRI", False, {"vertebral_involvement": True}, "mri-unknown"),
    case("IMG-SPINE-MRI", False, {"vertebral_involvement": False, "spine_mri_done": False}, "no-vertebra"),
    # IMG-SINGLE-LESION, IMG-NO-BONE-SCAN
    case("IMG-SINGLE-LESION", True, {"single_lesion_on_whole_body_imaging": True}, "single"),
    case("IMG-SINGLE-LESION", False, {"single_lesion_on_whole_body_imaging": False}, "several"),
    case("IMG-NO-BONE-SCAN", True, {"bone_scan_requested": True, "fdg_pet_done": True}, "pet-done"),
    case("IMG-NO-BONE-SCAN", False, {"bone_scan_requested": True, "fdg_pet_done": False}, "no-pet"),
    case("IMG-NO-BONE-SCAN", False, {"bone_scan_requested": True}, "pet-unknown"),
    # IMG-GCSF: PET on days 0 to 15 after G-CSF (day 15 included)
    case("IMG-GCSF", True, {"last_gcsf_date": TODAY, "last_fdg_pet_date": TODAY}, "day-0"),
    case("IMG-GCSF", True, {"last_gcsf_date": TODAY, "last_fdg_pet_date": TODAY + days(15)}, "day-15"),
    case("IMG-GCSF", False, {"last_gcsf_date": TODAY, "last_fdg_pet_date": TODAY + days(16)}, "day-16"),
    case("IMG-GCSF", False, {"last_gcsf_date": TODAY, "last_fdg_pet_date": TODAY - days(1)}, "pet-before"),
    case("IMG-GCSF", False, {"last_gcsf_date": TODAY}, "pet-unknown"),
    # IMG-FLARE: new foci on a scan 0 to 182 days after the treatment start (< 6 months = 183 days)
    case(
        "IMG-FLARE",
        True,
        {"new_foci_on_followup_scan": True, "systemic_treatment_start": TODAY, "followup_scan_date": TODAY},
        "day-0",
    ),
    case(
        "IMG-FLARE",
        True,
        {
            "new_foci_on_followup_scan": True,
            "systemic_treatment_start": TODAY,
            "followup_scan_date": TODAY + days(182),
        },
        "day-182",
    ),
    case(
        "IMG-FLARE",
        False,
        {
            "new_foci_on_followup_scan": True,
            "systemic_treatment_start": TODAY,
            "followup_scan_date": TODAY + days(183),
        },
        "day-183",
    ),
    case(
        "IMG-FLARE",
        False,
        {
            "new_foci_on_followup_scan": True,
            "systemic_treatment_start": TODAY,
            "followup_scan_date": TODAY - days(1),
        },
        "scan-before",
    ),
    case(
        "IMG-FLARE",
        False,
        {"new_foci_on_followup_scan": False, "systemic_treatment_start": TODAY, "followup_scan_date": TODAY},
        "no-new-foci",
    ),
    case(
        "IMG-FLARE", False, {"new_foci_on_followup_scan": True, "followup_scan_date": TODAY}, "start-unknown"
    ),
    # BIOPSY
    case("BIOPSY", True, {"bone_first_presentation": True}, "first-presentation"),
    case("BIOPSY", True, {"single_lesion_on_whole_body_imaging": True}, "single-lesion"),
    case(
        "BIOPSY",
        False,
        {"bone_first_presentation": False, "single_lesion_on_whole_body_imaging": False},
        "neither",
    ),
]


@pytest.mark.parametrize(("rule", "fires", "facts"), CASES)
def test_rule_boundary(rule, fires, facts):
    assert (rule in fired(facts)) is fires


def test_every_rule_has_a_firing_case():
    assert {p.values[0] for p in CASES if p.values[1]} == set(RULE_IDS)


@pytest.mark.parametrize("facts", [{}, {"today": TODAY}], ids=["empty", "today-only"])
def test_nothing_known_nothing_fires(facts):
    assert evaluate(facts) == []


def test_none_means_unknown():
    assert fired(dict.fromkeys(FACT_SPECS)) == []


def test_unknown_keys_are_ignored():
    assert fired({"max_mirels": 9, "favourite_colour": object(), "ECOG": "bad", 3: 4}) == ["MIRELS-SURGERY"]


# --- Messages quote the figures; each band says what to do ------------------------------------------------
MESSAGES = [
    ("MIRELS-SURGERY", {"max_mirels": 9}, ["Mirels 9 ≥ 9", "prophylactic fixation", "percutaneous nailing"]),
    ("MIRELS-RT", {"max_mirels": 7}, ["Mirels 7 ≤ 7", "radiotherapy"]),
    ("MIRELS-DISCUSS", {"max_mirels": 8}, ["Mirels 8 = 8", "15 %", "board"]),
    (
        "PERCUTANEOUS-SCREW",
        {"mirels_site_pelvis_or_proximal_femur_fracture": True, "max_mirels": 10},
        ["10 > 8"],
    ),
    ("MSCC-EMERGENCY", {"spinal_cord_compression": True}, ["MRI within 24 h", "corticosteroids", "8–24 h"]),
    ("CA-CRISIS", {"corrected_calcium": 3.6}, ["3.60 mmol/L > 3.50 mmol/L", "crisis"]),
    ("CA-HIGH", {"corrected_calcium": 2.75}, ["2.75 mmol/L > 2.60", "mild hypercalcaemia"]),
    ("CA-HIGH", {"corrected_calcium": 2.99}, ["2.99", "mild hypercalcaemia"]),
    ("CA-HIGH", {"corrected_calcium": 3.0}, ["3.00", "moderate hypercalcaemia"]),
    ("CA-HIGH", {"corrected_calcium": 3.5}, ["3.50", "moderate hypercalcaemia"]),
    (
        "RADES-GROUP",
        {"rades_group": 1},
        ["Rades group 1", "8 Gy in a single fraction", "no benefit from surgery"],
    ),
    (
        "RADES-GROUP",
        {"rades_group": 2},
        ["Rades group 2", "20 Gy in 5 fractions or 30 Gy in 10", "with or without"],
    ),
    ("RADES-GROUP", {"rades_group": 3}, ["Rades group 3", "excellent result without surgery"]),
    (
        "SINS-SURGICAL-OPINION",
        {"max_sins": 7},
        ["SINS 7 ≥ 7", "potentially unstable", "(7–12)", "spine surgeon"],
    ),
    ("SINS-SURGICAL-OPINION", {"max_sins": 12}, ["SINS 12", "potentially unstable", "(7–12)"]),
    ("SINS-SURGICAL-OPINION", {"max_sins": 13}, ["SINS 13", "unstable spine (13–18)"]),
    ("BILSKY-HIGH", {"max_bilsky": "3"}, ["Bilsky grade 3", "decompression", "spine surgeon"]),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 15}, ["Tokuhashi 15 (12–15)", "excisional surgery"]),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 12}, ["Tokuhashi 12 (12–15)", "excisional surgery"]),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 11}, ["Tokuhashi 11 (9–11)", "palliative surgery"]),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 9}, ["Tokuhashi 9 (9–11)", "palliative surgery"]),
    ("TOKUHASHI-STRATEGY", {"tokuhashi": 8}, ["Tokuhashi 8 (0–8)", "conservative treatment"]),
    ("TOMITA-STRATEGY", {"tomita": 2}, ["Tomita 2 (2–3)", "en bloc"]),
    ("TOMITA-STRATEGY", {"tomita": 3}, ["Tomita 3 (2–3)", "en bloc"]),
    ("TOMITA-STRATEGY", {"tomita": 4}, ["Tomita 4 (4–5)", "intralesional"]),
    ("TOMITA-STRATEGY", {"tomita": 5}, ["Tomita 5 (4–5)", "intralesional"]),
    ("TOMITA-STRATEGY", {"tomita": 6}, ["Tomita 6 (6–7)", "palliative surgery"]),
    ("TOMITA-STRATEGY", {"tomita": 7}, ["Tomita 7 (6–7)", "palliative surgery"]),
    ("TOMITA-STRATEGY", {"tomita": 8}, ["Tomita 8 (8–10)", "supportive care"]),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 1.4},
        ["1.4 months < 1.5 months (6 weeks)", "no benefit"],
    ),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 1.5},
        ["1.5 months", "less aggressive", "no arthroplasty"],
    ),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 6},
        ["6 months", "less aggressive", "no arthroplasty"],
    ),
    ("SURGERY-LIFE-EXPECTANCY", {"life_expectancy_months": 6.5}, ["6.5 months", "arthroplasty possible"]),
    ("SURGERY-LIFE-EXPECTANCY", {"life_expectancy_months": 12}, ["12 months", "less aggressive"]),
    (
        "SURGERY-LIFE-EXPECTANCY",
        {"life_expectancy_months": 12.5},
        ["12.5 months > 12", "resection–reconstruction"],
    ),
    ("SURGERY-CONTRAINDICATED", {"life_expectancy_months": 2}, ["2 months < 3 months", "contraindicated"]),
    ("SURGERY-LOW-BMI", {"bmi": 17.2}, ["BMI 17.2 kg/m² < 18.5", "30-day mortality"]),
    ("SURGERY-LOW-BMI", {"bmi": 17.26}, ["BMI 17.3 kg/m²"]),  # shown to 1 decimal
    ("SURGERY-LOW-BMI", {"bmi": 18.499}, ["BMI 18.499 kg/m² < 18.5"]),
    (
        "POSTOP-RT",
        {"surgery_on_bone_date": datetime.date(2025, 6, 1), "postoperative_rt_done": False},
        ["June 1, 2025", "whole bone", "June 16, 2025 to June 22, 2025", "30 Gy in 10"],
    ),
    ("SBRT-OLIGO", OLIGO, ["2 bone sites", "stereotactic radiotherapy", "STEREO-OS"]),
    ("SBRT-OLIGO", {**OLIGO, "bone_sites_count": 1}, ["1 bone site,"]),
    (
        "SBRT-CONTRAINDICATED",
        {**OLIGO, "spinal_cord_compression": True},
        ["contraindicated: spinal cord compression"],
    ),
    ("SBRT-CONTRAINDICATED", {**OLIGO, "max_sins": 14}, ["SINS 14 ≥ 13"]),
    (
        "SBRT-CONTRAINDICATED",
        {**OLIGO, "last_rt_date_same_site": TODAY - days(30)},
        ["May 16, 2025", "3 months"],
    ),
    (
        "SBRT-CONTRAINDICATED",
        {**OLIGO, "life_expectancy_months": 2.5},
        ["life expectancy 2.5 months < 3 months"],
    ),
    ("SBRT-CONTRAINDICATED", {**OLIGO, "canal_narrowing_over_25_percent": True}, ["canal narrowing > 25 %"]),
    ("SBRT-CONTRAINDICATED", {**OLIGO, "tumour_cord_distance_mm": 4.9}, ["distance 4.9 mm < 5 mm"]),
    (
        "SBRT-CONTRAINDICATED",
        {**OLIGO, "spinal_cord_compression": True, "tumour_cord_distance_mm": 2},
        ["spinal cord compression; tumour–cord distance 2 mm < 5 mm"],
    ),
    (
        "RT-PAIN-SCHEME",
        {"bone_pain_nrs": 6},
        ["6/10 ≥ 4/10", "30 Gy in 10 fractions", "single fraction if ECOG > 2"],
    ),
    (
        "RT-PAIN-SCHEME",
        {"bone_pain_nrs": 6, "ecog": 2, "life_expectancy_months": 3},
        ["single fraction if ECOG > 2"],
    ),
    ("RT-PAIN-SCHEME", {"bone_pain_nrs": 6, "ecog": 3}, ["single fraction of 8 Gy (ECOG 3 > 2)"]),
    (
        "RT-PAIN-SCHEME",
        {"bone_pain_nrs": 6, "life_expectancy_months": 2},
        ["(life expectancy 2 months < 3 months)"],
    ),
    ("LOCAL-TREATMENT", {"metastatic_sites_count": 1}, ["1 metastatic site ≤ 2", "local treatments"]),
    ("LOCAL-TREATMENT", {"metastatic_sites_count": 2}, ["2 metastatic sites ≤ 2"]),
    ("CEMENTOPLASTY", {**CEMENT, "bone_lesion_count": 4}, ["4 bone lesions ≤ 5", "cementoplasty"]),
    ("CEMENTOPLASTY", CEMENT, ["not recorded", "more than 5", "cementoplasty"]),
    (
        "ABLATION",
        {"bone_pain_nrs": 7, "bone_sites_count": 2},
        ["7/10 > 4/10", "2 bone sites ≤ 3", "ablation"],
    ),
    ("ABLATION", {"bone_pain_nrs": 5, "pain_mechanical": False}, ["5/10 > 4/10", "non-mechanical"]),
    (
        "BMA-START",
        {"bone_lesion_count": 1, "bma_current": "none"},
        ["1 bone metastasis and", "zoledronic acid 4 mg"],
    ),
    (
        "BMA-START",
        {"bone_lesion_count": 3, "bma_current": "none", "life_expectancy_months": 8},
        ["3 bone metastases", "8 months > 3 months", "denosumab 120 mg"],
    ),
    (
        "BMA-DENTAL",
        {"bma_current": "zoledronic_acid"},
        ["Zoledronic acid in progress", "no dental evaluation"],
    ),
    ("BMA-DENTAL", {"bone_lesion_count": 1, "bma_current": "none"}, ["recommended", "panoramic"]),
    (
        "BMA-DENTAL",
        {"bma_current": "denosumab", "last_dental_exam_date": datetime.date(2024, 12, 1)},
        ["Denosumab in progress", "Dec. 1, 2024", "183 days", "every 6 months"],
    ),
    ("BMA-RENAL", {"creatinine_clearance": 59.9}, ["59.9 mL/min < 60 mL/min", "zoledronic acid 3.5 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 50}, ["50 mL/min", "3.5 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 49.9}, ["3.3 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 40}, ["3.3 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 39.9}, ["zoledronic acid 3 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 30}, ["zoledronic acid 3 mg"]),
    ("BMA-RENAL", {"creatinine_clearance": 29.9}, ["29.9 mL/min", "not recommended", "prefer denosumab"]),
    ("BMA-RENAL", {"creatinine_clearance": 59.999}, ["59.999 mL/min < 60 mL/min"]),
    (
        "BMA-HYPOCALCAEMIA",
        {"bma_current": "zoledronic_acid", "corrected_calcium": 2.1},
        ["2.10 mmol/L < 2.20"],
    ),
    (
        "BMA-VITAMIN-D",
        {"bma_current": "denosumab", "vitamin_d_deficient": True},
        ["vitamin D deficiency", "1 g/day"],
    ),
    # 731 days before 2025-06-15 is 2023-06-15 (2024 is a leap year): 24 months are counted as 730 days
    ("BMA-REVIEW", {"bma_start": TODAY - days(731)}, ["June 15, 2023", "731 > 730 days", "at least 2 years"]),
    (
        "IMG-SPINE-MRI",
        {"vertebral_involvement": True, "spine_mri_done": False},
        ["whole-spine MRI", "epiduritis"],
    ),
    (
        "IMG-SINGLE-LESION",
        {"single_lesion_on_whole_body_imaging": True},
        ["targeted MRI", "biopsy", "15 to 18"],
    ),
    ("IMG-NO-BONE-SCAN", {"bone_scan_requested": True, "fdg_pet_done": True}, ["not indicated"]),
    (
        "IMG-GCSF",
        {"last_gcsf_date": TODAY, "last_fdg_pet_date": TODAY + days(15)},
        ["15 days after G-CSF", "15 days)"],
    ),
    ("IMG-GCSF", {"last_gcsf_date": TODAY, "last_fdg_pet_date": TODAY + days(1)}, ["1 day after G-CSF"]),
    (
        "IMG-FLARE",
        {
            "new_foci_on_followup_scan": True,
            "systemic_treatment_start": TODAY,
            "followup_scan_date": TODAY + days(182),
        },
        ["182 days after", "flare", "do not conclude progression"],
    ),
    ("BIOPSY", {"bone_first_presentation": True}, ["primary not yet proven", "EDTA"]),
    (
        "BIOPSY",
        {"bone_first_presentation": True, "single_lesion_on_whole_body_imaging": True},
        ["primary not yet proven; single bone lesion"],
    ),
]


@pytest.mark.parametrize(
    ("rule", "facts", "expected"), MESSAGES, ids=[f"{rule}-{i}" for i, (rule, _, _) in enumerate(MESSAGES)]
)
def test_message_quotes_the_figures(rule, facts, expected):
    message = finding(rule, facts).message
    for text in expected:
        assert text in message


def test_messages_never_show_a_value_rounded_onto_its_threshold():
    message = finding("SURGERY-LOW-BMI", {"bmi": 18.4999}).message
    assert "18.5 kg/m² < 18.5" not in message and "18.4999" in message


def test_figures_hold_the_quoted_fact_values():
    assert finding("MIRELS-SURGERY", {"max_mirels": 9}).figures == {"max_mirels": 9}
    assert finding("CA-HIGH", {"corrected_calcium": 2.605}).figures == {"corrected_calcium": 2.61}
    renal = finding("BMA-RENAL", {"creatinine_clearance": 45.0}).figures
    assert renal == {"creatinine_clearance": 45.0, "zoledronic_acid_dose_mg": 3.3}
    assert finding("BMA-RENAL", {"creatinine_clearance": 20}).figures["zoledronic_acid_dose_mg"] is None
    contra = finding(
        "SBRT-CONTRAINDICATED", {**OLIGO, "max_sins": 14, "canal_narrowing_over_25_percent": True}
    )
    assert contra.figures == {**OLIGO, "max_sins": 14, "canal_narrowing_over_25_percent": True}
    review = finding("BMA-REVIEW", {"bma_start": TODAY - days(800)}).figures
    assert review == {"bma_start": TODAY - days(800), "days_since_bma_start": 800}


# --- Ordering -----------------------------------------------------------------------------------------------
CORD_COMPRESSION_PATIENT = {
    "age": 64,
    "ecog": 3,
    "bmi": 17.8,
    "life_expectancy_months": 4.0,
    "bone_lesion_count": 6,
    "bone_sites_count": 4,
    "visceral_metastases": True,
    "metastatic_sites_count": 5,
    "disease_status": "progressing",
    "vertebral_involvement": True,
    "spine_mri_done": False,
    "spinal_cord_compression": True,
    "neurological_deficit": True,
    "max_sins": 13,
    "max_bilsky": "3",
    "rades_group": 1,
    "tokuhashi": 5,
    "tomita": 8,
    "bone_pain_nrs": 8,
    "pain_mechanical": True,
    "analgesia_failure": True,
    "bma_current": "none",
    "creatinine_clearance": 52.0,
    "corrected_calcium": 2.68,
    "asa": 3,
}
CORD_COMPRESSION_FINDINGS = [
    "MSCC-EMERGENCY",
    "CA-HIGH",
    "SINS-SURGICAL-OPINION",
    "BILSKY-HIGH",
    "SURGERY-LOW-BMI",
    "BMA-DENTAL",
    "BMA-RENAL",
    "RADES-GROUP",
    "SURGERY-LIFE-EXPECTANCY",
    "BMA-START",
    "IMG-SPINE-MRI",
    "TOKUHASHI-STRATEGY",
    "TOMITA-STRATEGY",
    "RT-PAIN-SCHEME",
]


def test_realistic_cord_compression_patient():
    findings = run(CORD_COMPRESSION_PATIENT)
    assert [f.rule for f in findings] == CORD_COMPRESSION_FINDINGS
    assert findings[0].rule == "MSCC-EMERGENCY" and findings[0].level == "urgent"
    messages = {f.rule: f.message for f in findings}
    assert "Rades group 1" in messages["RADES-GROUP"]
    assert "ECOG 3 > 2" in messages["RT-PAIN-SCHEME"]
    assert "zoledronic acid 3.5 mg" in messages["BMA-RENAL"]
    assert "2.68 mmol/L" in messages["CA-HIGH"]


def test_findings_are_ordered_by_level_then_by_the_rules_table():
    many = {
        **CORD_COMPRESSION_PATIENT,
        "corrected_calcium": 3.7,
        "max_mirels": 9,
        "mirels_site_pelvis_or_proximal_femur_fracture": True,
        "bone_first_presentation": True,
        "bone_scan_requested": True,
        "fdg_pet_done": True,
        "bma_start": TODAY - days(1000),
        "last_gcsf_date": TODAY - days(10),
        "last_fdg_pet_date": TODAY - days(2),
    }
    findings = run(many)
    ranks = [LEVELS.index(f.level) for f in findings]
    assert ranks == sorted(ranks)
    assert [f.rule for f in findings][:2] == ["MSCC-EMERGENCY", "CA-CRISIS"]
    for level in LEVELS:
        ids = [f.rule for f in findings if f.level == level]
        assert ids == [rule for rule in RULE_IDS if rule in ids]
    assert {f.level for f in findings} == set(LEVELS)
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
    ("ecog", 2.0),
    ("ecog", "2"),
    ("age", 131),
    ("age", -1),
    ("max_mirels", 3),
    ("max_mirels", 13),
    ("max_sins", 19),
    ("tokuhashi", 16),
    ("tomita", 1),
    ("tomita", 11),
    ("bone_pain_nrs", 11),
    ("asa", 0),
    ("asa", 6),
    ("bone_lesion_count", -1),
    ("bone_sites_count", 1.5),
    ("metastatic_sites_count", False),
    ("spinal_cord_compression", "yes"),  # a string is not a bool
    ("spinal_cord_compression", 1),
    ("vitamin_d_deficient", "False"),
    ("bmi", 0),
    ("bmi", -3.0),
    ("bmi", True),
    ("bmi", "22"),
    ("life_expectancy_months", -0.5),
    ("life_expectancy_months", float("inf")),
    ("creatinine_clearance", -1),
    ("creatinine_clearance", float("nan")),
    ("corrected_calcium", 6.1),
    ("corrected_calcium", 0.4),
    ("tumour_cord_distance_mm", -1),
    ("max_bilsky", 2),
    ("max_bilsky", "4"),
    ("max_bilsky", "2a"),
    ("rades_group", 4),
    ("rades_group", True),
    ("rades_group", "1"),
    ("bma_current", "pamidronate"),
    ("bma_current", "Denosumab"),  # slugs are case-sensitive
    ("disease_status", "cured"),
]


@pytest.mark.parametrize(("key", "value"), BAD_FACTS, ids=[f"{k}={v!r}" for k, v in BAD_FACTS])
def test_bad_fact_raises_naming_the_key(key, value):
    with translation.override("en"), pytest.raises(ScoreInputError) as excinfo:
        evaluate({"today": TODAY, key: value})
    assert key in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


def test_bad_fact_message_names_the_allowed_values():
    with translation.override("en"), pytest.raises(ScoreInputError) as excinfo:
        evaluate({"ecog": 7})
    assert "ecog" in str(excinfo.value) and "0 to 4" in str(excinfo.value)
    with translation.override("en"), pytest.raises(ScoreInputError) as excinfo:
        evaluate({"bma_current": "pamidronate"})
    assert "zoledronic_acid" in str(excinfo.value) and "denosumab" in str(excinfo.value)


def test_a_bad_fact_raises_even_when_no_rule_reads_it():
    with pytest.raises(ScoreInputError, match="asa"):
        evaluate({"asa": 9, "max_mirels": 9})


def test_facts_must_be_a_mapping():
    with pytest.raises(ScoreInputError):
        evaluate([("max_mirels", 9)])


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("life_expectancy_months", Decimal("2.5"), "SURGERY-CONTRAINDICATED"),  # a DecimalField value
        ("bmi", 17, "SURGERY-LOW-BMI"),  # an int is a valid float fact
        ("creatinine_clearance", Decimal("45.0"), "BMA-RENAL"),
    ],
)
def test_numbers_of_any_numeric_type_are_accepted_for_float_facts(key, value, rule):
    found = finding(rule, {key: value})
    assert found.figures[key] == float(value) and isinstance(found.figures[key], float)


def test_text_choices_members_are_accepted():
    class Bilsky(models.TextChoices):
        THREE = "3", "3"

    class Status(models.TextChoices):
        STABLE = "stable", "Stable"

    assert "BILSKY-HIGH" in fired({"max_bilsky": Bilsky.THREE})
    assert "SBRT-OLIGO" in fired({**OLIGO, "disease_status": Status.STABLE})


# --- today --------------------------------------------------------------------------------------------------
def test_today_defaults_to_the_current_date(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    with translation.override("en"):
        assert [f.rule for f in evaluate({"bma_start": TODAY - days(731)})] == ["BMA-REVIEW"]
        assert evaluate({"bma_start": TODAY - days(730)}) == []


def test_today_moves_the_time_spans():
    facts = {"bma_current": "denosumab", "last_dental_exam_date": datetime.date(2025, 1, 1)}
    assert "BMA-DENTAL" not in fired({**facts, "today": datetime.date(2025, 1, 1) + days(183)})
    assert "BMA-DENTAL" in fired({**facts, "today": datetime.date(2025, 1, 1) + days(184)})


# --- Thresholds live in one place ---------------------------------------------------------------------------
def test_rules_read_the_named_thresholds(monkeypatch):
    monkeypatch.setattr(thresholds, "MIRELS_SURGERY_MIN", 10)
    assert "MIRELS-SURGERY" not in fired({"max_mirels": 9})
    assert "Mirels 10 ≥ 10" in finding("MIRELS-SURGERY", {"max_mirels": 10}).message


def test_documented_time_spans():
    assert thresholds.SIX_MONTHS_DAYS == 183
    assert thresholds.THREE_MONTHS_DAYS == 91
    assert thresholds.TWENTY_FOUR_MONTHS_DAYS == 730
    assert thresholds.GCSF_PET_WITHIN_DAYS == 15


# --- Translation and serialisation --------------------------------------------------------------------------
def test_messages_are_translated_when_evaluate_runs(monkeypatch):
    monkeypatch.setattr("scoring.rules.gettext", lambda text: "[xx] " + text)
    assert finding("MIRELS-SURGERY", {"max_mirels": 9}).message.startswith("[xx] Mirels 9 ≥ 9")


def test_numbers_and_dates_follow_the_active_language():
    (found,) = run({"bmi": 17.2}, language="fr")
    assert "17,2" in found.message
    (postop,) = run({"surgery_on_bone_date": datetime.date(2025, 6, 1), "postoperative_rt_done": False}, "fr")
    assert "1 juin 2025" in postop.message


def test_finding_is_frozen_hashable_and_serialisable():
    (found,) = run({"max_mirels": 9})
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.level = "info"
    assert hash(found) == hash(found)
    data = found.as_dict()
    assert data == {
        "rule": "MIRELS-SURGERY",
        "level": "warning",
        "message": found.message,
        "source": "OncoBFC/NEON/ONCORIF 2021 §3.5.2; §3.7",
    }
    assert json.loads(json.dumps(data)) == data
    (review,) = run({"bma_start": datetime.date(2020, 1, 1)})
    assert review.as_dict(figures=True)["figures"]["bma_start"] == "2020-01-01"
    json.dumps(review.as_dict(figures=True))
