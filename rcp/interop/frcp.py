"""The "Fiche RCP" of a validated minute: an HL7 CDA R2 document of the French CI-SIS model
CANCER-FRCP 2022.01 (ANS), made from the minute's frozen snapshot only, never from the live record.

`frcp_cda(snapshot, config=...)` is pure: the same snapshot and configuration give the same bytes. Its ids
are UUIDs derived from the centre and the minute number (version included for the document, not for its
setId, which every amendment shares), so a re-export gives the same ids and an amendment replaces the
version before it (relatedDocument RPLC). What the snapshot does not know is said unknown (nullFlavor),
never guessed; what the model has no entry for (lesions, scores, findings…) is kept in the narrative.

The document is in French, like the minute it transcribes: its words are not translated.
Reference: /work/shared/interop/frcp-cda.md; the ANS test kit (ansforge/TestContenuCDA-3-0).
"""

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime

from .codes import (
    CIM10,
    CIMO3,
    LOINC,
    MINUTE_TYPE,
    NCIT,
    ORGANISATION_ROOT,
    RPPS_ROOT,
    SEX,
    SNOMED,
    TNM_EDITION,
    ins_root,
)
from .snapshot import MinuteSnapshot, Person
from .valuesets import concept

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("", HL7)
ET.register_namespace("xsi", XSI)

TA_ASIP = "1.2.250.1.213.1.1.4.322"
TNM_UICC = "2.16.840.1.113883.15.6"
RRC_ROOT, RCP_MANAGER_ROOT, RCP_ROOT = (f"1.2.250.1.161.1.20.{n}.1" for n in (1, 2, 3))

# The ids' namespace: a document's UUID is uuid5(this, centre + minute number [+ version]).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:rcp-os:frcp")

# The app's specialties as JDV_J01_XdsAuthorSpecialty codes where one RPPS specialty names the same thing;
# the others (pain medicine, palliative care, general practice: several qualifications; other) are unknown.
SPECIALTY_CODES = {
    "medical_oncology": "G15_10/SM36",
    "pulmonology": "G15_10/SM41",
    "radiation_oncology": "G15_10/SM37",
    "orthopaedic_surgery": "G15_10/SM08",
    "spine_surgery": "G15_10/SM31",
    "radiology": "G15_10/SM44",
    "nuclear_medicine": "G15_10/SM28",
    "rheumatology": "G15_10/SM48",
    "pathology": "G15_10/SM01",
}
SPECIALTY_SYSTEM = "1.2.250.1.213.1.1.4.5"

# Proposal kinds (today's keys of decision["proposals"], tomorrow the kinds of the proposal lines) and
# their FRCP treatment type (JDV_TypeTraitement_FRCP_CISIS), or how the care plan carries them instead.
# Bone-modifying agents, corticosteroids and analgesia are supportive care in bone metastases (MASCC/ESMO).
# A systemic treatment's class (chemotherapy, targeted, immunotherapy…) is free text today: not coded.
TREATMENT_TYPES = {
    "radiotherapy": ("C15313", NCIT),
    "metabolic_radiotherapy": ("C15313", NCIT),
    "surgery": ("387713003", SNOMED),
    "interventional": ("C63334", NCIT),
    "interventional_radiology": ("C63334", NCIT),
    "bma": ("C15747", NCIT),
    "bone_modifying_agent": ("C15747", NCIT),
    "corticosteroids": ("C15747", NCIT),
    "analgesia": ("C15747", NCIT),
    "supportive_care": ("C15747", NCIT),
    "systemic": None,
}
EXAM_KINDS = {"exams", "examinations"}
SURVEILLANCE_KINDS = {"surveillance"}
# The kinds' French names, for the narrative (the proposal's own words follow them).
KIND_LABELS = {
    "radiotherapy": "Radiothérapie",
    "metabolic_radiotherapy": "Radiothérapie métabolique",
    "surgery": "Chirurgie",
    "interventional": "Radiologie interventionnelle",
    "interventional_radiology": "Radiologie interventionnelle",
    "bma": "Agent ciblant l'os",
    "bone_modifying_agent": "Agent ciblant l'os",
    "corticosteroids": "Corticothérapie",
    "analgesia": "Antalgie et soins de support",
    "supportive_care": "Soins de support",
    "systemic": "Traitement systémique",
    "exams": "Examens complémentaires",
    "examinations": "Examens complémentaires",
    "surveillance": "Surveillance",
}


@dataclass(frozen=True)
class FrcpConfig:
    """What the document needs besides the snapshot: the board's and centre's identifiers (rcp.models.Board,
    rcp.accounts.models.Centre; blank is unknown) and whether INS are test ones (settings.RCP_INS_TEST)."""

    ipp_oid: str = ""
    rrc_id: str = ""
    rcp_manager_id: str = ""
    rcp_id: str = ""
    ins_test: bool = True
    guideline: str = "Référentiel OncoBFC/NEON/ONCORIF 2021 — métastases osseuses"
    guideline_date: str = "2021"  # a TS: the year alone when the day is not known


def config_for(minute, settings=None) -> FrcpConfig:
    """The configuration of a minute's board and centre: the identifiers its snapshot froze at validation
    (a re-export never depends on their values today), or for a snapshot that did not freeze them, the
    board's and centre's live ones (queries unless loaded with decision__case__meeting__board__centre).
    Whether INS are test ones is the deployment's (settings.RCP_INS_TEST)."""
    from django.conf import settings as django_settings

    settings = settings or django_settings
    ins_test = getattr(settings, "RCP_INS_TEST", True)
    doc = MinuteSnapshot(minute.snapshot)
    if doc.frozen_ids:
        return FrcpConfig(
            ipp_oid=doc.ipp_oid or "",
            rrc_id=doc.rrc_id or "",
            rcp_manager_id=doc.rcp_manager_id or "",
            rcp_id=doc.rcp_id or "",
            ins_test=ins_test,
        )
    board = minute.decision.case.meeting.board
    return FrcpConfig(
        ipp_oid=board.centre.ipp_oid,
        rrc_id=board.rrc_id,
        rcp_manager_id=board.rcp_manager_id,
        rcp_id=board.rcp_id,
        ins_test=ins_test,
    )


def minute_cda_bytes(minute) -> bytes:
    """The Fiche RCP of a minute as archived: the CDA the worker stored beside its PDF (rcp/documents.py),
    else (not rendered yet, or rendered before the CDA was stored) made from its snapshot now. Check the
    minute first (rcp.integrity.verify_minutes); load it with select_related("rendered")."""
    from ..integrity import rendered_pdf

    rendered = rendered_pdf(minute)
    if rendered is not None and rendered.cda is not None:
        return bytes(rendered.cda)
    return frcp_cda(minute.snapshot, config=config_for(minute))


# --- the care plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarePlanEntry:
    kind: str
    label: str  # French words: the kind and the proposal's details
    mood: str  # "procedure" (a treatment, code from the FRCP JDV or unknown), "exam", "surveillance"
    code: tuple[str, str] | None = None  # (code, code system) in JDV_TypeTraitement_FRCP_CISIS


def care_plan_entries(snapshot: dict) -> list[CarePlanEntry]:
    """The care plan of a minute: one entry per proposal, by kind (TREATMENT_TYPES). Since snapshot format 3
    the decision carries its proposal lines (`decision.lines`, each with its kind and its words); an older
    snapshot carries `decision.proposals`, a dict keyed by kind, and `decision.proposals_text`, its lines
    in French."""
    decision = snapshot.get("decision") or {}
    if "lines" in decision:
        return [_entry_of_line(line) for line in decision["lines"]]
    proposals = decision.get("proposals") or {}
    entries = []
    if isinstance(proposals, dict):
        # proposals_text follows the order of the proposals before lines existed, one line per key present,
        # so the i-th line is the i-th key of that order found in the dict.
        from ..proposals import LEGACY_ORDER

        present = [key for key in LEGACY_ORDER if key in proposals]
        texts = list(decision.get("proposals_text") or [])
        words = dict(zip(present, texts, strict=False)) if len(texts) == len(present) else {}
        for key in present:
            entries.extend(_entries_of(key, proposals.get(key) or {}, words.get(key, "")))
    return entries


# The kinds of the proposal lines (rcp.proposals.Kind) named as above.
LINE_KINDS = {"radionuclide": "metabolic_radiotherapy", "supportive": "supportive_care"}


def _entry_of_line(line: dict) -> CarePlanEntry:
    kind = LINE_KINDS.get(line["kind"], line["kind"])
    label = line.get("text") or KIND_LABELS.get(kind, kind)
    if kind in EXAM_KINDS:
        return CarePlanEntry(kind, label, "exam")
    if kind in SURVEILLANCE_KINDS:
        return CarePlanEntry(kind, label, "surveillance")
    return CarePlanEntry(kind, label, "procedure", TREATMENT_TYPES.get(kind))


def _entries_of(kind: str, details: dict, words: str) -> list[CarePlanEntry]:
    label = words or KIND_LABELS.get(kind, kind)
    if kind in EXAM_KINDS:
        from ..proposals import LEGACY_EXAMS

        names = dict(LEGACY_EXAMS)
        which = details.get("which") or []
        text = details.get("text") or ""
        if not which:
            return [CarePlanEntry(kind, label, "exam")]
        lines = []
        for exam in which:
            line = str(names.get(exam, exam))
            lines.append(
                CarePlanEntry(kind, f"{line}{' — ' + text if exam == 'other' and text else ''}", "exam")
            )
        return lines
    if kind in SURVEILLANCE_KINDS:
        return [CarePlanEntry(kind, label, "surveillance")]
    return [CarePlanEntry(kind, label, "procedure", TREATMENT_TYPES.get(kind))]


# --- building blocks ----------------------------------------------------------------------------------


def _tag(name: str) -> str:
    return f"{{{HL7}}}{name}"


def el(parent, name: str, text: str | None = None, /, **attrs) -> ET.Element:
    node = ET.SubElement(parent, _tag(name)) if parent is not None else ET.Element(_tag(name))
    for key, value in attrs.items():
        if value is None:
            continue
        if key == "xsi_type":
            node.set(f"{{{XSI}}}type", value)
        else:
            node.set(key, str(value))
    if text is not None:
        node.text = text
    return node


def ts(value) -> str:
    if isinstance(value, datetime):
        offset = value.strftime("%z")
        return value.strftime("%Y%m%d%H%M%S") + offset
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return str(value)


def time_el(parent, name: str, value) -> ET.Element:
    return el(parent, name, value=ts(value)) if value else el(parent, name, nullFlavor="UNK")


def coded(parent, name: str, valueset: str | None, code: str, system: str, *, xsi_type=None, display=None):
    """A coded element; from `valueset` when given (its display name, and refused if not in it)."""
    if valueset:
        found = concept(valueset, code, system)
        display = found.display_name
    return el(parent, name, xsi_type=xsi_type, code=code, displayName=display, codeSystem=system)


def unknown(parent, name: str, *, xsi_type=None, flavor="UNK"):
    return el(parent, name, xsi_type=xsi_type, nullFlavor=flavor)


def loinc(parent, code: str, display: str):
    return el(parent, "code", code=code, displayName=display, codeSystem=LOINC, codeSystemName="LOINC")


def ta_asip(parent, name: str, code: str, display: str, **kw):
    return el(
        parent, name, code=code, displayName=display, codeSystem=TA_ASIP, codeSystemName="TA_ASIP", **kw
    )


def templates(parent, *roots):
    for root in roots:
        el(parent, "templateId", root=root)


def person_name(parent, person: Person):
    """The name as the snapshot has it: family and given apart when a format stores them so, else the
    printed name whole (splitting "Camille Président" into given and family would be a guess)."""
    name = el(parent, "name")
    if person.family:
        if person.given:
            el(name, "given", person.given)
        el(name, "family", person.family)
    elif person.name:
        name.text = person.name
    else:
        name.set("nullFlavor", "UNK")
    return name


def rpps_id(parent, person: Person):
    if person.rpps:
        return el(parent, "id", root=RPPS_ROOT, extension=f"8{person.rpps}")
    return el(parent, "id", nullFlavor="UNK")


def specialty(parent, person: Person):
    code = SPECIALTY_CODES.get(person.specialty or "")
    if code:
        return coded(parent, "code", "JDV_J01_XdsAuthorSpecialty_CISIS", code, SPECIALTY_SYSTEM)
    return unknown(parent, "code")


class Ids:
    """Deterministic UUIDs: the document's, its set's, and one per entry (by the entry's name)."""

    def __init__(self, doc: MinuteSnapshot):
        centre = f"{doc.centre_finess or ''}|{doc.centre_name or ''}"
        self.set_id = str(uuid.uuid5(ID_NAMESPACE, f"{centre}|{doc.number}")).upper()
        self.document = self.of_version(doc.version, centre, doc.number)
        self._centre, self._number = centre, doc.number

    @staticmethod
    def of_version(version, centre, number) -> str:
        return str(uuid.uuid5(ID_NAMESPACE, f"{centre}|{number}|v{version}")).upper()

    def previous(self, version) -> str:
        return self.of_version(version, self._centre, self._number)

    def entry(self, name: str) -> str:
        return str(uuid.uuid5(uuid.UUID(self.document), name)).upper()


class Narrative:
    """A section's <text>: tables of label/value rows, each value with an ID the entries refer to."""

    def __init__(self, section):
        self.text = el(section, "text")

    def table(self, heading: str, rows, *, columns=2):
        table = el(self.text, "table", border="0")
        head = el(el(table, "thead"), "tr")
        el(head, "th", heading, colspan=str(columns) if columns > 1 else None)
        body = el(table, "tbody")
        for row in rows:
            tr = el(body, "tr")
            for cell in row:
                td = el(tr, "td")
                if isinstance(cell, tuple):  # (ID, text)
                    el(td, "content", cell[1], ID=cell[0])
                else:
                    td.text = cell
        return table

    def paragraph(self, text: str, ref: str | None = None):
        p = el(self.text, "paragraph")
        if ref:
            el(p, "content", text, ID=ref)
        else:
            p.text = text
        return p


def section(body, roots, code: str, display: str, title: str, ids: Ids, name: str):
    component = el(body, "component")
    node = el(component, "section")
    templates(node, *roots)
    el(node, "id", root=ids.entry(f"section/{name}"))
    loinc(node, code, display)
    el(node, "title", title)
    return node


def simple_observation(parent, ids: Ids, name: str, code_fn, ref: str | None, *, extra_templates=()):
    obs = el(parent, "observation", classCode="OBS", moodCode="EVN")
    templates(obs, "1.3.6.1.4.1.19376.1.5.3.1.4.13", "1.2.250.1.213.1.1.3.48", *extra_templates)
    el(obs, "id", root=ids.entry(name))
    code_fn(obs)
    if ref:
        el(el(obs, "text"), "reference", value=f"#{ref}")
    el(obs, "statusCode", code="completed")
    return obs


def boolean(obs, value: bool | None):
    if value is None:
        return unknown(obs, "value", xsi_type="BL")
    return el(obs, "value", xsi_type="BL", value="true" if value else "false")


def comment(parent, ids: Ids, name: str, ref: str, *, relationship=True):
    holder = el(parent, "entryRelationship", typeCode="SUBJ", inversionInd="true") if relationship else parent
    act = el(holder, "act", classCode="ACT", moodCode="EVN")
    templates(act, "2.16.840.1.113883.10.20.1.40", "1.3.6.1.4.1.19376.1.5.3.1.4.2", "1.2.250.1.213.1.1.3.32")
    el(act, "id", root=ids.entry(name))
    loinc(act, "48767-8", "Commentaire")
    el(el(act, "text"), "reference", value=f"#{ref}")
    el(act, "statusCode", code="completed")
    return act


def yes_no(value) -> str:
    return {True: "Oui", False: "Non"}.get(value, "Inconnu")


def fr_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "inconnue"


# --- the document -------------------------------------------------------------------------------------


def frcp_cda(snapshot: dict, *, config: FrcpConfig) -> bytes:
    """The CANCER-FRCP 2022.01 CDA of a validated minute's snapshot, as UTF-8 XML bytes."""
    doc = MinuteSnapshot(snapshot)
    ids = Ids(doc)
    root = el(None, "ClinicalDocument")
    _header(root, doc, ids, config)
    body = el(el(root, "component"), "structuredBody")
    _reason_for_referral(body, doc, ids)
    _event_outcomes(body, doc, ids)
    _cancer_diagnosis(body, doc, ids)
    _progress_note(body, doc, ids)
    _history(body, doc, ids)
    _file_status(body, doc, ids)
    _care_plan(body, doc, ids, snapshot)
    _framework(body, doc, ids, config)
    _document_status(body, doc, ids)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _organisation_id(parent, doc: MinuteSnapshot):
    if doc.centre_finess:
        return el(parent, "id", root=ORGANISATION_ROOT, extension=f"1{doc.centre_finess}")
    return el(parent, "id", nullFlavor="UNK")


def _organisation(parent, name: str, doc: MinuteSnapshot):
    org = el(parent, name)
    _organisation_id(org, doc)
    if doc.centre_name:
        el(org, "name", doc.centre_name)
    return org


def _header(root, doc: MinuteSnapshot, ids: Ids, config: FrcpConfig):
    el(root, "realmCode", code="FR")
    el(root, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
    templates(root, "2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1")
    el(root, "templateId", root="1.2.250.1.213.1.1.1.8", extension="2022.01")
    el(root, "id", root=ids.document)
    loinc(root, MINUTE_TYPE[0], "CR de réunion de concertation pluridisciplinaire")
    el(root, "title", f"Fiche RCP {doc.number} — {doc.meeting_title or 'RCP'}")
    time_el(root, "effectiveTime", doc.validated_at)
    el(
        root,
        "confidentialityCode",
        code="N",
        displayName="Normal",
        codeSystem="2.16.840.1.113883.5.25",
        codeSystemName="Confidentiality",
    )
    el(root, "languageCode", code="fr-FR")
    el(root, "setId", root=ids.set_id)
    el(root, "versionNumber", value=str(doc.version))

    _record_target(root, doc, config)

    author = el(root, "author")
    time_el(author, "time", doc.validated_at)
    assigned = el(author, "assignedAuthor")
    rpps_id(assigned, doc.presenting)
    specialty(assigned, doc.presenting)
    person_name(el(assigned, "assignedPerson"), doc.presenting)
    _organisation(assigned, "representedOrganization", doc)

    custodian = el(el(el(root, "custodian"), "assignedCustodian"), "representedCustodianOrganization")
    _organisation_id(custodian, doc)
    if doc.centre_name:
        el(custodian, "name", doc.centre_name)

    legal = el(root, "legalAuthenticator")
    time_el(legal, "time", doc.validated_at)
    el(legal, "signatureCode", code="S")
    entity = el(legal, "assignedEntity")
    rpps_id(entity, doc.validator)
    specialty(entity, doc.validator)
    person_name(el(entity, "assignedPerson"), doc.validator)
    _organisation(entity, "representedOrganization", doc)

    _participants(root, doc)

    service = el(el(root, "documentationOf"), "serviceEvent", classCode="ACT")
    code = el(
        service,
        "code",
        code="39",
        displayName="Réunion de Concertation Pluridisciplinaire (RCP)",
        codeSystem="1.2.250.1.213.3.3.13",
        codeSystemName="TRE_R213-ModePriseEnCharge",
    )
    el(code, "originalText", " / ".join(p for p in (doc.centre_name, doc.meeting_title) if p) or None)
    time_el(el(service, "effectiveTime"), "low", doc.meeting_at)
    if doc.location:
        topography = el(el(root, "documentationOf"), "serviceEvent", classCode="ACT")
        coded(topography, "code", "JDV_Tumeur_CISIS", doc.location, CIM10)

    if doc.supersedes_version:  # an amendment replaces the version before it
        parent = el(el(root, "relatedDocument", typeCode="RPLC"), "parentDocument")
        el(parent, "id", root=ids.previous(doc.supersedes_version))
        el(parent, "setId", root=ids.set_id)
        el(parent, "versionNumber", value=str(doc.supersedes_version))

    encounter = el(el(root, "componentOf"), "encompassingEncounter")
    for id_root, value in (
        (RRC_ROOT, config.rrc_id),
        (RCP_MANAGER_ROOT, config.rcp_manager_id),
        (RCP_ROOT, config.rcp_id),
    ):
        el(encounter, "id", root=id_root, extension=value or None, nullFlavor=None if value else "UNK")
    coded(encounter, "code", "JDV_J142_TypeRencontre_CISIS", "VR", "2.16.840.1.113883.5.4")
    time_el(el(encounter, "effectiveTime"), "low", doc.meeting_at)
    facility = el(el(encounter, "location"), "healthCareFacility")
    _organisation_id(facility, doc)
    place = el(facility, "location")
    name = " — ".join(p for p in (doc.centre_name, doc.meeting_place) if p)
    el(place, "name", name) if name else unknown(place, "name")
    unknown(place, "addr")


def _record_target(root, doc: MinuteSnapshot, config: FrcpConfig):
    role = el(el(root, "recordTarget"), "patientRole")
    if doc.ins:
        el(role, "id", root=ins_root(doc.ins, test=config.ins_test), extension=doc.ins)
    if doc.ipp and config.ipp_oid:
        el(role, "id", root=config.ipp_oid, extension=doc.ipp)
    elif not doc.ins:
        el(role, "id", nullFlavor="UNK")
    patient = el(role, "patient", classCode="PSN")
    name = el(patient, "name")
    if doc.ins:
        # With an INS, the birth identity traits (family name and given names of the birth certificate).
        el(name, "family", doc.family_name, qualifier="BR")
        el(name, "given", doc.given_names)
        el(name, "given", (doc.given_names or "").split()[0] if doc.given_names else None, qualifier="BR")
    else:
        el(name, "family", doc.family_name)
        el(name, "given", doc.given_names)
    if doc.sex:
        coded(
            patient,
            "administrativeGenderCode",
            "JDV_J143_AdministrativeGender_CISIS",
            SEX[doc.sex][0],
            "2.16.840.1.113883.5.1",
        )
    else:
        unknown(patient, "administrativeGenderCode")
    time_el(patient, "birthTime", doc.birth_date)
    if doc.ins:
        county = el(el(el(el(patient, "birthplace"), "place"), "addr"), "county", doc.birthplace_insee)
        if not doc.birthplace_insee:
            county.set("nullFlavor", "UNK")


def _participant(root, type_code: str, function, person: Person | None, when):
    participant = el(root, "participant", typeCode=type_code)
    concept(
        "JDV_J144_ParticipationType_CISIS", type_code, "2.16.840.1.113883.5.90"
    )  # refuses a role outside the JDV
    function(participant)
    time_el(participant, "time", when)
    if person is None or not (person.name or person.family):
        unknown(participant, "associatedEntity", flavor="UNK").set("classCode", "PROV")
        return participant
    entity = el(participant, "associatedEntity", classCode="PROV")
    rpps_id(entity, person)
    specialty(entity, person)
    person_name(el(entity, "associatedPerson"), person)
    return participant


def _free_function(text: str):
    def make(parent):
        fn = el(parent, "functionCode", nullFlavor="NA")
        el(fn, "originalText", text)

    return make


def _function(code: str, system: str, text: str):
    def make(parent):
        fn = coded(parent, "functionCode", "JDV_J47_FunctionCode_CISIS", code, system)
        el(fn, "originalText", text)

    return make


def _participants(root, doc: MinuteSnapshot):
    when = doc.meeting_at
    _participant(
        root, "RESP", _free_function("Président de séance (coordonnateur de la RCP)"), doc.coordinator, when
    )
    _participant(root, "REFB", _free_function("Médecin demandeur (médecin référent)"), doc.referring, when)
    _participant(root, "PRF", _free_function("Médecin présentant le dossier"), doc.presenting, when)
    # The general practitioner, as the decision records them (name and town, typed by hand: no RPPS).
    gp = doc.general_practitioner
    _participant(
        root,
        "INF",
        _function("PCP", "2.16.840.1.113883.5.88", "Médecin traitant"),
        gp,
        when if gp.name else None,
    )
    for person in doc.participants:
        # An attendee with a specialty counts in the board's quorum (rcp.models.Board.quorum).
        if person.specialty:
            function = _function("353", "1.2.250.1.213.1.6.1.107", "Participant du quorum")
        else:
            function = _function("CORRE", "1.2.250.1.213.1.1.4.2.280", "Participant hors quorum")
        _participant(root, "PRF", function, person, when)


# --- sections -----------------------------------------------------------------------------------------


def _reason_for_referral(body, doc: MinuteSnapshot, ids: Ids):
    node = section(
        body,
        ("1.3.6.1.4.1.19376.1.5.3.1.3.1", "1.3.6.1.4.1.19376.1.5.3.1.3.2", "1.2.250.1.213.1.1.2.128"),
        "42349-1",
        "Raison de la recommandation",
        "TYPE DE RCP / MOTIF DE LA RCP",
        ids,
        "reason",
    )
    text = Narrative(node)
    nature = concept("JDV_NatureDiscussion_CISIS", "ORG-117", TA_ASIP)
    system = concept("JDV_RCP_Appareil_CISIS", "312419003", SNOMED)
    organ = concept("JDV_RCP_Organe_CISIS", "MED-255", TA_ASIP)
    case_status = concept("JDV_StatutCasPresente_CISIS", "ORG-134", TA_ASIP)
    text.table(
        "Type de RCP",
        [
            ("Nature de la discussion", ("nature-discussion", nature.display_name)),
            ("Appareil", ("appareil", system.display_name)),
            ("Organe", ("organe", organ.display_name)),
            ("RCP de recours", ("rcp-recours", "Non renseigné")),
            ("RCP pédiatrique", ("rcp-pediatrique", "Non renseigné")),
        ],
    )
    urgent = " (urgent)" if doc.urgent else ""
    text.table(
        "Motif de la RCP",
        [
            ("Motif", ("motif", f"{doc.reason_label or 'Non renseigné'}{urgent}")),
            ("Question posée", ("question", doc.question or "Non renseignée")),
            ("Statut du cas présenté", ("statut-cas", case_status.display_name)),
        ],
    )
    entry = el(node, "entry")
    obs = simple_observation(
        entry,
        ids,
        "nature",
        lambda o: ta_asip(o, "code", "GEN-098", "Nature de la discussion"),
        "nature-discussion",
    )
    unknown(obs, "effectiveTime", flavor="NA")
    coded(obs, "value", "JDV_NatureDiscussion_CISIS", "ORG-117", TA_ASIP, xsi_type="CD")
    rel = el(obs, "entryRelationship", typeCode="SUBJ")
    sys_obs = simple_observation(
        rel, ids, "appareil", lambda o: ta_asip(o, "code", "ORG-118", "Appareil concerné"), "appareil"
    )
    unknown(sys_obs, "effectiveTime", flavor="NA")
    coded(sys_obs, "value", "JDV_RCP_Appareil_CISIS", "312419003", SNOMED, xsi_type="CD")
    organ_obs = simple_observation(
        el(sys_obs, "entryRelationship", typeCode="REFR"),
        ids,
        "organe",
        lambda o: ta_asip(o, "code", "ORG-119", "Organe"),
        "organe",
    )
    unknown(organ_obs, "effectiveTime", flavor="NA")
    coded(organ_obs, "value", "JDV_RCP_Organe_CISIS", "MED-255", TA_ASIP, xsi_type="CD")
    for name, code, display in (
        ("rcp-recours", "ORG-184", "RCP de recours"),
        ("rcp-pediatrique", "ORG-185", "RCP pédiatrique"),
    ):
        flag = simple_observation(
            el(sys_obs, "entryRelationship", typeCode="REFR"),
            ids,
            name,
            lambda o, c=code, d=display: ta_asip(o, "code", c, d),
            name,
        )
        unknown(flag, "effectiveTime", flavor="NA")
        boolean(flag, None)  # a property of the board the application does not record
    motive = simple_observation(
        el(obs, "entryRelationship", typeCode="SUBJ"),
        ids,
        "motif",
        lambda o: ta_asip(o, "code", "ORG-186", "Motif de la RCP"),
        "motif",
    )
    unknown(motive, "effectiveTime", flavor="NA")
    unknown(motive, "value", xsi_type="CD", flavor="NA")
    # Diagnostic opinion, treatment proposal, recourse, paediatrics: the reason for referral as the
    # application records it (rcp.models.CaseSubmission.Reason) says none of these: unknown.
    for name, code, display in (
        ("avis-diagnostique", "MED-235", "Avis diagnostique"),
        ("proposition-traitement", "ORG-114", "Proposition de traitement (dont ajustement et surveillance)"),
        ("recours", "ORG-115", "Recours"),
        ("pediatrie", "ORG-116", "Pédiatrie"),
    ):
        flag = simple_observation(
            el(motive, "entryRelationship", typeCode="REFR"),
            ids,
            name,
            lambda o, c=code, d=display: ta_asip(o, "code", c, d),
            "motif",
        )
        unknown(flag, "effectiveTime", flavor="NA")
        boolean(flag, None)
    status = simple_observation(
        el(motive, "entryRelationship", typeCode="REFR"),
        ids,
        "statut-cas",
        lambda o: ta_asip(o, "code", "ORG-127", "Statut du cas présenté"),
        "statut-cas",
    )
    time_el(status, "effectiveTime", doc.meeting_at)
    coded(status, "value", "JDV_StatutCasPresente_CISIS", "ORG-134", TA_ASIP, xsi_type="CD")

    problem = el(el(node, "entry"), "observation", classCode="OBS", moodCode="EVN", negationInd="false")
    templates(
        problem, "2.16.840.1.113883.10.20.1.28", "1.3.6.1.4.1.19376.1.5.3.1.4.5", "1.2.250.1.213.1.1.3.37"
    )
    el(problem, "id", root=ids.entry("probleme"))
    el(
        problem,
        "code",
        code="55607006",
        displayName="problème",
        codeSystem=SNOMED,
        codeSystemName="SNOMED CT",
    )
    el(el(problem, "text"), "reference", value="#question")
    el(problem, "statusCode", code="completed")
    time_el(el(problem, "effectiveTime"), "low", doc.meeting_at)
    value = unknown(problem, "value", xsi_type="CD", flavor="NA")
    el(el(value, "originalText"), "reference", value="#question")


def _event_outcomes(body, doc: MinuteSnapshot, ids: Ids):
    node = section(
        body,
        ("1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9", "1.3.6.1.4.1.19376.1.7.3.1.1.13.7", "1.2.250.1.213.1.1.2.163"),
        "42545-4",
        "Evènements observés",
        "MODE DE DÉCOUVERTE DU CANCER",
        ids,
        "evenements",
    )
    Narrative(node).table(
        "Mode de découverte du cancer", [("Patient issu du dépistage", ("depistage", "Non renseigné"))]
    )
    obs = simple_observation(
        el(node, "entry"), ids, "depistage", lambda o: loinc(o, "63921-1", "Dépistage du cancer"), "depistage"
    )
    unknown(obs, "effectiveTime")
    boolean(obs, None)


def _cancer_diagnosis(body, doc: MinuteSnapshot, ids: Ids):
    node = section(
        body,
        (
            "2.16.840.1.113883.10.20.1.11",
            "1.3.6.1.4.1.19376.1.5.3.1.3.6",
            "1.3.6.1.4.1.19376.1.7.3.1.3.14.1",
            "1.2.250.1.213.1.1.2.27",
        ),
        "72135-7",
        "Diagnostic du cancer",
        "TUMEUR",
        ids,
        "diagnostic",
    )
    tnm = " ".join(p for p in (doc.t, doc.n, doc.m) if p)
    Narrative(node).table(
        "Tumeur primitive",
        [
            ("Morphologie (CIM-O-3)", ("morphologie", doc.histology_label or "Non renseignée")),
            ("Topographie (CIM-10)", ("topographie", doc.location_label or "Non renseignée")),
            ("Date du diagnostic", fr_date(doc.diagnosis_date)),
            ("TNM (8e édition UICC)", ("tnm", tnm or "Non renseigné")),
            ("Stade", ("stade", doc.stage or "Non renseigné")),
        ],
    )
    act = el(el(node, "entry"), "act", classCode="ACT", moodCode="EVN")
    templates(
        act,
        "2.16.840.1.113883.10.20.1.27",
        "1.3.6.1.4.1.19376.1.5.3.1.4.5.1",
        "1.3.6.1.4.1.19376.1.5.3.1.4.5.2",
        "1.2.250.1.213.1.1.3.39",
        "1.2.250.1.213.1.1.3.39.1",
    )
    el(act, "id", root=ids.entry("tumeur/concern"))
    unknown(act, "code", flavor="NA")
    el(act, "statusCode", code="active")
    time_el(el(act, "effectiveTime"), "low", doc.diagnosis_date)
    obs = el(
        el(act, "entryRelationship", typeCode="SUBJ", inversionInd="false"),
        "observation",
        classCode="OBS",
        moodCode="EVN",
        negationInd="false",
    )
    templates(
        obs,
        "2.16.840.1.113883.10.20.1.28",
        "1.3.6.1.4.1.19376.1.5.3.1.4.5",
        "1.2.250.1.213.1.1.3.37",
        "1.3.6.1.4.1.19376.1.7.3.1.4.14.1",
        "1.2.250.1.213.1.1.3.113",
    )
    el(obs, "id", root=ids.entry("tumeur"))
    el(
        obs,
        "code",
        code="282291009",
        displayName="interprétation diagnostique",
        codeSystem=SNOMED,
        codeSystemName="SNOMED CT",
    )
    el(el(obs, "text"), "reference", value="#morphologie")
    el(obs, "statusCode", code="completed")
    time_el(el(obs, "effectiveTime"), "low", doc.diagnosis_date)
    if doc.histology:
        value = coded(obs, "value", "JDV_Morphologie_CISIS", doc.histology, CIMO3, xsi_type="CD")
    else:
        value = unknown(obs, "value", xsi_type="CD")
    el(el(value, "originalText"), "reference", value="#morphologie")
    site = (
        coded(obs, "targetSiteCode", "JDV_Tumeur_CISIS", doc.location, CIM10)
        if doc.location
        else unknown(obs, "targetSiteCode")
    )
    el(el(site, "originalText"), "reference", value="#topographie")

    stage = el(
        el(obs, "entryRelationship", typeCode="SUBJ", inversionInd="false"),
        "observation",
        classCode="OBS",
        moodCode="EVN",
        negationInd="false",
    )
    templates(stage, "1.3.6.1.4.1.19376.1.7.3.1.4.14.2")
    el(stage, "id", root=ids.entry("tnm"))
    loinc(stage, "75620-5", "Stade TNM Clinique")
    el(el(stage, "text"), "reference", value="#tnm")
    el(stage, "statusCode", code="completed")
    time_el(el(stage, "effectiveTime"), "low", doc.diagnosis_date)
    value = el(stage, "value", xsi_type="CD")
    if doc.stage:
        qualifier = el(value, "qualifier")
        loinc(qualifier, "21909-7", "Stade clinique").tag = _tag("name")
        el(qualifier, "value", code=doc.stage, codeSystem=TNM_UICC, codeSystemName="TNM_UICC")
    qualifier = el(value, "qualifier")
    loinc(qualifier, "21917-0", "Version TNM Classification").tag = _tag("name")
    el(
        qualifier,
        "value",
        code=TNM_EDITION,
        displayName="TNM UICC 8e édition",
        codeSystem=TNM_UICC,
        codeSystemName="TNM_UICC",
    )
    for name, code, display, category in (
        ("tnm-t", "21905-5", "TNM Clinique T", doc.t),
        ("tnm-n", "21906-3", "TNM Clinique N", doc.n),
        ("tnm-m", "21907-1", "TNM Clinique M", doc.m),
    ):
        part = simple_observation(
            el(stage, "entryRelationship", typeCode="COMP"),
            ids,
            name,
            lambda o, c=code, d=display: loinc(o, c, d),
            "tnm",
        )
        unknown(part, "effectiveTime", flavor="NA")
        if category:
            el(
                part,
                "value",
                xsi_type="CD",
                code=category,
                codeSystem=TNM_UICC,
                codeSystemName="TNM_UICC",
                codeSystemVersion=TNM_EDITION,
            )
        else:
            unknown(part, "value", xsi_type="CD")


def _progress_note(body, doc: MinuteSnapshot, ids: Ids):
    node = section(
        body,
        ("1.3.6.1.4.1.19376.1.5.3.1.1.13.2.7", "1.2.250.1.213.1.1.2.25"),
        "18733-6",
        "Note de progression",
        "PHASE CLINIQUE DE LA MALADIE",
        ids,
        "phase",
    )
    # A case brought for a new diagnosis is in its initial phase; any other reason (pain, fracture risk,
    # progression…) does not say whether the cancer relapsed: unknown.
    phase = concept("JDV_PhaseCancer_CISIS", "MED-268", TA_ASIP) if doc.reason == "new_diagnosis" else None
    Narrative(node).table(
        "Phase clinique", [("Phase du cancer", ("phase", phase.display_name if phase else "Non renseignée"))]
    )
    obs = simple_observation(
        el(node, "entry"), ids, "phase", lambda o: ta_asip(o, "code", "MED-243", "Phase du cancer"), "phase"
    )
    time_el(obs, "effectiveTime", doc.meeting_at if phase else None)
    if phase:
        coded(obs, "value", "JDV_PhaseCancer_CISIS", phase.code, TA_ASIP, xsi_type="CD")
    else:
        unknown(obs, "value", xsi_type="CD")


def _history(body, doc: MinuteSnapshot, ids: Ids):
    """The case summary and question, and every structured datum of the minute the model has no entry
    for (assessment, lesions, scores, findings, labs, treatments, events…): in words, never lost."""
    node = section(
        body,
        ("1.3.6.1.4.1.19376.1.5.3.1.3.4", "1.2.250.1.213.1.1.2.130"),
        "10164-2",
        "Histoire de la maladie",
        "SYNTHÈSE DU CAS PRÉSENTÉ ET QUESTION POSÉE A LA RCP - "
        "AUTRES DONNÉES INDISPENSABLES À L'AVIS DE LA RCP",
        ids,
        "histoire",
    )
    text = Narrative(node)
    summary = [
        ("Motif", doc.reason_label or "Non renseigné"),
        ("Question posée à la RCP", doc.question or "Non renseignée"),
    ]
    if doc.urgent:
        summary.append(("Urgence", "Oui"))
    text.table("Synthèse du cas présenté et question posée à la RCP", summary)
    for heading, rows in _other_data(doc):
        if rows:
            text.table(heading, rows)


def _other_data(doc: MinuteSnapshot):
    snap = doc.raw
    # Format 3 (rcp.minutes) names the clinical status `status`, with BMI and ambulatory status, and marks
    # a converted performance scale; older formats name it `assessment`.
    assessment = snap.get("status") or snap.get("assessment") or {}
    rows = [
        (label, str(assessment[key]))
        for key, label in (
            ("ecog", "Indice de performance OMS (ECOG)"),
            ("karnofsky", "Indice de Karnofsky"),
            ("pain", "Douleur (EN 0–10)"),
            ("frankel", "Grade de Frankel"),
            ("ambulatory_label", "Statut ambulatoire"),
            ("life_expectancy_months", "Espérance de vie estimée (mois)"),
            ("bmi", "Indice de masse corporelle (kg/m²)"),
        )
        if assessment.get(key) not in (None, "")
    ]
    if assessment.get("ecog_converted"):
        rows = [
            (label, f"{value} (converti depuis l’indice de Karnofsky)" if "ECOG" in label else value)
            for label, value in rows
        ]
    if assessment.get("karnofsky_range"):
        low, high = assessment["karnofsky_range"]
        rows.insert(1, ("Indice de Karnofsky", f"{low}–{high} (converti depuis l’ECOG)"))
    yield (f"État clinique ({_iso_fr(assessment.get('date'))})" if assessment else "État clinique", rows)
    yield ("Altérations moléculaires", [(m, "") for m in snap.get("molecular") or []])
    yield ("Métastases extra-osseuses", [(s, "") for s in snap.get("sites") or []])
    lesions = []
    for lesion in snap.get("lesions") or []:
        scores = "; ".join(
            f"{s.get('name')} {s.get('total')} ({s.get('band_label')})" for s in lesion.get("scores") or []
        )
        pain = lesion.get("pain_nrs")
        details = [
            lesion.get("status_label") or "",
            lesion.get("type") or "",
            f"douleur {pain}/10" if pain is not None else "",
            {True: "douleur mécanique", False: "douleur non mécanique"}.get(
                lesion.get("pain_mechanical"), ""
            ),
            lesion.get("exam") or "",
            scores,
        ]
        lesions.append((lesion.get("site") or "", " — ".join(d for d in details if d)))
    yield ("Lésions osseuses", lesions)
    yield (
        "Scores",
        [
            (
                f"{s.get('name')}",
                f"{s.get('total')} — {s.get('band_label')} "
                f"(v{s.get('version')}, {_iso_fr(s.get('computed_on'))})",
            )
            for s in snap.get("scores") or []
        ],
    )
    labs = snap.get("labs") or {}
    if labs:
        yield (
            f"Biologie ({_iso_fr(labs.get('date'))})",
            [
                (label, str(labs[key]))
                for key, label in (
                    ("corrected_calcium", "Calcémie corrigée (mmol/L)"),
                    ("clearance", "Clairance de la créatinine (mL/min)"),
                )
                if labs.get(key) is not None
            ],
        )
    yield (
        "Traitements",
        [
            (
                f"{_iso_fr(t.get('start'))} – {_iso_fr(t.get('end')) if t.get('end') else 'en cours'}",
                t.get("summary") or "",
            )
            for t in snap.get("treatments") or []
        ],
    )
    # Format 3 freezes an event as data; older formats as "dd/mm/YYYY label".
    events = snap.get("events") or []
    yield (
        "Événements osseux",
        [
            (e if isinstance(e, str) else f"{_iso_fr(e.get('date'))} {e.get('label') or ''}", "")
            for e in events
        ],
    )
    yield (
        "Alertes et recommandations du référentiel",
        [
            (
                f.get("rule") or "",
                " — ".join(
                    p for p in (f.get("message"), f.get("source"), ", ".join(f.get("trials") or [])) if p
                ),
            )
            for f in snap.get("findings") or []
        ],
    )
    yield (
        "Propositions contraires aux alertes, confirmées",
        [(str(x), "") for x in snap.get("contradictions") or []],
    )


def _iso_fr(value) -> str:
    if not value:
        return "date inconnue"
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _file_status(body, doc: MinuteSnapshot, ids: Ids):
    node = section(
        body,
        ("1.2.250.1.213.1.1.2.33",),
        "21874-3",
        "Statut du dossier présenté en RCP",
        "STATUT DU DOSSIER RCP",
        ids,
        "statut-dossier",
    )
    quorum_code = {True: "ORG-126", False: "ORG-133"}.get(doc.quorum_ok, "GEN-010")
    quorum = concept("JDV_StatutQuorum_CISIS", quorum_code, TA_ASIP)
    rows = [
        ("Dossier complet", ("dossier-complet", "Non renseigné")),
        ("Quorum", ("quorum", quorum.display_name)),
    ]
    if doc.quorum_override:
        rows.append(("Validation sans quorum, motif", ("quorum-motif", doc.quorum_override)))
    Narrative(node).table("Statut du dossier présenté à la RCP", rows)
    organizer = el(el(node, "entry"), "organizer", classCode="CLUSTER", moodCode="EVN")
    templates(organizer, "1.2.250.1.213.1.1.3.7")
    ta_asip(organizer, "code", "GEN-099", "Information RCP")
    el(organizer, "statusCode", code="completed")
    complete = simple_observation(
        el(organizer, "component"),
        ids,
        "dossier-complet",
        lambda o: ta_asip(o, "code", "GEN-100", "Dossier complet"),
        "dossier-complet",
    )
    unknown(complete, "effectiveTime", flavor="NA")
    boolean(complete, None)  # the application does not record whether the file was complete
    obs = simple_observation(
        el(organizer, "component"),
        ids,
        "quorum",
        lambda o: ta_asip(o, "code", "ORG-125", "Quorum RCP"),
        "quorum",
    )
    time_el(obs, "effectiveTime", doc.meeting_at)
    coded(obs, "value", "JDV_StatutQuorum_CISIS", quorum_code, TA_ASIP, xsi_type="CD")
    if doc.quorum_override:
        comment(el(organizer, "component"), ids, "quorum-motif", "quorum-motif", relationship=False)


def _care_plan(body, doc: MinuteSnapshot, ids: Ids, snapshot: dict):
    node = section(
        body,
        ("2.16.840.1.113883.10.20.1.10", "1.3.6.1.4.1.19376.1.5.3.1.3.36", "1.2.250.1.213.1.1.2.158"),
        "18776-5",
        "Plan de soins",
        "PROPOSITION DE LA RCP",
        ids,
        "plan",
    )
    entries = care_plan_entries(snapshot)
    text = Narrative(node)
    rows = []
    for index, entry in enumerate(entries, start=1):
        if entry.mood == "procedure":
            kind = (
                concept("JDV_TypeTraitement_FRCP_CISIS", *entry.code).display_name
                if entry.code
                else "Type non codé"
            )
        elif entry.mood == "exam":
            kind = "Demande d'examen"
        else:
            kind = "Surveillance"
        rows.append((kind, (f"proposition-{index}", entry.label)))
    text.table("Proposition(s) de la RCP", rows or [("Aucune proposition structurée", "")])
    decision = doc.decision
    words = decision.get("free_text") or ""
    if words:
        text.table("Décision de la RCP, en clair", [(("decision-texte", words),)], columns=1)
    if decision.get("follow_up_physician"):
        text.table("Suivi", [("Médecin chargé du suivi", decision["follow_up_physician"])])
    dose = decision.get("zoledronic_acid")
    if dose:
        text.table(
            "Acide zolédronique",
            [
                (
                    "Dose selon la clairance",
                    f"{dose.get('dose_mg')} mg (clairance {dose.get('clearance_ml_min')} mL/min)",
                )
            ],
        )
    only_surveillance = all(e.mood == "surveillance" for e in entries) and entries
    for index, entry in enumerate(entries, start=1):
        ref = f"proposition-{index}"
        target = el(node, "entry")
        if entry.mood == "procedure":
            proc = el(target, "procedure", classCode="PROC", moodCode="INT")
            templates(
                proc,
                "2.16.840.1.113883.10.20.1.25",
                "1.3.6.1.4.1.19376.1.5.3.1.4.19",
                "1.2.250.1.213.1.1.3.62",
            )
            el(proc, "id", root=ids.entry(ref))
            code = (
                coded(proc, "code", "JDV_TypeTraitement_FRCP_CISIS", *entry.code)
                if entry.code
                else unknown(proc, "code")
            )
            el(el(code, "originalText"), "reference", value=f"#{ref}")
            el(el(proc, "text"), "reference", value=f"#{ref}")
            el(proc, "statusCode", code="new")
        elif entry.mood == "surveillance" and only_surveillance:
            enc = el(target, "encounter", classCode="ENC", moodCode="ARQ")
            templates(
                enc,
                "2.16.840.1.113883.10.20.1.25",
                "1.3.6.1.4.1.19376.1.5.3.1.4.14",
                "1.2.250.1.213.1.1.3.58",
            )
            el(enc, "id", root=ids.entry(ref))
            ta_asip(enc, "code", "MED-226", "Surveillance seule")
            el(el(enc, "text"), "reference", value=f"#{ref}")
        else:  # an exam, or surveillance beside treatments: a request for an exam or follow-up
            obs = el(target, "observation", classCode="OBS", moodCode="PRP")
            templates(
                obs,
                "2.16.840.1.113883.10.20.1.25",
                "1.3.6.1.4.1.19376.1.5.3.1.1.20.3.1",
                "1.2.250.1.213.1.1.3.27",
            )
            el(obs, "id", root=ids.entry(ref))
            ta_asip(obs, "code", "ORG-064", "Demande d'examen ou de suivi")
            el(el(obs, "text"), "reference", value=f"#{ref}")
            el(obs, "statusCode", code="active")
            unknown(obs, "effectiveTime")
    if words:
        act = comment(el(node, "entry"), ids, "decision-texte", "decision-texte", relationship=False)
        time_el(act, "effectiveTime", doc.validated_at)


def _framework(body, doc: MinuteSnapshot, ids: Ids, config: FrcpConfig):
    node = section(
        body,
        ("1.2.250.1.213.1.1.2.175",),
        "35510-7",
        "Essais cliniques - Informations générales",
        "CADRE DE LA PROPOSITION THÉRAPEUTIQUE",
        ids,
        "cadre",
    )
    decision = doc.decision
    conforms = decision.get("conforms")
    deviation = decision.get("deviation_reason_label") or ""
    if decision.get("deviation_text"):
        deviation = f"{deviation} ({decision['deviation_text']})" if deviation else decision["deviation_text"]
    trial = decision.get("trial")
    rows = [
        ("Proposition conforme au référentiel", ("conformite", yes_no(conforms))),
        ("Référentiel utilisé", ("referentiel", config.guideline or "Non renseigné")),
        ("Date du référentiel", config.guideline_date or "inconnue"),
    ]
    if conforms is False:
        rows.append(("Motif de la non-conformité", ("non-conformite", deviation or "Non renseigné")))
    rows.append(
        ("Proposition d'inclusion dans un essai clinique", ("essai", f"Oui — {trial}" if trial else "Non"))
    )
    Narrative(node).table("Cadre de la proposition thérapeutique", rows)
    obs = simple_observation(
        el(node, "entry"),
        ids,
        "referentiel",
        lambda o: ta_asip(o, "code", "MED-249", "Recommandation/référentiel de pratique clinique"),
        "referentiel",
    )
    time_el(obs, "effectiveTime", config.guideline_date)
    value = el(obs, "value", xsi_type="CD") if config.guideline else unknown(obs, "value", xsi_type="CD")
    el(el(value, "originalText"), "reference", value="#referentiel")
    if conforms is False:
        comment(obs, ids, "non-conformite", "non-conformite")
    obs = simple_observation(
        el(node, "entry"),
        ids,
        "essai",
        lambda o: ta_asip(o, "code", "MED-250", "Proposition d'inclusion dans un essai clinique"),
        "essai",
    )
    unknown(obs, "effectiveTime", flavor="NA")
    boolean(obs, bool(trial))


def _document_status(body, doc: MinuteSnapshot, ids: Ids):
    node = section(
        body,
        ("1.2.250.1.213.1.1.2.35",),
        "33557-0",
        "Etat d'achèvement",
        "Statut du document",
        ids,
        "statut-document",
    )
    status = concept("JDV_StatutDoc_CISIS", "9571008", SNOMED)  # validated by the chair: approved
    rows = [
        ("Statut du document", ("statut", status.display_name)),
        ("Date du statut du document", fr_date(doc.validated_at)),
        ("Compte rendu", f"{doc.number}, version {doc.version}"),
    ]
    if doc.supersedes_version:
        rows.append(
            (
                "Remplace la version",
                (
                    "amendement",
                    f"{doc.supersedes_version} — motif : {doc.amendment_reason or 'non renseigné'}",
                ),
            )
        )
    Narrative(node).table("Statut du document", rows)
    obs = simple_observation(
        el(node, "entry"),
        ids,
        "statut",
        lambda o: ta_asip(o, "code", "GEN-065", "Statut du document"),
        "statut",
        extra_templates=("1.2.250.1.213.1.1.3.48.16",),
    )
    time_el(obs, "effectiveTime", doc.validated_at)
    coded(obs, "value", "JDV_StatutDoc_CISIS", "9571008", SNOMED, xsi_type="CD")
    if doc.supersedes_version:
        comment(obs, ids, "amendement", "amendement")
