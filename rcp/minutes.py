"""Freeze, then render: the snapshot of what the board saw and decided, and the minute PDF made from it.

The PDF is rendered from the snapshot alone (never from the live record), so a minute can be produced
again identically, and nothing typed later changes what was decided.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rcp.accounts.models import Specialty
from scoring import formulas

from .conformity import contradictions
from .pdf import PdfAttachment, render_pdf
from .proposals import decision_rows

# 2: each lesion's status and own pain; the corrections to the guideline's tables of the scores shown.
# 3: the decision's proposal lines (`decision.lines`, their words in `proposals_text` as before) and what
# the fiche RCP records (type of discussion, trial proposed, patient informed, GP, distribution).
# Older snapshots lack these keys and render without them: a validated minute never changes.
SNAPSHOT_FORMAT = 3
MINUTE_LANGUAGE = "fr"


def _plain(value):
    """JSON-safe copy (dates as ISO strings, decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _score(row_score, saved):
    return {
        "slug": row_score.slug,
        "name": str(row_score.name),
        "total": saved.total,
        "band": saved.band,
        "band_label": str(saved.band_label),
        "severity": saved.severity,
        "version": saved.version,
        "reference": row_score.reference,
        "computed_on": saved.created_at.date(),
    }


def _lesion(lesion) -> dict:
    return {
        "site": lesion.site_label,
        "status": lesion.status,
        "status_label": str(lesion.get_status_display()),
        "pain_nrs": lesion.pain_nrs,  # None: not assessed
        "pain_mechanical": lesion.pain_mechanical,  # None: unknown, never "not mechanical"
        "pain_date": lesion.pain_date,
        "type": str(lesion.latest.get_lesion_type_display()) if lesion.latest else "",
        "exam": str(lesion.latest.exam) if lesion.latest else "",
        "scores": [_score(row.score, row.latest) for row in lesion.score_rows if row.latest],
    }


def _corrections(scores) -> list[dict]:
    """The corrections to the guideline's printed tables of the scores the minute shows, in its language."""
    return [
        {
            "score": score.slug,
            "name": str(score.name),
            "items": [{"source": c.source, "text": str(c.text)} for c in score.corrections],
        }
        for score in scores
    ]


def zoledronic_dose(facts) -> dict | None:
    """The zoledronic acid dose for the current clearance (product label), or None without a clearance."""
    clearance = facts.get("creatinine_clearance")
    if clearance is None:
        return None
    return {"clearance_ml_min": round(clearance, 1), "dose_mg": formulas.zoledronic_acid_dose(clearance)}


def decision_data(decision, facts=None, lesions=()) -> dict:
    """The structured decision (embedded as JSON in the minute): its proposal lines with their lesions
    (`lesions`: the record's, for the board's labels), and what the fiche RCP records."""
    rows = decision_rows(decision, lesions)
    zoledronic = any(row["kind"] == "bma" and row["details"].get("drug") == "zoledronic_acid" for row in rows)
    data = {
        "case": decision.case_id,
        "version": decision.version,
        "lines": [
            {key: row[key] for key in ("kind", "lesions", "lesion_ids", "details", "text")} for row in rows
        ],
        "proposals_text": [row["text"] for row in rows],
        "free_text": decision.free_text,
        "discussion_type": decision.discussion_type,
        "discussion_type_label": str(decision.get_discussion_type_display())
        if decision.discussion_type
        else "",
        "trial_proposed": decision.trial_proposed,
        "trial": decision.trial.name if decision.trial else None,
        "patient_informed": decision.patient_informed,
        "patient_informed_label": str(decision.get_patient_informed_display())
        if decision.patient_informed
        else "",
        "patient_informed_by": decision.patient_informed_by,
        "general_practitioner": decision.general_practitioner,
        "distribution": [line.strip() for line in decision.distribution.splitlines() if line.strip()],
        "conforms": decision.conforms,
        "deviation_reason": decision.deviation_reason,
        "deviation_reason_label": str(decision.get_deviation_reason_display())
        if decision.deviation_reason
        else "",
        "deviation_text": decision.deviation_text,
        "follow_up_physician": decision.follow_up_physician.display_name
        if decision.follow_up_physician
        else None,
        "amendment_reason": decision.amendment_reason,
        "contradictions_confirmed": decision.contradictions_confirmed,
        "quorum_override": decision.quorum_override,
        # The dose for the clearance of the record as frozen, beside the dose the line proposes.
        "zoledronic_acid": zoledronic_dose(facts or {}) if zoledronic else None,
    }
    if decision.proposals:
        data["proposals"] = decision.proposals
    return _plain(data)


def build_snapshot(*, decision, dossier, number, validated_by, validated_at, supersedes=None) -> dict:
    """Everything the minute prints, frozen (French labels: the minute is a French medical document).

    For a draft read on screen, `validated_by` is None: the snapshot then has no `validation`, and is built
    from the live record exactly as the one frozen at validation will be."""
    with translation.override(MINUTE_LANGUAGE):
        dossier = dossier.reworded()  # labels and findings in French, whatever the validating user's language
        case, record = dossier.case, dossier.record
        meeting = case.meeting
        patient = record.patient
        attendances = [a for a in meeting.attendances.all() if a.present]
        quorum = meeting.board.quorum([a.specialty for a in attendances])
        specialties = dict(Specialty.choices)
        tumour = record.tumour
        assessment = record.latest_assessment
        lab = record.labs[0] if record.labs else None
        trials_by_rule = dossier.trials_by_rule
        snapshot = {
            "format": SNAPSHOT_FORMAT,
            "centre": {"name": patient.centre.name, "finess": patient.centre.finess},
            "meeting": {
                "title": meeting.title,
                "starts_at": timezone.localtime(meeting.starts_at),
                "place": meeting.place,
                "chair": meeting.chair.display_name,
                "chair_specialty": str(specialties.get(meeting.chair.specialty, "")),
            },
            "participants": [
                {
                    "name": a.name,
                    "specialty": a.specialty,
                    "specialty_label": str(specialties.get(a.specialty, "")),
                }
                for a in attendances
            ],
            "quorum": {
                "ok": quorum.ok,
                "present": [str(specialties.get(code, code)) for code in quorum.present],
                "missing": quorum.missing_labels,
                "required": quorum.required,
                "override": decision.quorum_override,
            },
            "patient": {
                "family_name": patient.family_name.upper(),
                "given_names": patient.given_names,
                "birth_date": patient.birth_date,
                "age": patient.age,
                "sex": str(patient.get_sex_display()),
                "hospital_id": patient.hospital_id,
                "ins": patient.ins,
            },
            "case": {
                "question": case.question,
                "reason": str(case.get_reason_display()),
                "urgent": case.is_urgent,
                "presenting_physician": case.presenting_physician.display_name,
                "presenting_rpps": case.presenting_physician.rpps,
                "referring_physician": patient.referring_physician.display_name
                if patient.referring_physician
                else "",
            },
            "tumour": {
                "histology": str(tumour.get_histology_display()),
                "location": str(tumour.get_location_display()),
                "diagnosis_date": tumour.diagnosis_date,
                "tnm": tumour.tnm,
                "stage": tumour.stage,
                "pdl1": tumour.pdl1_tps,
            }
            if tumour
            else None,
            "molecular": [
                f"{alt.get_gene_display()} {alt.variant}".strip()
                for alt in patient.molecularalterations.all()
            ],
            "assessment": {
                "date": assessment.date,
                "ecog": assessment.ecog_value,
                "karnofsky": assessment.karnofsky,
                "pain": assessment.pain_nrs,
                "frankel": assessment.frankel,
                "life_expectancy_months": assessment.life_expectancy_months,
            }
            if assessment
            else None,
            "sites": [
                f"{s.get_organ_display()} ({s.get_resectability_display().lower()})"
                for s in patient.metastaticsites.all()
            ],
            "lesions": [_lesion(lesion) for lesion in record.lesions],
            "scores": [_score(row.score, row.latest) for row in dossier.score_rows if row.latest],
            "corrections": _corrections(record.corrected_scores),
            "treatments": [
                {"start": t.start_date, "end": t.end_date, "summary": t.summary} for t in record.treatments
            ],
            "labs": {
                "date": lab.lab.date,
                "corrected_calcium": lab.lab.corrected_calcium,
                "calcium_status": lab.lab.calcium_status,
                "clearance": round(lab.clearance, 1) if lab.clearance is not None else None,
            }
            if lab
            else None,
            "events": [f"{e.date:%d/%m/%Y} {e.get_kind_display()}" for e in patient.skeletalevents.all()],
            # With the names of the board's open trials shown beside each finding when it was frozen.
            "findings": [
                {**f.as_dict(figures=True), "trials": trials_by_rule.get(f.rule, [])} for f in record.findings
            ],
            "skeleton_svg": str(dossier.skeleton),
            "contradictions": contradictions(
                decision_rows(decision, record.lesions), record.findings, record.facts
            ),
            "decision": decision_data(decision, record.facts, record.lesions),
            "validation": {
                "number": number,
                "version": decision.version,
                "by": validated_by.display_name,
                "by_specialty": str(specialties.get(validated_by.specialty, "")),
                "by_rpps": validated_by.rpps,
                "at": timezone.localtime(validated_at),
            }
            if validated_by is not None
            else None,
            "supersedes": supersedes,
        }
    return _plain(snapshot)


def draft_snapshot(*, decision, dossier, previous=None) -> dict:
    """The snapshot of a draft as it stands, with the record as it is now (to read it before validation):
    built as the validated one will be, without `validation`. `previous`: the minute it would amend."""
    supersedes = {"number": previous.number, "version": previous.version} if previous else None
    return build_snapshot(
        decision=decision,
        dossier=dossier,
        number=previous.number if previous else None,
        validated_by=None,
        validated_at=None,
        supersedes=supersedes,
    )


def render_minute(snapshot: dict) -> bytes:
    """The PDF/A-3b minute of one decision, from its snapshot only, with the decision as JSON inside."""
    html = render_minutes_html([snapshot])
    decision_json = json.dumps(snapshot["decision"], ensure_ascii=False, sort_keys=True, indent=2).encode()
    patient = snapshot["patient"]
    return render_pdf(
        html,
        title=f"Compte rendu de RCP {snapshot['validation']['number']} v{snapshot['validation']['version']}",
        author=snapshot["centre"]["name"],
        subject=f"{patient['family_name']} {patient['given_names']} ({patient['hospital_id']})",
        keywords=["RCP", "compte rendu", "métastases osseuses"],
        lang=MINUTE_LANGUAGE,
        pdfa=True,
        attachments=[
            PdfAttachment(
                filename="decision.json",
                content=decision_json,
                description="Décision structurée de la RCP",
                mime_type="application/json",
                relationship="Data",
            )
        ],
    )


def render_minutes_html(snapshots: list[dict]) -> str:
    with translation.override(MINUTE_LANGUAGE):
        return render_to_string("rcp/minute_pdf.html", {"minutes": snapshots})


def render_meeting_minutes(snapshots: list[dict], *, title: str, author: str) -> bytes:
    return render_pdf(
        render_minutes_html(snapshots), title=title, author=author, lang=MINUTE_LANGUAGE, pdfa=True
    )
