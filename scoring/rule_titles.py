"""A short title for each guideline rule, to name a rule where its identifier alone says too little
(the board's trial register links trials to rules by identifier: ../shared/clinical/rules.md, SBRT-OLIGO).

One title per identifier of `scoring.rules.RULE_IDS`, checked when the module is loaded: a rule added
to the table without a title, or a title left behind by a removed rule, fails at import.
"""

from .i18n import gettext_lazy as _
from .rules import RULE_IDS

RULE_TITLES = {
    "MSCC-EMERGENCY": _("Spinal cord compression: emergency pathway"),
    "MSCC-SUSPECTED": _("New neurological deficit: suspected cord compression"),
    "CA-CRISIS": _("Hypercalcaemic crisis"),
    "CA-HIGH": _("Hypercalcaemia"),
    "FRACTURE-FIXATION": _("Pathological fracture: fixation"),
    "MIRELS-SURGERY": _("High fracture risk (Mirels ≥ 9): prophylactic fixation"),
    "SINS-SURGICAL-OPINION": _("Spinal instability (SINS ≥ 7): spine surgeon's opinion"),
    "BILSKY-HIGH": _("High-grade epidural compression (Bilsky 2–3)"),
    "SURGERY-LOW-BMI": _("Low BMI before surgery"),
    "BMA-DENTAL": _("Dental evaluation before a bone-modifying agent"),
    "BMA-RENAL": _("Renal function and zoledronic acid"),
    "BMA-DENOSUMAB-RENAL": _("Denosumab with severe renal failure"),
    "BMA-ZA-CREATININE": _("Creatinine rise under zoledronic acid"),
    "BMA-HYPOCALCAEMIA": _("Hypocalcaemia before a bone-modifying agent"),
    "IMG-SINGLE-LESION": _("Single bone lesion on whole-body imaging"),
    "IMG-GCSF": _("FDG-PET soon after G-CSF"),
    "IMG-FLARE": _("Possible flare on a follow-up scan"),
    "RADES-GROUP": _("Rades group: radiotherapy scheme"),
    "MIRELS-DISCUSS": _("Borderline fracture risk (Mirels 8)"),
    "PERCUTANEOUS-SCREW": _("Percutaneous screw fixation"),
    "SURGERY-LIFE-EXPECTANCY": _("Surgery by life expectancy"),
    "POSTOP-RT": _("Post-operative radiotherapy"),
    "SBRT-OLIGO": _("Oligometastatic disease: stereotactic radiotherapy"),
    "CEMENTOPLASTY": _("Cementoplasty to discuss"),
    "BMA-START": _("Start a bone-modifying agent"),
    "BMA-VITAMIN-D": _("Vitamin D deficiency"),
    "IMG-SPINE-MRI": _("Whole-spine MRI"),
    "BIOPSY": _("Biopsy before any treatment"),
    "SBRT-CONTRAINDICATED": _("Stereotactic radiotherapy contraindicated"),
    "MIRELS-RT": _("Low fracture risk (Mirels ≤ 7)"),
    "CEMENTOPLASTY-CONTRAINDICATED": _("Cementoplasty contraindicated"),
    "ABLATION": _("Percutaneous thermal ablation"),
    "SURGERY-CONTRAINDICATED": _("Surgery with life expectancy under 3 months"),
    "SURGERY-FUNCTIONAL-PROGNOSIS": _("Surgery: prognostic factors"),
    "TOKUHASHI-STRATEGY": _("Strategy by the Tokuhashi score"),
    "TOMITA-STRATEGY": _("Strategy by the Tomita score"),
    "RT-PAIN-SCHEME": _("Palliative radiotherapy for bone pain"),
    "LOCAL-TREATMENT": _("Local treatment of 1 or 2 metastatic sites"),
    "BMA-REVIEW": _("Bone-modifying agent beyond 2 years: review"),
}
if list(RULE_TITLES) != list(RULE_IDS):  # same identifiers, in the order of the rules table
    raise ValueError(f"rule titles out of step with RULE_IDS: {sorted(set(RULE_TITLES) ^ set(RULE_IDS))}")


def rule_choices() -> list[tuple[str, str]]:
    """(identifier, "IDENTIFIER — title") for every rule, in the order of the rules table, in the active
    language (call it when the language is set: e.g. as a form field's `choices`)."""
    return [(rule, f"{rule} — {RULE_TITLES[rule]}") for rule in RULE_IDS]
