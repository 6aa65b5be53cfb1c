"""What the Fiche RCP reads of a minute's frozen snapshot (rcp/minutes.build_snapshot), in one place.

The snapshot is JSON frozen at validation and its keys change with its `format` (1, 2, then 3): the CDA
reads it only through this class, so a new format changes this file and not the mapping. A value absent
from the snapshot is None here (the CDA then says "unknown", nullFlavor); nothing is read from the live
record. Where a format carries a French label and not its code (sex, reason, tumour codes, specialties),
the code is read back from the same choices the label was made from; a label that no longer matches
gives None, never a guess.
"""

import re
from datetime import date, datetime

from django.utils import translation

from patients import choices as c
from rcp.accounts.models import Specialty

from ..minutes import MINUTE_LANGUAGE

_CODE_IN_LABEL = re.compile(r"\(([^()]+)\)\s*$")


def _french_codes(choices) -> dict[str, str]:
    with translation.override(MINUTE_LANGUAGE):
        return {str(label): code for code, label in choices}


def _reason_choices():
    from rcp.models import CaseSubmission

    return CaseSubmission.Reason.choices


def _datetime(value) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _date(value) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _coded(section: dict, key: str, label_key: str, choices) -> str | None:
    """The code `section[key]` (a later format), else the one whose French label is `section[label_key]`."""
    if section.get(key):
        return section[key]
    return _french_codes(choices).get(section.get(label_key) or "")


def _code_in_label(label: str | None, choices) -> str | None:
    """The code printed in parentheses at the end of a label ("Adénocarcinome (8140/3)") if it is one of
    the choices' codes."""
    match = _CODE_IN_LABEL.search(label or "")
    code = match.group(1) if match else None
    return code if code in {value for value, _label in choices} else None


class Person:
    """A professional named by the minute: the name as printed, and what the snapshot knows besides."""

    def __init__(self, name, *, rpps=None, specialty=None, family=None, given=None):
        self.name = name or None
        self.rpps = rpps or None
        self.specialty = specialty or None  # a Specialty code
        self.family = family or None  # split names: only from a format that stores them apart
        self.given = given or None


def _person(frozen: dict | None) -> "Person":
    """A professional frozen in full (rcp.minutes.professional, or a participant); None: no one."""
    frozen = frozen or {}
    return Person(
        frozen.get("name"),
        rpps=frozen.get("rpps"),
        specialty=frozen.get("specialty"),
        family=frozen.get("family_name"),
        given=frozen.get("given_name"),
    )


class RecordPart:
    """The record's part of a snapshot, or a live summary of the record (patients.summary, which a
    snapshot freezes): the patient's identity and primary tumour, with their codes."""

    def __init__(self, summary: dict):
        self.raw = summary
        patient = summary.get("patient") or {}
        self.family_name = patient.get("family_name") or None
        self.given_names = patient.get("given_names") or None
        self.birth_date = _date(patient.get("birth_date"))
        self.sex = _coded(patient, "sex_code", "sex", c.Sex.choices)
        self.ipp = patient.get("hospital_id") or None
        self.ins = patient.get("ins") or None
        self.birthplace_insee = patient.get("birthplace_insee") or None

        tumour = summary.get("tumour") or {}
        self.has_tumour = bool(tumour)
        self.histology_label = tumour.get("histology") or None
        self.histology = tumour.get("histology_code") or _code_in_label(
            tumour.get("histology"), c.Histology.choices
        )
        self.location_label = tumour.get("location") or None
        self.location = tumour.get("location_code") or _code_in_label(
            tumour.get("location"), c.TumourLocation.choices
        )
        self.laterality_label = tumour.get("laterality") or None
        self.diagnosis_date = _date(tumour.get("diagnosis_date"))
        self.t, self.n, self.m = _tnm(tumour)
        self.stage = tumour.get("stage") or None

    # The parts printed in words only: kept whole in the narrative (section "Histoire de la maladie").
    def get(self, key, default=None):
        return self.raw.get(key, default)


class MinuteSnapshot(RecordPart):
    def __init__(self, snapshot: dict):
        super().__init__(snapshot)
        self.format = snapshot.get("format", 1)
        validation = snapshot.get("validation") or {}
        if not validation:
            raise ValueError("the Fiche RCP is made of a validated minute only")
        self.number = validation["number"]
        self.version = int(validation["version"])
        self.validated_at = _datetime(validation["at"])
        self.validator = Person(
            validation.get("by"),
            rpps=validation.get("by_rpps"),
            specialty=_coded(validation, "by_specialty_code", "by_specialty", Specialty.choices),
            family=validation.get("by_family_name"),
            given=validation.get("by_given_name"),
        )
        supersedes = snapshot.get("supersedes") or {}
        self.supersedes_version = int(supersedes["version"]) if supersedes.get("version") else None
        self.amendment_reason = (snapshot.get("decision") or {}).get("amendment_reason") or ""

        centre = snapshot.get("centre") or {}
        self.centre_name = centre.get("name") or None
        self.centre_finess = centre.get("finess") or None

        meeting = snapshot.get("meeting") or {}
        self.meeting_title = meeting.get("title") or None
        self.meeting_at = _datetime(meeting.get("starts_at"))
        self.meeting_place = meeting.get("place") or None
        self.chair = Person(
            meeting.get("chair"),
            rpps=meeting.get("chair_rpps"),
            specialty=_coded(meeting, "chair_specialty_code", "chair_specialty", Specialty.choices),
        )
        self.participants = [
            Person(
                p.get("name"),
                rpps=p.get("rpps"),
                specialty=p.get("specialty"),
                family=p.get("family_name"),
                given=p.get("given_name"),
            )
            for p in snapshot.get("participants") or []
        ]
        quorum = snapshot.get("quorum") or {}
        self.quorum_ok = quorum.get("ok")  # None: not recorded
        self.quorum_override = quorum.get("override") or ""

        patient = snapshot.get("patient") or {}
        case = snapshot.get("case") or {}
        self.question = case.get("question") or ""
        self.reason_label = case.get("reason") or ""
        self.reason = _coded(case, "reason_code", "reason", _reason_choices())
        self.urgent = bool(case.get("urgent"))
        self.presenting = Person(
            case.get("presenting_physician"),
            rpps=case.get("presenting_rpps"),
            specialty=case.get("presenting_specialty"),
        )
        # Format 3 keeps the referring physician with the patient (the summary), older ones in `case`.
        referring = (
            patient["referring_physician"]
            if "referring_physician" in patient
            else case.get("referring_physician")
        )
        self.referring = Person(referring, rpps=case.get("referring_rpps"))

        self.decision = snapshot.get("decision") or {}
        # The GP, as the decision records them (a name and a town or address, typed by hand): no RPPS.
        self.general_practitioner = Person(self.decision.get("general_practitioner"))

        # What format 3 freezes for the Fiche RCP (rcp.minutes.build_snapshot): each professional in full,
        # the board's national identifiers and the centre's IPP OID. Without them (an older snapshot),
        # what is above stands, and `frozen_ids` is False: the caller reads the identifiers live.
        people = snapshot.get("professionals") or {}
        for attribute, key in (
            ("chair", "chair"),
            ("validator", "validator"),
            ("presenting", "presenting"),
            ("referring", "referring"),
        ):
            if key in people:
                setattr(self, attribute, _person(people[key]))
        if any("guest" in p for p in snapshot.get("participants") or []):
            self.participants = [_person(p) for p in snapshot["participants"]]
        # The meeting names no coordinator of its own (rcp.models.Meeting): its chair coordinates the
        # session, and is the Fiche RCP's RESP.
        self.coordinator = self.chair
        board = snapshot.get("board")
        self.frozen_ids = board is not None
        board = board or {}
        self.rrc_id = board.get("rrc_id") or None
        self.rcp_manager_id = board.get("rcp_manager_id") or None
        self.rcp_id = board.get("rcp_id") or None
        self.ipp_oid = centre.get("ipp_oid") or None


def _tnm(tumour: dict) -> tuple[str | None, str | None, str | None]:
    if any(k in tumour for k in ("t_category", "n_category", "m_category")):
        return (
            tumour.get("t_category") or None,
            tumour.get("n_category") or None,
            tumour.get("m_category") or None,
        )
    parts = (tumour.get("tnm") or "").split()
    pick = {
        prefix: next((p for p in parts if p.startswith(prefix) and p in values), None)
        for prefix, values in (
            ("T", c.TCategory.values),
            ("N", c.NCategory.values),
            ("M", c.MCategory.values),
        )
    }
    return pick["T"], pick["N"], pick["M"]
