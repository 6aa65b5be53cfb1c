"""The facts of a patient for the guideline's rules, version 2 (`scoring.rules.evaluate`), read from a
loaded record.

Pure on a `PatientRecord` (its prefetched rows): no query of its own, whatever the size of the record.
A fact the record does not hold is left out (unknown), never guessed. Conventions, where the record
needs reading:
- a lesion is a tracked lesion of the record; each of its observed fields reads from the newest
  observation (exam) that records it; its pain is its own (never the patient's); each tracked lesion
  is one metastatic bone site; a resected lesion is not listed;
- a neurological deficit, or a cord compression event, is "now" when recorded within the last 30 days
  (`thresholds.RECENT_NEUROLOGY_DAYS`); an older one is history, not an emergency;
- the imaging list is the record of what was done: no whole-spine MRI recorded means none done; the
  event and treatment lists are the record of what happened: no recent cord compression event means
  none, no metabolic radiotherapy recorded means none;
- a local treatment concerns the lesions it is linked to in the record; the outcome a surgery or a
  procedure recorded for a lesion (stabilised, resected) gives the lesion's status;
- infection or sepsis and coagulopathy: the newest assessment that records them.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import ScoreInputError
from scoring import thresholds as th
from scoring.rules import FACT_SPECS, LESION_FACT_SPECS

from . import choices as c
from . import reading
from .reading import is_resected

GCSF_NAMES = re.compile(r"g-?csf|filgrastim|lenograstim", re.IGNORECASE)
SPINE_MRI = {c.Modality.SPINE_MRI, c.Modality.WHOLE_BODY_MRI}
DEFICIT_GRADES = {"A", "B", "C", "D", "D1", "D2", "D3"}  # Frankel A–D (D1–D3 are sub-grades of D)

# The region of rules.md for each site of the record's skeletal taxonomy. The sacrum is recorded as
# the vertebral levels S1–S5 and belongs to the spine, as in SINS (scores.md: S2–S5 "rigid", L5–S1
# "junctional"); the coccyx, which SINS does not score, is "other".
REGION_OF_SITE = {
    c.SkeletalSite.VERTEBRA: "spine",
    **dict.fromkeys(c.LONG_BONES, "long_bone"),
    **dict.fromkeys(c.PELVIS, "pelvis"),
    c.SkeletalSite.RIB: "rib",
}
WEIGHT_BEARING = c.LOWER_LIMB_LONG_BONES | c.PELVIS  # rules.md: lower-limb long bone, or pelvis/acetabulum
PROXIMAL_FEMUR_OR_PELVIS = c.PROXIMAL_FEMUR | c.PELVIS


def _anatomical_order(lesion) -> tuple:
    sites = list(c.SkeletalSite.values)
    levels = c.VERTEBRAL_LEVELS
    level = levels.index(lesion.vertebral_level) if lesion.vertebral_level in levels else -1
    return (sites.index(lesion.site), level, lesion.rib_number or 0, lesion.side, lesion.pk)


def region(lesion) -> str:
    return REGION_OF_SITE.get(lesion.site, "other")


def order_and_label(lesions) -> list:
    """The patient's tracked lesions in anatomical order (spine from C1 down, then the other sites in
    the order of the taxonomy), each labelled as the board names it (the site's label, made unique)."""
    lesions = sorted(lesions, key=_anatomical_order)
    seen: dict[str, int] = {}
    for lesion in lesions:
        label = str(lesion.site_label)
        seen[label] = seen.get(label, 0) + 1
        lesion.label = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return lesions


def tracked_lesions(record) -> list:
    """The patient's tracked lesions, ordered and labelled (from the loaded record)."""
    return record.lesions


def _latest_saved(record, slug, lesion):
    return record.latest_scores.get((slug, lesion.pk))


def _treatment_facts(lesion, today) -> dict:
    """stabilised, surgery_date, rt_after_surgery and last_rt_date from the treatments linked to the
    lesion (a treatment dated in the future is planned, not done)."""
    facts = {}
    links = [link for link in lesion.treated_by.all() if link.treatment.start_date <= today]
    done = [link.treatment for link in links]
    surgeries = [t for t in done if t.category == c.TreatmentCategory.SURGERY]
    courses = [t for t in done if t.category == c.TreatmentCategory.RADIOTHERAPY]
    if lesion.status == c.LesionStatus.STABILISED or any(
        link.outcome == c.LesionOutcome.STABILISED for link in links
    ):
        facts["stabilised"] = True
    if surgeries:
        surgery = max(t.start_date for t in surgeries)
        facts["surgery_date"] = surgery
        facts["rt_after_surgery"] = any(t.start_date > surgery for t in courses)
    if courses:
        facts["last_rt_date"] = max(t.start_date for t in courses)
    return facts


def lesion_facts(record, lesion, today) -> dict:
    """The facts of rules.md for one tracked lesion: its site, its own pain, the newest observation
    that records each observed field, its saved scores and its linked treatments."""
    facts = {
        "label": lesion.label,
        "region": region(lesion),
        "weight_bearing": lesion.site in WEIGHT_BEARING,
        "proximal_femur_or_pelvis": lesion.site in PROXIMAL_FEMUR_OR_PELVIS,
    }
    if lesion.pain_nrs is not None:
        facts["pain_nrs"] = lesion.pain_nrs
    if lesion.pain_mechanical is not None:
        facts["pain_mechanical"] = lesion.pain_mechanical
    mirels = _latest_saved(record, "mirels", lesion)
    if mirels is not None:
        facts["mirels"] = mirels.total
    if region(lesion) == "spine":
        sins = _latest_saved(record, "sins", lesion)
        if sins is not None:
            facts["sins"] = sins.total
        bilsky = reading.bilsky_grade(record, lesion)
        if bilsky:
            facts["bilsky"] = bilsky
        narrowing = lesion.observed("canal_narrowing_over_25_percent")
        if narrowing is not None:
            facts["canal_narrowing_over_25_percent"] = narrowing
        distance = lesion.observed("tumour_cord_distance_mm")
        if distance is not None:
            facts["tumour_cord_distance_mm"] = float(distance)
    compression = reading.cord_compression(record, lesion)
    if compression is not None:
        facts["cord_compression"] = compression
    for fact, name in (("fractured", "fracture"), ("soft_tissue_predominant", "soft_tissue_predominant")):
        value = lesion.observed(name)
        if value is not None:
            facts[fact] = value
    facts.update(_treatment_facts(lesion, today))
    return facts


def _neurological_deficit(record, recent) -> bool | None:
    """rules.md: True when the newest assessment of the last 30 days that examined the patient records
    Frankel A–D, a sensory level or a sphincter disturbance, with an onset in the last 30 days or no
    onset recorded (an unknown onset is not an old deficit); False when it records a normal
    examination (Frankel E, no sensory level, no sphincter disturbance); otherwise unknown (an older
    deficit is history, a partial examination proves nothing)."""
    examined = next(
        (
            a
            for a in record.assessments
            if a.date >= recent and (a.frankel or a.sensory_level or a.sphincter_disturbance is not None)
        ),
        None,
    )
    if examined is None:
        return None
    sign = (
        examined.frankel in DEFICIT_GRADES
        or examined.sensory_level not in ("", c.SENSORY_NONE)
        or examined.sphincter_disturbance is True
    )
    if sign:
        onset = examined.motor_deficit_onset
        return True if onset is None or onset >= recent else None
    normal = (
        examined.frankel == "E"
        and examined.sensory_level == c.SENSORY_NONE
        and examined.sphincter_disturbance is False
    )
    return False if normal else None


def _spinal_cord_compression(record, recent, deficit, lesions) -> bool | None:
    """An MSCC event in the last 30 days, or a lesion with cord compression and a neurological
    deficit; False when neither is recorded and no lesion is known to compress the cord."""
    events = reading.cord_compression_events(record)
    compressing = any(lesion.get("cord_compression") for lesion in lesions)
    if any(e.date >= recent for e in events) or (compressing and deficit):
        return True
    return None if compressing else False


def _creatinine(record, bma) -> dict:
    """creatinine_latest; creatinine_baseline under zoledronic acid: the last value before it started
    (a sample of the day it started counts as before: it is drawn before the infusion), else its first."""
    values = [
        (row.lab.date, float(row.lab.creatinine)) for row in record.labs if row.lab.creatinine is not None
    ]
    if not values:
        return {}
    facts = {"creatinine_latest": values[0][1]}  # labs are newest first
    if bma is not None and bma.bone_agent == c.BoneAgent.ZOLEDRONIC_ACID:
        before = [value for day, value in values if day <= bma.start_date]
        after = [value for day, value in reversed(values) if day > bma.start_date]
        baseline = before[0] if before else after[0]
        facts["creatinine_baseline"] = baseline
    return facts


def patient_facts(record) -> dict:
    """The facts of rules.md known from this record (missing key = unknown)."""
    patient, today = record.patient, timezone.localdate()
    recent = today - timedelta(days=th.RECENT_NEUROLOGY_DAYS)
    facts = {"today": today, "age": patient.age}
    lesions = [lesion_facts(record, lesion, today) for lesion in reading.current_lesions(record)]
    sites = list(patient.metastaticsites.all())
    visceral = reading.visceral_sites(record)

    # Assessments: the newest known value of each item.
    for fact, attribute in (
        ("life_expectancy_months", "life_expectancy_months"),
        ("disease_status", "disease_status"),
        ("bone_pain_nrs", "pain_nrs"),
        ("analgesia_failure", "analgesia_failure"),
        ("asa", "asa"),
        ("active_infection_or_sepsis", "active_infection_or_sepsis"),
        ("uncontrolled_coagulopathy", "uncontrolled_coagulopathy"),
    ):
        value = record.latest(attribute)[0]
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
    deficit = _neurological_deficit(record, recent)
    if deficit is not None:
        facts["neurological_deficit"] = deficit

    # Lesions, sites and imaging.
    if record.exams:
        facts["lesions"] = lesions
        facts["bone_lesion_count"] = len(lesions)
        facts["bone_sites_count"] = len(reading.distinct_lesions(record))
        facts["metastatic_sites_count"] = len(lesions) + len(sites)
        facts["spine_mri_done"] = any(exam.modality in SPINE_MRI for exam in record.exams)
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
    elif sites:
        facts["visceral_metastases"] = bool(visceral)
    for slug in ("tokuhashi", "tomita"):
        saved = record.latest_scores.get((slug, None))
        if saved is not None and saved.total is not None:
            facts[slug] = saved.total

    # Events.
    compression = _spinal_cord_compression(record, recent, deficit, lesions)
    if compression is not None:
        facts["spinal_cord_compression"] = compression
    rades = record.latest_scores.get(("rades", None))
    if rades and compression:
        facts["rades_group"] = int(rades.band.rsplit("_", 1)[1])

    # Treatments (the treatment list is the record of what was given: none recorded means none).
    if any(t.start_date <= today for t in reading.treatments(record, c.TreatmentCategory.RADIONUCLIDE)):
        facts["prior_radionuclide_therapy"] = True  # absent: none recorded, which rules.md reads as none
    systemic = reading.current_treatment(record, c.TreatmentCategory.SYSTEMIC)
    if systemic:
        facts["systemic_treatment_start"] = systemic.start_date
    bma = reading.current_bone_agent(record)
    facts["bma_current"] = bma.bone_agent if bma else "none"
    if bma:
        facts["bma_start"] = bma.start_date
    gcsf = [
        t for t in reading.treatments(record, c.TreatmentCategory.SUPPORTIVE) if GCSF_NAMES.search(t.name)
    ]
    if gcsf:
        facts["last_gcsf_date"] = gcsf[-1].start_date

    # Laboratory: the newest computable value.
    corrected = next((row.lab.corrected_calcium for row in record.labs if row.lab.corrected_calcium), None)
    if corrected is not None:
        facts["corrected_calcium"] = corrected
    clearance = next((row.clearance for row in record.labs if row.clearance is not None), None)
    if clearance is not None:
        facts["creatinine_clearance"] = clearance
    facts.update(_creatinine(record, bma))
    vitamin_d = next(
        (row.lab.vitamin_d_deficient for row in record.labs if row.lab.vitamin_d_deficient is not None), None
    )
    if vitamin_d is not None:
        facts["vitamin_d_deficient"] = vitamin_d

    tumour = record.tumour
    if tumour:
        facts["bone_first_presentation"] = tumour.bone_first_presentation
    return _plausible(facts)


def _plausible(facts: dict) -> dict:
    """The facts without a value the rules' contract rejects as implausible (a BMI of 250 from a
    mistyped height, an age of 125, a clearance of 900 mL/min): unknown, rather than a patient page
    that cannot be shown."""

    def accepted(spec, key, value) -> bool:
        try:
            spec.clean(key, value)
        except ScoreInputError:
            return False
        return True

    kept = {
        key: value
        for key, value in facts.items()
        if key not in FACT_SPECS or accepted(FACT_SPECS[key], key, value)
    }
    if "lesions" in kept:
        kept["lesions"] = [
            {key: value for key, value in lesion.items() if accepted(LESION_FACT_SPECS[key], key, value)}
            for lesion in kept["lesions"]
        ]
    return kept


@dataclass(frozen=True)
class Missing:
    message: str
    url_name: str = ""


def missing_facts(record, facts, findings) -> list[Missing]:
    """What the record lacks for an important rule to speak (the clinician completes it)."""
    missing = []
    spinal = any(lesion["region"] == "spine" for lesion in facts.get("lesions", []))
    if spinal and not facts.get("spine_mri_done"):
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
    for lesion in record.lesions:
        if is_resected(lesion):
            continue
        for slug in lesion.applicable_scores:
            if slug != "bilsky" and (slug, lesion.pk) not in saved:
                missing.append(
                    Missing(
                        _("No %(score)s for the lesion %(site)s.")
                        % {"score": slug.upper(), "site": lesion.label}
                    )
                )
    return missing
