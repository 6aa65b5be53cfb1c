"""The conformity check of a decision (rcp.conformity) against rules.md version 2, "Checked against the
decision, not by evaluate": exactly the listed contradictions, each at its boundary, and nothing for
what rules.md says is not a deviation."""

import datetime

import pytest
from django.utils import translation

from rcp.conformity import contradictions
from scoring.rules import evaluate

TODAY = datetime.date(2025, 6, 15)
FEMUR = {"label": "Left femur", "region": "long_bone", "weight_bearing": True}
T8 = {"label": "T8", "region": "spine"}
OLIGO = {"bone_sites_count": 2, "visceral_metastases": False, "disease_status": "stable"}


def check(proposals: dict, facts: dict) -> list[str]:
    facts = {"today": TODAY, **facts}
    with translation.override("en"):
        return contradictions(proposals, evaluate(facts), facts)


SURGERY = {"surgery": {"type": "osteosynthesis"}}
SBRT = {"radiotherapy": {"scheme": "sbrt"}}
CEMENT = {"interventional": {"procedure": "cementoplasty"}}
ABLATE = {"interventional": {"procedure": "thermal_ablation"}}
ZA = {"bma": {"agent": "zoledronic_acid"}}
CALCIUM = {"bma": {"agent": "denosumab", "supplements": "calcium_vitamin_d"}}
BONE_SCAN = {"exams": {"which": ["bone_scan"]}}
PAINFUL_T8 = {"analgesia_failure": True, "lesions": [{**T8, "pain_nrs": 6, "bilsky": "3"}]}


def case(label: str, proposals: dict, facts: dict, expected: str | None):
    return pytest.param(proposals, facts, expected, id=label)


CASES = [
    # Surgery with a life expectancy under 1.5 months (whether or not the rules put surgery on the table)
    case(
        "surgery-le-1.49",
        SURGERY,
        {"life_expectancy_months": 1.49},
        "life expectancy is 1.49 months, under 1.5 months (6 weeks)",
    ),
    case(
        "surgery-le-1.4-mirels-9",
        SURGERY,
        {"life_expectancy_months": 1.4, "lesions": [{**FEMUR, "mirels": 9}]},
        "6 weeks",
    ),
    case(
        "surgery-le-1.5-§3.7-option",
        SURGERY,
        {"life_expectancy_months": 1.5, "lesions": [{**FEMUR, "mirels": 9}]},
        None,
    ),
    case(
        "surgery-le-2.99-§3.7-option",
        SURGERY,
        {"life_expectancy_months": 2.99, "spinal_cord_compression": True},
        None,
    ),
    case("surgery-le-unknown", SURGERY, {"spinal_cord_compression": True}, None),
    case("no-surgery-le-1", {"radiotherapy": {"scheme": "8x1"}}, {"life_expectancy_months": 1}, None),
    case("surgery-low-bmi-is-a-warning", SURGERY, {"bmi": 16.0, "spinal_cord_compression": True}, None),
    # Stereotactic radiotherapy while SBRT-CONTRAINDICATED fires
    case("sbrt-contraindicated", SBRT, {**OLIGO, "life_expectancy_months": 2.5}, "Stereotactic radiotherapy"),
    case("sbrt-no-contraindication", SBRT, OLIGO, None),
    case("sbrt-not-oligometastatic", SBRT, {"life_expectancy_months": 2.5}, None),
    case(
        "single-fraction-contraindicated",
        {"radiotherapy": {"scheme": "8x1"}},
        {**OLIGO, "life_expectancy_months": 2},
        None,
    ),
    # Cementoplasty where CEMENTOPLASTY-CONTRAINDICATED fires
    case("cementoplasty-contraindicated", CEMENT, PAINFUL_T8, "contraindicated for T8"),
    case(
        "vertebroplasty-contraindicated",
        {"interventional": {"procedure": "vertebroplasty"}},
        PAINFUL_T8,
        "T8",
    ),
    case(
        "cementoplasty-indicated",
        CEMENT,
        {**PAINFUL_T8, "lesions": [{**T8, "pain_nrs": 6, "bilsky": "1a"}]},
        None,
    ),
    case(
        "screw-fixation-not-cement",
        {"interventional": {"procedure": "percutaneous_screw_fixation"}},
        PAINFUL_T8,
        None,
    ),
    # Ablation of a lesion excluded from ABLATION
    case("ablation-mirels-9", ABLATE, {"lesions": [{**FEMUR, "mirels": 9}]}, "Left femur: Mirels 9 ≥ 9"),
    case("ablation-fractured", ABLATE, {"lesions": [{**FEMUR, "fractured": True}]}, "pathological fracture"),
    case(
        "ablation-compression",
        ABLATE,
        {"lesions": [{**T8, "cord_compression": True}]},
        "T8: cord compression",
    ),
    case("ablation-bilsky-2", ABLATE, {"lesions": [{**T8, "bilsky": "2"}]}, "T8: Bilsky grade 2"),
    case("ablation-sins-13", ABLATE, {"lesions": [{**T8, "sins": 13}]}, "T8: SINS 13 ≥ 13"),
    case(
        "ablation-mirels-8",
        ABLATE,
        {"lesions": [{**FEMUR, "mirels": 8}, {**T8, "sins": 12, "bilsky": "1c"}]},
        None,
    ),
    case("ablation-no-lesion-known", ABLATE, {}, None),
    # Zoledronic acid with a clearance under 30 or while BMA-ZA-CREATININE fires
    case("za-clearance-29.99", ZA, {"creatinine_clearance": 29.99}, "clearance is 29.99 mL/min, under 30"),
    case("za-clearance-20", ZA, {"creatinine_clearance": 20}, "20 mL/min, under 30 mL/min"),
    case("za-clearance-30", ZA, {"creatinine_clearance": 30}, None),
    case("denosumab-clearance-20", {"bma": {"agent": "denosumab"}}, {"creatinine_clearance": 20}, None),
    case(
        "za-creatinine-risen",
        ZA,
        {"bma_current": "zoledronic_acid", "creatinine_baseline": 80.0, "creatinine_latest": 124.2},
        "creatinine has risen",
    ),
    case(
        "za-creatinine-stable",
        ZA,
        {"bma_current": "zoledronic_acid", "creatinine_baseline": 80.0, "creatinine_latest": 124.19},
        None,
    ),
    # Calcium supplements with hypercalcaemia
    case("calcium-2.61", CALCIUM, {"corrected_calcium": 2.61}, "corrected calcium is 2.61 mmol/L"),
    case("calcium-crisis", CALCIUM, {"corrected_calcium": 3.8}, "3.80 mmol/L (hypercalcaemia above 2.60"),
    case("calcium-2.60", CALCIUM, {"corrected_calcium": 2.60}, None),
    case("calcium-unknown", CALCIUM, {}, None),
    case("vitamin-d-only", {"bma": {"supplements": "vitamin_d"}}, {"corrected_calcium": 2.9}, None),
    case(
        "no-supplement",
        {"bma": {"agent": "denosumab", "supplements": "none"}},
        {"corrected_calcium": 2.9},
        None,
    ),
    # A bone scan when an FDG-PET is available
    case(
        "bone-scan-after-pet",
        BONE_SCAN,
        {"last_fdg_pet_date": datetime.date(2025, 6, 1)},
        "FDG-PET is available",
    ),
    case("bone-scan-no-pet", BONE_SCAN, {}, None),
    case("pet-after-pet", {"exams": {"which": ["fdg_pet", "spine_mri"]}}, {"last_fdg_pet_date": TODAY}, None),
    # Version 1's other checks are gone: they are not on rules.md's list
    case(
        "bma-with-hypocalcaemia",
        {"bma": {"agent": "denosumab"}},
        {"bma_current": "denosumab", "corrected_calcium": 2.0},
        None,
    ),
    case("mscc-surveillance", {"surveillance": {}}, {"spinal_cord_compression": True}, None),
    case("mirels-9-surveillance", {"surveillance": {}}, {"lesions": [{**FEMUR, "mirels": 9}]}, None),
]


@pytest.mark.parametrize(("proposals", "facts", "expected"), CASES)
def test_a_proposal_contradicts_exactly_the_listed_findings(proposals, facts, expected):
    found = check(proposals, facts)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0], found


def test_every_contradiction_of_a_proposal_is_listed():
    proposals = {
        **SURGERY,
        **SBRT,
        **ABLATE,
        **BONE_SCAN,
        "bma": {"agent": "zoledronic_acid", "supplements": "calcium_vitamin_d"},
    }
    facts = {
        **OLIGO,
        "life_expectancy_months": 1,
        "creatinine_clearance": 25,
        "corrected_calcium": 2.9,
        "last_fdg_pet_date": TODAY,
        "lesions": [{**FEMUR, "mirels": 10}],
    }
    assert len(check(proposals, facts)) == 6


def test_no_proposal_no_contradiction():
    assert (
        check({}, {"life_expectancy_months": 1, "creatinine_clearance": 10, "corrected_calcium": 3.9}) == []
    )


def test_contradictions_are_in_the_users_language():
    facts = {"today": TODAY, "life_expectancy_months": 1.25, "last_fdg_pet_date": datetime.date(2025, 6, 1)}
    with translation.override("fr"):
        found = contradictions({**SURGERY, **BONE_SCAN}, evaluate(facts), facts)
    assert "1,25 mois" in found[0]
    assert "6 semaines" in found[0] and "1 juin 2025" in found[1]
