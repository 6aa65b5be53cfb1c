"""The facts of a patient for the guideline's rules (`scoring.rules.evaluate`), read from a loaded record.

Pure on a `PatientRecord` (its prefetched rows): no query of its own, whatever the size of the record.
A fact the record does not hold is left out (unknown), never guessed. Conventions, where the record
needs reading:
- a lesion seen on several exams counts once (same site, level, rib and side); each distinct lesion
  is one metastatic bone site;
- a cord compression or a motor deficit is "current" when dated within the last 30 days
  (`RECENT_DAYS`); an older one is history, not an emergency;
- the imaging list is the record of what was done: no whole-spine MRI recorded means none done.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import choices as c
from .prefill import NOT_VISCERAL

RECENT_DAYS = 30
GCSF_NAMES = re.compile(r"g-?csf|filgrastim|lenograstim", re.IGNORECASE)
BILSKY_ORDER = ["0", "1a", "1b", "1c", "2", "3"]
SPINE_MRI = {c.Modality.SPINE_MRI, c.Modality.WHOLE_BODY_MRI}


def _latest(record, attribute):
    return record.latest(attribute)[0]


def _distinct(lesions):
    return {
        (lesion.site, lesion.vertebral_level, lesion.rib_number, lesion.side): lesion for lesion in lesions
    }


def _treatments(record, category):
    return [t for t in record.treatments if t.category == category]  # oldest first


def _current(treatments):
    ongoing = [t for t in treatments if t.end_date is None]
    return ongoing[-1] if ongoing else None


def _saved_totals(record, slug):
    return [
        a.total
        for (score, _lesion), a in record.latest_scores.items()
        if score == slug and a.total is not None
    ]


def patient_facts(record) -> dict:
    """The facts of rules.md known from this record (missing key = unknown)."""
    patient, today = record.patient, timezone.localdate()
    recent = today - timedelta(days=RECENT_DAYS)
    facts = {"today": today, "age": patient.age}
    lesions = list(_distinct(record.lesions).values())
    sites = list(patient.metastaticsites.all())
    visceral = [s for s in sites if s.organ not in NOT_VISCERAL]

    # Assessments: the newest known value of each item.
    for fact, attribute in (
        ("life_expectancy_months", "life_expectancy_months"),
        ("disease_status", "disease_status"),
        ("bone_pain_nrs", "pain_nrs"),
        ("pain_mechanical", "pain_mechanical"),
        ("analgesia_failure", "analgesia_failure"),
        ("asa", "asa"),
    ):
        value = _latest(record, attribute)
        if value is not None and value != "":
            facts[fact] = value
    ps = next((a.ecog_value for a in record.assessments if a.ecog_value is not None), None)
    if ps is not None:
        facts["ecog"] = min(ps, 4)
    bmi = next((a.bmi for a in record.assessments if a.bmi is not None), None)
    if bmi is not None:
        facts["bmi"] = bmi
    dental = [a.date for a in record.assessments if a.dental_exam]
    if dental:
        facts["last_dental_exam_date"] = dental[0]
    if record.assessments:
        onset = _latest(record, "motor_deficit_onset")
        facts["neurological_deficit"] = bool(onset and onset >= recent)

    # Lesions, sites and imaging.
    if record.exams:
        facts["bone_lesion_count"] = len(lesions)
        facts["bone_sites_count"] = len(lesions)
        facts["metastatic_sites_count"] = len(lesions) + len(sites)
        facts["vertebral_involvement"] = any(lesion.is_spinal for lesion in lesions)
        facts["spine_mri_done"] = any(exam.modality in SPINE_MRI for exam in record.exams)
        facts["fdg_pet_done"] = any(exam.modality == c.Modality.FDG_PET for exam in record.exams)
        facts["visceral_metastases"] = bool(visceral)
        whole_body = [exam for exam in record.exams if exam.modality in c.Modality.whole_body()]
        if whole_body:
            facts["single_lesion_on_whole_body_imaging"] = len(whole_body[0].lesions.all()) == 1
        pets = [exam.date for exam in record.exams if exam.modality == c.Modality.FDG_PET]
        if pets:
            facts["last_fdg_pet_date"] = pets[0]
        followups = [exam for exam in record.exams if exam.new_foci is not None]
        if followups:
            facts["new_foci_on_followup_scan"] = followups[0].new_foci
            facts["followup_scan_date"] = followups[0].date
        facts["mirels_site_pelvis_or_proximal_femur_fracture"] = any(
            lesion.fracture
            and lesion.lesion_type == c.LesionType.LYTIC
            and (lesion.site in c.PELVIS or lesion.site in c.PROXIMAL_FEMUR)
            for lesion in lesions
        )
    elif sites:
        facts["visceral_metastases"] = bool(visceral)
    grades = [lesion.bilsky for lesion in lesions if lesion.bilsky]
    if grades:
        facts["max_bilsky"] = max(grades, key=BILSKY_ORDER.index)
    for fact, slug in (
        ("max_mirels", "mirels"),
        ("max_sins", "sins"),
        ("tokuhashi", "tokuhashi"),
        ("tomita", "tomita"),
    ):
        totals = _saved_totals(record, slug)
        if totals:
            facts[fact] = max(totals)

    # Events.
    compressions = [e for e in patient.skeletalevents.all() if e.kind == c.EventKind.CORD_COMPRESSION]
    facts["spinal_cord_compression"] = bool(compressions and compressions[0].date >= recent)
    rades = record.latest_scores.get(("rades", None))
    if rades and facts["spinal_cord_compression"]:
        facts["rades_group"] = int(rades.band.rsplit("_", 1)[1])

    # Treatments.
    systemic = _current(_treatments(record, c.TreatmentCategory.SYSTEMIC))
    if systemic:
        facts["systemic_treatment_start"] = systemic.start_date
    bma = _current(_treatments(record, c.TreatmentCategory.BONE_MODIFYING))
    facts["bma_current"] = bma.bone_agent if bma else "none"
    if bma:
        facts["bma_start"] = bma.start_date
    gcsf = [t for t in _treatments(record, c.TreatmentCategory.SUPPORTIVE) if GCSF_NAMES.search(t.name)]
    if gcsf:
        facts["last_gcsf_date"] = gcsf[-1].start_date
    surgeries = _treatments(record, c.TreatmentCategory.SURGERY)
    if surgeries:
        surgery = surgeries[-1].start_date
        facts["surgery_on_bone_date"] = surgery
        facts["postoperative_rt_done"] = any(
            t.start_date >= surgery for t in _treatments(record, c.TreatmentCategory.RADIOTHERAPY)
        )

    # Laboratory: the newest computable value.
    corrected = next((row.lab.corrected_calcium for row in record.labs if row.lab.corrected_calcium), None)
    if corrected is not None:
        facts["corrected_calcium"] = corrected
    clearance = next((row.clearance for row in record.labs if row.clearance is not None), None)
    if clearance is not None:
        facts["creatinine_clearance"] = clearance
    vitamin_d = next(
        (row.lab.vitamin_d_deficient for row in record.labs if row.lab.vitamin_d_deficient is not None), None
    )
    if vitamin_d is not None:
        facts["vitamin_d_deficient"] = vitamin_d

    tumour = record.tumour
    if tumour:
        facts["bone_first_presentation"] = tumour.bone_first_presentation
    return facts


@dataclass(frozen=True)
class Missing:
    message: str
    url_name: str = ""


def missing_facts(record, facts, findings) -> list[Missing]:
    """What the record lacks for an important rule to speak (the clinician completes it)."""
    missing = []
    lesions = list(_distinct(record.lesions).values())
    if facts.get("vertebral_involvement") and not facts.get("spine_mri_done"):
        missing.append(
            Missing(_("No whole-spine MRI recorded, although the patient has vertebral lesions."), "exam")
        )
    on_bma = facts.get("bma_current", "none") != "none" or any(f.rule == "BMA-START" for f in findings)
    if on_bma and "last_dental_exam_date" not in facts:
        missing.append(
            Missing(_("No dental examination recorded before or under a bone-modifying agent."), "assessment")
        )
    if facts.get("bma_current") == "zoledronic_acid" and "creatinine_clearance" not in facts:
        missing.append(
            Missing(
                _("No creatinine clearance (creatinine and weight) for a patient on zoledronic acid."), "lab"
            )
        )
    if "corrected_calcium" not in facts:
        missing.append(
            Missing(_("No calcium with albumin: the corrected calcium cannot be computed."), "lab")
        )
    if "ecog" not in facts:
        missing.append(Missing(_("No performance status (ECOG or Karnofsky)."), "assessment"))
    saved = record.latest_scores
    for lesion in lesions:
        for slug in lesion.applicable_scores:
            if slug != "bilsky" and (slug, lesion.pk) not in saved:
                missing.append(
                    Missing(
                        _("No %(score)s for the lesion %(site)s.")
                        % {"score": slug.upper(), "site": lesion.site_label}
                    )
                )
    return missing
