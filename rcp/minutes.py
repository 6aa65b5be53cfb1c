"""Freeze, then render: the snapshot of what the board saw and decided, and the minute PDF made from it.

The PDF is rendered from the snapshot alone (never from the live record), so a minute can be produced
again identically, and nothing typed later changes what was decided.
"""

import json
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation

from patients.summary import plain as _plain
from patients.summary import zoledronic_acid
from rcp.accounts.models import Specialty

from .conformity import contradictions
from .diagrams import shared_part_as_image
from .pdf import PdfAttachment, render_pdf
from .proposals import decision_rows

# 2: each lesion's status and own pain; the corrections to the guideline's tables of the scores shown.
# 3: the decision's proposal lines (`decision.lines`, their words in `proposals_text` as before) and what
# the fiche RCP records (type of discussion, trial proposed, patient informed, GP, distribution); the
# record's part is its summary (patients.summary), as the board saw it: both performance scales
# (the converted one marked), BMI, ambulatory status, the lesions' observed fields and cord compression,
# events as data; the referring physician moves from `case` to `patient`, `assessment` becomes `status`.
# Format 3 also freezes what the Fiche RCP CDA (rcp/interop) needs and the minute does not print: each
# professional named (chair, validating user, presenting and referring physicians, attendees) with family
# and given names apart, RPPS and specialty code (`professionals`, and in each participant); the
# centre's IPP OID and the board's national identifiers (`board`), so that a re-export never reads them
# live. A format-3 snapshot stored before these keys has none of them: the readers say unknown.
# It also carries the codes beside their words (sex, ICD-O-3, ICD-10, T/N/M), the labs as
# measured, each score's item points, and each treatment's category, details and lesions (for the FHIR
# export, rcp/interop/fhir.py): keys added, none changed; a reader takes their absence as "not frozen".
# A stored snapshot is never rewritten (its chain hash covers it): `upgrade` reads an older one in the
# current shape, without what it did not freeze, so a validated minute renders what it always showed.
SNAPSHOT_FORMAT = 3
MINUTE_LANGUAGE = "fr"


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
        "zoledronic_acid": zoledronic_acid((facts or {}).get("creatinine_clearance")) if zoledronic else None,
    }
    if decision.proposals:
        data["proposals"] = decision.proposals
    return _plain(data)


def professional(user) -> dict | None:
    """A professional as the Fiche RCP names them: the printed name, family and given names apart, RPPS
    and specialty code (blank: unknown). None for no one."""
    if user is None:
        return None
    return {
        "name": user.display_name,
        "family_name": user.last_name,
        "given_name": user.first_name,
        "rpps": user.rpps,
        "specialty": user.specialty,
    }


def _participant(attendance, specialties) -> dict:
    """An attendee: a user (names, RPPS) or a guest named by hand (the name only), with the specialty they
    sat for at this meeting (which counts in the quorum)."""
    user = attendance.user if attendance.user_id else None
    return {
        "name": attendance.name,
        "specialty": attendance.specialty,
        "specialty_label": str(specialties.get(attendance.specialty, "")),
        "guest": user is None,
        "family_name": user.last_name if user else "",
        "given_name": user.first_name if user else "",
        "rpps": user.rpps if user else "",
    }


def build_snapshot(*, decision, dossier, number, validated_by, validated_at, supersedes=None) -> dict:
    """Everything the minute prints, frozen (French labels: the minute is a French medical document): the
    dossier's summary of the record exactly as the board is shown it (CaseDossier.summary), and the
    board's parts (centre, meeting, participants, quorum, case, skeleton, contradictions, decision,
    validation).

    For a draft read on screen, `validated_by` is None: the snapshot then has no `validation`, and is built
    from the live record exactly as the one frozen at validation will be."""
    with translation.override(MINUTE_LANGUAGE):
        dossier = dossier.reworded()  # labels and findings in French, whatever the validating user's language
        case, record = dossier.case, dossier.record
        meeting = case.meeting
        patient = record.patient
        attendances = [a for a in meeting.attendances.select_related("user") if a.present]
        board = meeting.board
        quorum = meeting.board.quorum([a.specialty for a in attendances])
        specialties = dict(Specialty.choices)
        snapshot = {
            "format": SNAPSHOT_FORMAT,
            **dossier.summary,
            "centre": {
                "name": patient.centre.name,
                "finess": patient.centre.finess,
                "ipp_oid": patient.centre.ipp_oid,
            },
            # The board's national identifiers as they were at validation (the Fiche RCP's encounter).
            "board": {
                "name": board.name,
                "rrc_id": board.rrc_id,
                "rcp_manager_id": board.rcp_manager_id,
                "rcp_id": board.rcp_id,
            },
            "meeting": {
                "title": meeting.title,
                "starts_at": timezone.localtime(meeting.starts_at),
                "place": meeting.place,
                "chair": meeting.chair.display_name,
                "chair_specialty": str(specialties.get(meeting.chair.specialty, "")),
            },
            "participants": [_participant(a, specialties) for a in attendances],
            # Who the minute names, as the Fiche RCP names them. The meeting names no coordinator of its
            # own: the chair is the board's coordinator for the session (rcp/interop/snapshot.py).
            "professionals": {
                "chair": professional(meeting.chair),
                "validator": professional(validated_by),
                "presenting": professional(case.presenting_physician),
                "referring": professional(patient.referring_physician),
            },
            "quorum": {
                "ok": quorum.ok,
                "present": [str(specialties.get(code, code)) for code in quorum.present],
                "missing": quorum.missing_labels,
                "required": quorum.required,
                "override": decision.quorum_override,
            },
            "case": {
                "question": case.question,
                "reason": str(case.get_reason_display()),
                "urgent": case.is_urgent,
                "presenting_physician": case.presenting_physician.display_name,
                "presenting_rpps": case.presenting_physician.rpps,
            },
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


def upgrade(snapshot: dict) -> dict:
    """A stored snapshot read in the current shape (SNAPSHOT_FORMAT), without what it did not freeze: a
    new copy, the stored one untouched. What an older minute printed is printed again, and nothing it
    did not print: its Karnofsky index and calcium status (frozen, never printed), BMI, ambulatory
    status, vitamin D, observed fields and open trials are left out; a format-1 snapshot keeps no lesion
    status or pain (their columns stay hidden) and no table corrections."""
    if snapshot.get("format", 1) >= SNAPSHOT_FORMAT:
        return snapshot
    upgraded = {**snapshot, "format": SNAPSHOT_FORMAT, "upgraded_from": snapshot.get("format", 1)}
    case = dict(snapshot["case"])
    upgraded["patient"] = {**snapshot["patient"], "referring_physician": case.pop("referring_physician", "")}
    upgraded["case"] = case
    assessment = upgraded.pop("assessment", None)
    upgraded["status"] = (
        {
            "date": assessment["date"],
            "ecog": assessment["ecog"],
            "ecog_converted": None,  # not frozen: whether ECOG was assessed or converted is unknown
            "karnofsky": None,
            "karnofsky_range": None,
            "karnofsky_converted": False,
            "pain": assessment["pain"],
            "pain_mechanical": None,
            "frankel": assessment["frankel"],
            "ambulatory_status": "",
            "ambulatory_label": "",
            "life_expectancy_months": assessment["life_expectancy_months"],
            "bmi": None,
        }
        if assessment
        else None
    )
    if snapshot.get("labs"):
        unprinted = {"calcium_status": None, "vitamin_d_deficient": None, "zoledronic_acid": None}
        upgraded["labs"] = {**snapshot["labs"], **unprinted}
    upgraded["lesions"] = [
        {"id": None, "observed": {}, "cord_compression": None, "withheld": [], **lesion}
        for lesion in snapshot["lesions"]
    ]
    upgraded["events"] = [_event(text) for text in snapshot["events"]]
    upgraded["corrections"] = snapshot.get("corrections", [])
    upgraded["findings"] = [{"trials": [], **finding} for finding in snapshot["findings"]]
    return upgraded


def _event(text: str) -> dict:
    """An event frozen as text before format 3, "dd/mm/YYYY label", as data."""
    day, _space, label = text.partition(" ")
    dd, mm, yyyy = day.split("/")
    return {"date": date(int(yyyy), int(mm), int(dd)).isoformat(), "kind": "", "label": label}


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


def cda_filename(number, version) -> str:
    """The Fiche RCP's file name, embedded in the PDF, downloaded and stored alike."""
    return f"{number}-v{version}-frcp.xml"


def render_minute(snapshot: dict, *, cda: bytes | None = None) -> bytes:
    """The PDF/A-3b minute of one decision, from its snapshot only, with the decision as JSON inside and,
    when given, its Fiche RCP (`cda`: rcp.interop.frcp.frcp_cda of the same snapshot) as a second
    associated file. Its relationship is "Alternative" (ISO 32000-2, 14.13.2: an alternative
    representation of the content): the CDA is the same minute, structured, narrative included; the JSON
    stays "Data", what the decision table shows is derived from."""
    html = _pdf_html([snapshot])
    decision_json = json.dumps(snapshot["decision"], ensure_ascii=False, sort_keys=True, indent=2).encode()
    patient = snapshot["patient"]
    validation = snapshot["validation"]
    attachments = [
        PdfAttachment(
            filename="decision.json",
            content=decision_json,
            description="Décision structurée de la RCP",
            mime_type="application/json",
            relationship="Data",
        )
    ]
    if cda is not None:
        attachments.append(
            PdfAttachment(
                filename=cda_filename(validation["number"], validation["version"]),
                content=cda,
                description="Fiche RCP, CDA R2 (CI-SIS CANCER-FRCP 2022.01)",
                mime_type="text/xml",
                relationship="Alternative",
            )
        )
    return render_pdf(
        html,
        title=f"Compte rendu de RCP {validation['number']} v{validation['version']}",
        author=snapshot["centre"]["name"],
        subject=f"{patient['family_name']} {patient['given_names']} ({patient['hospital_id']})",
        keywords=["RCP", "compte rendu", "métastases osseuses"],
        lang=MINUTE_LANGUAGE,
        pdfa=True,
        attachments=attachments,
    )


def render_minutes_html(snapshots: list[dict]) -> str:
    """The minutes' HTML, in French: each one's body is the one the screen shows (rcp/decision_read.html)."""
    with translation.override(MINUTE_LANGUAGE):
        return render_to_string("rcp/minute_pdf.html", {"minutes": snapshots})


def _pdf_html(snapshots: list[dict]) -> str:
    """The HTML the PDF is rendered from: the minutes' HTML, in which what every skeleton shows (heading,
    bones, legend) is one image (`shared_part_as_image`), the same picture, which the PDF draws once."""
    with translation.override(MINUTE_LANGUAGE):
        return shared_part_as_image(render_minutes_html(snapshots))


def render_meeting_minutes(snapshots: list[dict], *, title: str, author: str) -> bytes:
    return render_pdf(_pdf_html(snapshots), title=title, author=author, lang=MINUTE_LANGUAGE, pdfa=True)
