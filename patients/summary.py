"""The summary of a patient's record: what a board is shown of it, as plain JSON data.

One function, `record_summary`, reads a loaded `PatientRecord` (its prefetched rows: no query of its
own) in the active language. The screen's dossier, presentation mode and the minute render this data
through the same template includes (templates/rcp/includes/summary/), and the minute freezes it
(`rcp.minutes.build_snapshot`): what the board sees is what is frozen.

Plain data only: strings, numbers, booleans, None, lists and dicts; dates as ISO strings, decimals as
strings (DjangoJSONEncoder), so `json.loads(json.dumps(summary)) == summary`. Labels are words of the
active language; codes are kept beside them where a template or a reader decides on them.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from scoring import formulas

from . import reading
from .models import LesionObservation

# The observed fields of a lesion the summary shows, each from the newest observation that records it.
OBSERVED = (
    "collapse",
    "posterolateral",
    "alignment",
    "bilsky",
    "cortical_involvement",
    "fracture",
    "soft_tissue_extension",
    "size_mm",
)


def plain(value):
    """JSON-safe copy (dates as ISO strings, decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record_summary(record) -> dict:
    """The summary of a loaded record (see the module): identity, tumour, latest clinical status, sites,
    labs, tracked lesions, scores and their table corrections, findings, treatments and events."""
    patient = record.patient
    rows = record.score_rows  # also gives each lesion its score rows
    return plain(
        {
            "patient": identity(patient),
            "tumour": tumour(record.tumour),
            "molecular": [
                f"{alt.get_gene_display()} {alt.variant}".strip()
                for alt in patient.molecularalterations.all()
            ],
            "status": status(record.latest_assessment),
            "sites": [
                f"{s.get_organ_display()} ({s.get_resectability_display().lower()})"
                for s in patient.metastaticsites.all()
            ],
            "labs": labs(record.labs[0]) if record.labs else None,
            "lesions": [lesion(record, tracked) for tracked in record.lesions],
            "scores": [score(row) for row in rows if row.latest],
            "corrections": corrections(record.corrected_scores),
            "findings": [finding.as_dict(figures=True) for finding in record.findings],
            "treatments": treatments(record),
            "events": [
                {"date": e.date, "kind": e.kind, "label": str(e.get_kind_display())}
                for e in patient.skeletalevents.all()
            ],
        }
    )


def identity(patient) -> dict:
    return {
        "family_name": patient.family_name.upper(),
        "given_names": patient.given_names,
        "birth_date": patient.birth_date,
        "age": patient.age,
        "sex": str(patient.get_sex_display()),
        "sex_code": patient.sex,
        "hospital_id": patient.hospital_id,
        "ins": patient.ins,
        "referring_physician": patient.referring_physician.display_name
        if patient.referring_physician
        else "",
    }


def tumour(primary) -> dict | None:
    if primary is None:
        return None
    return {
        "histology": str(primary.get_histology_display()),
        "histology_code": primary.histology,  # ICD-O-3 morphology
        "location": str(primary.get_location_display()),
        "location_code": primary.location,  # ICD-10
        "laterality": str(primary.get_laterality_display()) if primary.laterality else "",
        "diagnosis_date": primary.diagnosis_date,
        "tnm": primary.tnm,
        "t_category": primary.t_category,
        "n_category": primary.n_category,
        "m_category": primary.m_category,
        "stage": primary.stage,
        "pdl1": primary.pdl1_tps,
    }


def status(assessment) -> dict | None:
    """The newest clinical assessment, with both performance scales: the one not assessed is converted
    by the paired table (scores.md) and marked so; a Karnofsky from ECOG is the pair of values of that
    grade (ECOG 1 is Karnofsky 70 or 80), never one value chosen."""
    if assessment is None:
        return None
    ecog, karnofsky = assessment.ecog, assessment.karnofsky
    karnofsky_range = None
    if karnofsky is None and ecog is not None:
        pair = reading.karnofsky_pair(ecog)
        karnofsky_range = [min(pair), max(pair)]
    return {
        "date": assessment.date,
        "ecog": assessment.ecog_value,
        "ecog_converted": ecog is None and karnofsky is not None,
        "karnofsky": karnofsky,
        "karnofsky_range": karnofsky_range,  # converted from ECOG: [low, high]
        "karnofsky_converted": karnofsky_range is not None,
        "pain": assessment.pain_nrs,
        "pain_mechanical": assessment.pain_mechanical,
        "frankel": assessment.frankel,
        "ambulatory_status": assessment.ambulatory_status,
        "ambulatory_label": str(assessment.get_ambulatory_status_display())
        if assessment.ambulatory_status
        else "",
        "life_expectancy_months": assessment.life_expectancy_months,
        "bmi": assessment.bmi,
    }


def zoledronic_acid(clearance) -> dict | None:
    """The zoledronic acid dose for a creatinine clearance (product label, `scoring.formulas`):
    {"clearance_ml_min": rounded to 1 decimal, "dose_mg": the dose, or None when not recommended}, or
    None without a clearance. The one reading of the dose: the record, the decision form and the minute."""
    if clearance is None:
        return None
    return {"clearance_ml_min": round(clearance, 1), "dose_mg": formulas.zoledronic_acid_dose(clearance)}


def labs(row) -> dict:
    """The newest laboratory result, with its computed values."""
    return {
        "date": row.lab.date,
        # As measured (mmol/L, g/L, µmol/L), beside the values computed from them.
        "calcium": row.lab.calcium,
        "albumin": row.lab.albumin,
        "creatinine": row.lab.creatinine,
        "corrected_calcium": row.lab.corrected_calcium,
        "calcium_status": row.lab.calcium_status,
        "clearance": round(row.clearance, 1) if row.clearance is not None else None,
        "vitamin_d_deficient": row.lab.vitamin_d_deficient,
        "zoledronic_acid": zoledronic_acid(row.clearance),
    }


def score(row) -> dict:
    saved = row.latest
    return {
        "slug": row.score.slug,
        "name": str(row.score.name),
        "total": saved.total,
        "grade": saved.inputs.get("grade", "") if saved.total is None else "",
        "band": saved.band,
        "band_label": str(saved.band_label),
        "severity": saved.severity,
        "version": saved.version,
        "points": saved.points,  # each item's points, as saved with the total
        "reference": row.score.reference,
        "computed_on": saved.created_at.date(),
        "stale": row.stale,  # the record, when summarised, would give another result: recompute
    }


def treatments(record) -> list[dict]:
    """The record's treatments: dates and words, and the category and details a local treatment or a drug
    is coded from, with the tracked lesions a local treatment treats (their `id` in `lesions`)."""
    treated = {}
    for tracked in record.lesions:
        for link in tracked.treated_by.all():
            treated.setdefault(link.treatment_id, []).append(tracked.pk)
    return [
        {
            "start": t.start_date,
            "end": t.end_date,
            "summary": t.summary,
            "category": t.category,
            "name": t.name,
            "systemic_class": t.systemic_class,
            "bone_agent": t.bone_agent,
            "rt_dose_gy": t.rt_dose_gy,
            "rt_fractions": t.rt_fractions,
            "surgery_type": t.surgery_type,
            "ir_procedure": t.ir_procedure,
            "lesion_ids": treated.get(t.pk, []),
        }
        for t in record.treatments
    ]


def _observed(tracked) -> dict:
    """{field: {"value", "label"}} of the fields the summary shows that an observation records."""
    shown = {}
    for name in OBSERVED:
        value = tracked.observed(name)
        if value is None:
            continue
        choices = dict(LesionObservation._meta.get_field(name).flatchoices)
        shown[name] = {"value": value, "label": str(choices.get(value, value))}
    return shown


def lesion(record, tracked) -> dict:
    """One tracked lesion: its site and status, its own pain, its newest exam and observed fields, its
    cord compression (patients.reading) and its saved scores."""
    latest = tracked.latest_observation
    return {
        "id": tracked.pk,
        "site": tracked.label,
        "spinal": tracked.is_spinal,
        "status": tracked.status,
        "status_label": str(tracked.get_status_display()),
        "pain_nrs": tracked.pain_nrs,  # None: not assessed
        "pain_mechanical": tracked.pain_mechanical,  # None: unknown, never "not mechanical"
        "pain_date": tracked.pain_date,
        "type": str(latest.get_lesion_type_display()) if latest else "",
        "exam": str(latest.exam) if latest else "",
        "observed": _observed(tracked),
        "cord_compression": reading.cord_compression(record, tracked),
        "scores": [score(row) for row in getattr(tracked, "score_rows", []) if row.latest],
        "withheld": [str(why) for why in tracked.withheld_scores.values()],
    }


def corrections(scores) -> list[dict]:
    """The corrections to the guideline's printed tables of the scores shown, in the active language."""
    return [
        {
            "score": s.slug,
            "name": str(s.name),
            "items": [{"source": c.source, "text": str(c.text)} for c in s.corrections],
        }
        for s in scores
    ]
