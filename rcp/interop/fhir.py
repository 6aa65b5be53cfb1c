"""FHIR R4 (4.0.1) bundles, following mCODE where it applies: a validated minute as a `document` Bundle,
made from its frozen snapshot only, and a patient's record as a `collection` Bundle, made from the record's
summary (patients.summary) and holding the document Bundles of the patient's validated minutes.

Plain dicts (JSON), no FHIR library at run time; the tests validate every bundle against the R4 models.
The functions are pure: the same snapshot (or summary) and configuration give the same JSON.

Identifiers are UUIDs derived from what names a thing, so a re-export gives the same ones: a document
Bundle's from the centre, the minute number and version, its Composition's (version-independent) from
the centre and number; the patient, centre, primary tumour and each tracked lesion from the centre and the
patient's IPP, so that every bundle of a patient names them alike; the other resources from the bundle
they are in and their place in it. Unknown is never guessed: an element the source does not give is left
out, an Observation without its value says why (dataAbsentReason), a converted or computed value says so
(`method`, and `derivedFrom` the values it comes from when they are there).

The words are French, like the minute. The local code systems and extensions (PROJECT below) are
documented in the README ("FHIR").
"""

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from .codes import (
    BONE_METASTASIS,
    CIM10,
    CIMO3,
    FHIR_SYSTEMS,
    LAB_SOURCES,
    LABS,
    LOINC,
    MINUTE_TYPE,
    ORGANISATION_ROOT,
    PERFORMANCE,
    RPPS_ROOT,
    SEX,
    TNM,
    TNM_EDITION,
    UCUM,
    ins_root,
)
from .frcp import LINE_KINDS, TREATMENT_TYPES, care_plan_entries
from .frcp import config_for as frcp_config_for
from .snapshot import MinuteSnapshot, Person, RecordPart

# The project's canonical base: the names of its code systems and extensions (README, "FHIR").
PROJECT = "https://rcp-os.org/fhir"
SCORES = f"{PROJECT}/CodeSystem/scores"  # a score's slug; "slug.item" for an item (scoring.registry)
SCORE_VERSIONS = f"{PROJECT}/CodeSystem/score-versions"  # the version a score was computed with
SCORE_BANDS = f"{PROJECT}/CodeSystem/score-bands"  # "slug.band"
METHODS = f"{PROJECT}/CodeSystem/methods"  # "computed" by the application, "converted" from another scale
PROPOSAL_KINDS = f"{PROJECT}/CodeSystem/proposal-kinds"  # rcp.proposals.Kind
MINUTE_VERSIONS = f"{PROJECT}/NamingSystem/minute-version"  # "<minute number>-v<version>"
SHA256 = f"{PROJECT}/StructureDefinition/sha256"  # an Attachment's SHA-256, hex (R4's hash is SHA-1)
RT_DOSE = f"{PROJECT}/StructureDefinition/radiotherapy-dose"  # a course's total dose and fractions
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition"
RFC3986 = "urn:ietf:rfc:3986"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ATC = "http://www.whocc.no/atc"
BONE_AGENTS = {"zoledronic_acid": ("M05BA08", "Acide zolédronique"), "denosumab": ("M05BX04", "Dénosumab")}
TREATMENT_WORDS = {
    "radiotherapy": "Radiothérapie",
    "surgery": "Chirurgie",
    "interventional": "Radiologie interventionnelle",
    "radionuclide": "Radiothérapie métabolique",
}
LOCAL_TREATMENTS = set(TREATMENT_WORDS)
DRUG_TREATMENTS = {"bma", "systemic"}
MEDICATION_KINDS = {"bma", "corticosteroids", "analgesia", "systemic"}
SERVICE_KINDS = {"radiotherapy", "radionuclide", "surgery", "interventional", "exams"}

ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:rcp-os:fhir")
MEDIA_TYPE = "application/fhir+json"


@dataclass(frozen=True)
class FhirConfig:
    """What a bundle needs besides the snapshot: the centre's IPP OID (blank: the IPP goes out without its
    system) and whether INS are test ones (settings.RCP_INS_TEST)."""

    ipp_oid: str = ""
    ins_test: bool = True


@dataclass(frozen=True)
class MinutePdf:
    """The minute's PDF as the DocumentReference names it: where to download it (blank: not said) and,
    once rendered, its SHA-256 (hex), SHA-1 (R4's Attachment.hash) and size."""

    url: str = ""
    sha256: str = ""
    sha1: bytes = b""
    size: int | None = None

    @classmethod
    def of(cls, pdf: bytes | None, *, sha256: str = "", url: str = "") -> "MinutePdf":
        if not pdf:
            return cls(url=url)
        return cls(url=url, sha256=sha256, sha1=hashlib.sha1(pdf).digest(), size=len(pdf))  # noqa: S324


def config_for(minute, settings=None) -> FhirConfig:
    """The Fiche RCP's configuration of the minute (rcp.interop.frcp.config_for): the IPP OID its snapshot
    froze, else the centre's live one."""
    cda = frcp_config_for(minute, settings)
    return FhirConfig(ipp_oid=cda.ipp_oid, ins_test=cda.ins_test)


# --- building blocks ----------------------------------------------------------------------------------


def _uuid(scope: uuid.UUID, key: str) -> str:
    return str(uuid.uuid5(scope, key))


def _coding(system_oid: str, code: str, display: str | None = None) -> dict:
    coding = {"system": FHIR_SYSTEMS[system_oid], "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(codings=(), text: str | None = None) -> dict:
    concept = {}
    if codings:
        concept["coding"] = list(codings)
    if text:
        concept["text"] = text
    return concept


def _number(value):
    number = float(value)
    return int(number) if number.is_integer() else number


def _quantity(value, unit: str) -> dict:
    return {"value": _number(value), "unit": unit, "system": UCUM, "code": unit}


def _when(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _absent(reason: str = "unknown") -> dict:
    return {"coding": [{"system": DATA_ABSENT, "code": reason}]}


def _div(lines) -> dict:
    items = "".join(f"<li>{escape(str(line))}</li>" for line in lines if line)
    body = f"<ul>{items}</ul>" if items else "<p>Aucune donnée.</p>"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _category(code: str) -> list:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _method(code: str, text: str) -> dict:
    return {"coding": [{"system": METHODS, "code": code}], "text": text}


def _centre_key(name, finess) -> str:
    return f"{finess or ''}|{name or ''}"


class Entries:
    """The resources of one bundle, in order, each with its derived id (`scope`: the bundle's own; the
    patient's resources use the patient's scope, the same in every bundle of that patient)."""

    def __init__(self, scope: uuid.UUID, patient_scope: uuid.UUID):
        self.scope, self.patient_scope = scope, patient_scope
        self.items: list[dict] = []
        self.ids: set[str] = set()
        self.lines: dict[str, list[str]] = {}  # section -> its narrative lines
        self.sections: dict[str, list[dict]] = {}  # section -> references

    def ref(self, resource_type: str, key: str, *, shared=False) -> dict:
        rid = _uuid(self.patient_scope if shared else self.scope, f"{resource_type}|{key}")
        return {"reference": f"urn:uuid:{rid}"}

    def add(self, resource_type: str, key: str, body: dict, *, shared=False, section=None, line=None):
        ref = self.ref(resource_type, key, shared=shared)
        rid = ref["reference"].removeprefix("urn:uuid:")
        if rid not in self.ids:
            self.ids.add(rid)
            self.items.append(
                {"fullUrl": f"urn:uuid:{rid}", "resource": {"resourceType": resource_type, "id": rid, **body}}
            )
            if section:
                self.sections.setdefault(section, []).append(ref)
        if section and line:
            self.lines.setdefault(section, []).append(line)
        return ref

    def text(self, section: str, line: str):
        self.lines.setdefault(section, []).append(line)


# --- the parties --------------------------------------------------------------------------------------


def organisation(entries: Entries, name, finess) -> dict:
    body = {}
    if finess:
        body["identifier"] = [{"system": f"urn:oid:{ORGANISATION_ROOT}", "value": f"1{finess}"}]
    if name:
        body["name"] = name
    rid_key = _centre_key(name, finess)
    rid = _uuid(ID_NAMESPACE, f"Organization|{rid_key}")
    ref = {"reference": f"urn:uuid:{rid}"}
    if rid not in entries.ids:
        entries.ids.add(rid)
        entries.items.append(
            {"fullUrl": ref["reference"], "resource": {"resourceType": "Organization", "id": rid, **body}}
        )
    return ref


def practitioner(entries: Entries, person: Person) -> dict | None:
    if not (person.name or person.family):
        return None
    body = {}
    if person.rpps:
        body["identifier"] = [{"system": f"urn:oid:{RPPS_ROOT}", "value": f"8{person.rpps}"}]
    if person.family:
        name = {"family": person.family}
        if person.given:
            name["given"] = [person.given]
        body["name"] = [name]
    else:  # the name as printed: splitting it into given and family would be a guess
        body["name"] = [{"text": person.name}]
    key = f"rpps|{person.rpps}" if person.rpps else f"name|{person.name or person.family}"
    return entries.add("Practitioner", key, body, shared=bool(person.rpps))


def patient(entries: Entries, part: RecordPart, config: FhirConfig, centre: dict) -> dict:
    identifiers = []
    if part.ins:
        identifiers.append(
            {
                "type": {"coding": [{"system": V2_0203, "code": "NI"}], "text": "INS"},
                "system": f"urn:oid:{ins_root(part.ins, test=config.ins_test)}",
                "value": part.ins,
            }
        )
    if part.ipp:
        ipp = {"type": {"coding": [{"system": V2_0203, "code": "PI"}], "text": "IPP"}, "value": part.ipp}
        if config.ipp_oid:
            ipp["system"] = f"urn:oid:{config.ipp_oid}"
        identifiers.append(ipp)
    body = {}
    if identifiers:
        body["identifier"] = identifiers
    name = {}
    if part.family_name:
        name["family"] = part.family_name
    if part.given_names:
        name["given"] = [part.given_names]
    if name:
        body["name"] = [name]
    if part.sex in SEX:
        body["gender"] = SEX[part.sex][1]
    if part.birth_date:
        body["birthDate"] = part.birth_date.isoformat()
    body["managingOrganization"] = centre
    return entries.add("Patient", "patient", body, shared=True)


def patient_scope(part: RecordPart, centre_name, finess, *, fallback: uuid.UUID) -> uuid.UUID:
    """The scope of a patient's resources: the centre and the IPP (else the INS); without either, the
    bundle's own scope (nothing names the patient across bundles)."""
    who = f"ipp|{part.ipp}" if part.ipp else (f"ins|{part.ins}" if part.ins else None)
    if who is None:
        return fallback
    return uuid.uuid5(ID_NAMESPACE, f"patient|{_centre_key(centre_name, finess)}|{who}")


# --- the record's part (a snapshot's, or the live summary's) ------------------------------------------


def record_resources(entries: Entries, part: RecordPart, subject: dict):
    """Every resource of the record's part, in its sections: (the primary cancer's reference or None,
    {lesion id: its Condition's reference})."""
    primary = primary_cancer(entries, part, subject)
    lesions = metastases(entries, part, subject, primary)
    performance(entries, part.get("status") or {}, subject)
    labs(entries, part.get("labs") or {}, subject)
    scores(entries, part, subject, lesions)
    treatments(entries, part.get("treatments") or [], subject, lesions, part.get("lesions") or [])
    for finding in part.get("findings") or []:
        entries.text("findings", " — ".join(p for p in (finding.get("rule"), finding.get("message")) if p))
    return primary, lesions


def primary_cancer(entries: Entries, part: RecordPart, subject: dict) -> dict | None:
    if not part.has_tumour:
        entries.text("diagnosis", "Tumeur primitive non renseignée")
        return None
    body = {"subject": subject}
    if part.histology:
        body["extension"] = [
            {
                "url": f"{MCODE}/mcode-histology-morphology-behavior",
                "valueCodeableConcept": _concept([_coding(CIMO3, part.histology)], part.histology_label),
            }
        ]
    if part.diagnosis_date:
        body.setdefault("extension", []).append(
            {
                "url": "http://hl7.org/fhir/StructureDefinition/condition-assertedDate",
                "valueDateTime": part.diagnosis_date.isoformat(),
            }
        )
    body["code"] = _concept(
        [_coding(CIM10, part.location)] if part.location else [],
        f"Cancer bronchopulmonaire primitif — {part.histology_label or 'histologie non renseignée'}",
    )
    site = ", ".join(p for p in (part.location_label, part.laterality_label) if p)
    if site:
        body["bodySite"] = [{"text": site}]
    line = (
        f"Tumeur primitive : {part.histology_label or 'histologie non renseignée'}, {site or 'site inconnu'}"
    )
    ref = entries.ref("Condition", "primary", shared=True)
    stage = tnm(entries, part, subject, ref)
    if stage:
        body["stage"] = [
            {"summary": {"text": part.stage}, "assessment": [stage]}
            if part.stage
            else {"assessment": [stage]}
        ]
    return entries.add("Condition", "primary", body, shared=True, section="diagnosis", line=line)


def tnm(entries: Entries, part: RecordPart, subject: dict, primary: dict) -> dict | None:
    """The clinical TNM (UICC 8th edition): one Observation per category, members of the stage group's.
    Nothing when the record has no TNM at all; a category not given is said unknown."""
    categories = {"t": part.t, "n": part.n, "m": part.m}
    if not part.stage and not any(categories.values()):
        return None
    method = {"text": f"TNM UICC {TNM_EDITION}e édition"}
    members = []
    for key, value in categories.items():
        code, display = TNM[key]
        body = {
            "status": "final",
            "code": _concept([_coding(LOINC, code, display)]),
            "subject": subject,
            "focus": [primary],
            "method": method,
        }
        if value:
            body["valueCodeableConcept"] = {"text": value}
        else:
            body["dataAbsentReason"] = _absent()
        members.append(entries.add("Observation", f"tnm|{key}", body, section="diagnosis"))
    code, display = TNM["stage"]
    body = {
        "status": "final",
        "code": _concept([_coding(LOINC, code, display)]),
        "subject": subject,
        "focus": [primary],
        "method": method,
        "hasMember": members,
    }
    if part.stage:
        body["valueCodeableConcept"] = {"text": part.stage}
    else:
        body["dataAbsentReason"] = _absent()
    tnm_words = " ".join(v for v in categories.values() if v)
    line = f"TNM {tnm_words or 'inconnu'}, stade {part.stage or 'inconnu'}"
    return entries.add("Observation", "tnm|stage", body, section="diagnosis", line=line)


def metastases(entries: Entries, part: RecordPart, subject: dict, primary: dict | None) -> dict:
    """One secondary cancer Condition per tracked lesion (bone metastasis), its site in words."""
    references = {}
    for index, lesion in enumerate(part.get("lesions") or []):
        body = {}
        if primary:
            body["extension"] = [
                {"url": f"{MCODE}/mcode-related-primary-cancer-condition", "valueReference": primary}
            ]
        if lesion.get("status") == "active":
            body["clinicalStatus"] = {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]}
        body["code"] = _concept(
            [
                _coding(BONE_METASTASIS[0][0], BONE_METASTASIS[0][1], "Secondary malignant neoplasm of bone"),
                _coding(BONE_METASTASIS[1][0], BONE_METASTASIS[1][1], "Secondary malignant neoplasm of bone"),
            ],
            "Métastase osseuse",
        )
        if lesion.get("site"):
            body["bodySite"] = [{"text": lesion["site"]}]
        body["subject"] = subject
        observed = [
            f"{name} : {value.get('label')}" for name, value in (lesion.get("observed") or {}).items()
        ]
        pain = lesion.get("pain_nrs")
        words = [
            lesion.get("status_label"),
            lesion.get("type"),
            f"douleur {pain}/10" if pain is not None else "",
            lesion.get("exam"),
            *observed,
        ]
        note = " — ".join(w for w in words if w)
        if note:
            body["note"] = [{"text": note}]
        # A tracked lesion keeps its id across minutes; one frozen without it is this bundle's own.
        shared = lesion.get("id") is not None
        key = f"lesion|{lesion['id']}" if shared else f"lesion|#{index}"
        line = f"{lesion.get('site') or 'Site inconnu'} — {note}" if note else lesion.get("site")
        ref = entries.add("Condition", key, body, shared=shared, section="lesions", line=line)
        references[lesion.get("id") if shared else f"#{index}"] = ref
    return references


def performance(entries: Entries, status: dict, subject: dict):
    """ECOG and Karnofsky as assessed; a scale converted from the other (scores.md's paired table) is
    marked so and derived from it, Karnofsky from ECOG as the range of its grade, never one value."""
    if not status:
        return
    when = _when(status.get("date"))
    refs = {}

    def observation(scale, value_key, value, *, converted_from=None, note=None):
        code, display = PERFORMANCE[scale]
        body = {
            "status": "final",
            "category": _category("survey"),
            "code": _concept([_coding(LOINC, code, display)]),
            "subject": subject,
        }
        if when:
            body["effectiveDateTime"] = when
        body[value_key] = value
        if converted_from:
            other = "l’indice de Karnofsky" if scale == "ecog" else "l’ECOG"
            body["method"] = _method("converted", f"Converti depuis {other} (table de correspondance)")
            if converted_from in refs:
                body["derivedFrom"] = [refs[converted_from]]
        if note:
            body["note"] = [{"text": note}]
        shown = value if value_key == "valueInteger" else f"{value['low']['value']}–{value['high']['value']}"
        line = f"{'ECOG' if scale == 'ecog' else 'Karnofsky'} {shown}" + (
            " (converti)" if converted_from else ""
        )
        refs[scale] = entries.add("Observation", scale, body, section="status", line=line)

    ecog, karnofsky, k_range = status.get("ecog"), status.get("karnofsky"), status.get("karnofsky_range")
    ecog_converted = status.get("ecog_converted")
    if karnofsky is not None:
        observation("karnofsky", "valueInteger", int(karnofsky))
    if ecog is not None:
        note = None
        if ecog_converted is None:  # an older minute did not freeze whether ECOG was assessed
            note = "Évalué ou converti depuis l’indice de Karnofsky : non enregistré."
        observation(
            "ecog",
            "valueInteger",
            int(ecog),
            converted_from="karnofsky" if ecog_converted else None,
            note=note,
        )
    if karnofsky is None and k_range:
        low, high = k_range
        observation(
            "karnofsky",
            "valueRange",
            {"low": {"value": low}, "high": {"value": high}},
            converted_from="ecog",
        )


def labs(entries: Entries, lab: dict, subject: dict):
    """The newest labs: as measured, then the values computed from them (method "computed", derived from
    the measured ones frozen with them)."""
    if not lab:
        return
    when = _when(lab.get("date"))
    refs = {}
    for key, (code, display, unit) in LABS.items():
        value = lab.get(key)
        if value is None:
            continue
        body = {
            "status": "final",
            "category": _category("laboratory"),
            "code": _concept([_coding(LOINC, code, display)]),
            "subject": subject,
        }
        if when:
            body["effectiveDateTime"] = when
        body["valueQuantity"] = _quantity(value, unit)
        if key in LAB_SOURCES:
            body["method"] = _method("computed", "Calculé par l’application (scoring.formulas)")
            sources = [refs[source] for source in LAB_SOURCES[key] if source in refs]
            if sources:
                body["derivedFrom"] = sources
        line = f"{display} : {value} {unit}" + (" (calculé)" if key in LAB_SOURCES else "")
        refs[key] = entries.add("Observation", f"lab|{key}", body, section="status", line=line)


def _score(entries: Entries, score: dict, subject: dict, *, key: str, lesion=None, site=None):
    slug = score.get("slug") or ""
    body = {
        "status": "final",
        "category": _category("survey"),
        "code": _concept([{"system": SCORES, "code": slug}], score.get("name")),
        "subject": subject,
    }
    if lesion:
        body["focus"] = [lesion]
    if _when(score.get("computed_on")):
        body["effectiveDateTime"] = _when(score["computed_on"])
    if score.get("total") is not None:
        body["valueInteger"] = int(score["total"])
    elif score.get("grade"):
        body["valueCodeableConcept"] = {"text": str(score["grade"])}
    else:
        body["dataAbsentReason"] = _absent()
    if score.get("band"):
        body["interpretation"] = [
            _concept([{"system": SCORE_BANDS, "code": f"{slug}.{score['band']}"}], score.get("band_label"))
        ]
    if score.get("stale"):
        body["note"] = [{"text": "Le dossier a changé depuis le calcul : score à recalculer."}]
    if site:
        body["bodySite"] = {"text": site}
    if score.get("version"):
        body["method"] = _concept(
            [{"system": SCORE_VERSIONS, "code": score["version"]}],
            " — ".join(p for p in (score["version"], score.get("reference")) if p),
        )
    components = []
    for item, points in (score.get("points") or {}).items():
        component = {"code": {"coding": [{"system": SCORES, "code": f"{slug}.{item}"}], "text": item}}
        if isinstance(points, bool) or not isinstance(points, int | float):
            component["dataAbsentReason"] = _absent()
        elif float(points).is_integer():
            component["valueInteger"] = int(points)
        else:
            component["valueQuantity"] = {"value": points}
        components.append(component)
    if components:
        body["component"] = components
    result = score.get("total") if score.get("total") is not None else score.get("grade")
    line = f"{score.get('name')} : {result} — {score.get('band_label') or ''} ({score.get('version') or ''})"
    if site:
        line = f"{site} : {line}"
    return entries.add("Observation", key, body, section="scores", line=line)


def scores(entries: Entries, part: RecordPart, subject: dict, lesions: dict):
    for score in part.get("scores") or []:
        _score(entries, score, subject, key=f"score|{score.get('slug')}")
    for index, lesion in enumerate(part.get("lesions") or []):
        ref = lesions.get(lesion.get("id") if lesion.get("id") is not None else f"#{index}")
        for score in lesion.get("scores") or []:
            _score(
                entries,
                score,
                subject,
                key=f"score|{score.get('slug')}|lesion#{index}",
                lesion=ref,
                site=lesion.get("site"),
            )


def treatments(entries: Entries, rows: list, subject: dict, lesions: dict, lesion_rows: list):
    """The record's treatments: radiotherapy courses, surgery, interventional radiology as Procedures at
    their lesions' sites; bone-modifying agents and systemic treatments as MedicationStatements. A
    treatment frozen in words only (an older minute) stays in the section's words."""
    sites = {lesion.get("id"): lesion.get("site") for lesion in lesion_rows if lesion.get("id") is not None}
    for index, row in enumerate(rows):
        category = row.get("category")
        period = {"start": _when(row.get("start"))} if row.get("start") else {}
        if row.get("end"):
            period["end"] = _when(row["end"])
        words = row.get("summary") or ""
        if category in LOCAL_TREATMENTS:
            kind = "metabolic_radiotherapy" if category == "radionuclide" else category
            code = TREATMENT_TYPES.get(kind)
            body = {
                # Without an end date the record does not say whether it is over.
                "status": "completed" if row.get("end") else "unknown",
                "category": {"text": TREATMENT_WORDS[category]},
                "code": _concept([_coding(code[1], code[0])] if code else [], words),
                "subject": subject,
            }
            if period:
                body["performedPeriod"] = period
            ids = [i for i in row.get("lesion_ids") or [] if i in lesions]
            if ids:
                body["bodySite"] = [{"text": sites[i]} for i in ids if sites.get(i)]
                body["reasonReference"] = [lesions[i] for i in ids]
                if not body["bodySite"]:
                    del body["bodySite"]
            if category == "radiotherapy" and row.get("rt_dose_gy") is not None:
                dose = [{"url": "totalDose", "valueQuantity": _quantity(row["rt_dose_gy"], "Gy")}]
                if row.get("rt_fractions"):
                    dose.append({"url": "fractions", "valueUnsignedInt": int(row["rt_fractions"])})
                body["extension"] = [{"url": RT_DOSE, "extension": dose}]
            entries.add("Procedure", f"treatment|{index}", body, section="treatments", line=words)
        elif category in DRUG_TREATMENTS:
            agent = BONE_AGENTS.get(row.get("bone_agent") or "")
            medication = _concept(
                [{"system": ATC, "code": agent[0], "display": agent[1]}] if agent else [],
                row.get("name") or (agent[1] if agent else words),
            )
            body = {
                "status": "completed" if row.get("end") else "active",
                "medicationCodeableConcept": medication,
                "subject": subject,
            }
            if period:
                body["effectivePeriod"] = period
            if words:
                body["note"] = [{"text": words}]
            entries.add("MedicationStatement", f"treatment|{index}", body, section="treatments", line=words)
        else:
            dates = f"{row.get('start') or 'date inconnue'} – {row.get('end') or 'en cours'}"
            entries.text("treatments", f"{dates} : {words}")


# --- the decision -------------------------------------------------------------------------------------


def care_plan(entries: Entries, doc: MinuteSnapshot, subject, author, primary, lesions: dict) -> dict:
    """The board's proposal: a CarePlan with one activity per proposal line (an older minute's proposals,
    one per proposal as the Fiche RCP reads them)."""
    lines = (doc.decision or {}).get("lines")
    activities = []
    for index, entry in enumerate(care_plan_entries(doc.raw)):
        line = lines[index] if lines is not None else {}
        kind = LINE_KINDS.get(line.get("kind", ""), entry.kind)
        codings = [{"system": PROPOSAL_KINDS, "code": line.get("kind") or entry.kind}]
        if entry.code:
            codings.append(_coding(entry.code[1], entry.code[0]))
        detail = {"status": "not-started", "code": _concept(codings, entry.label), "description": entry.label}
        raw_kind = line.get("kind") or entry.kind
        if raw_kind in MEDICATION_KINDS or kind in ("bone_modifying_agent",):
            detail["kind"] = "MedicationRequest"
        elif raw_kind in SERVICE_KINDS or kind in ("examinations", "interventional_radiology"):
            detail["kind"] = "ServiceRequest"
        drug = (line.get("details") or {}).get("drug")
        if drug in BONE_AGENTS:
            code, words = BONE_AGENTS[drug]
            detail["productCodeableConcept"] = _concept(
                [{"system": ATC, "code": code, "display": words}], words
            )
        reasons = [lesions[i] for i in line.get("lesion_ids") or [] if i in lesions]
        if reasons:
            detail["reasonReference"] = reasons
        activities.append({"detail": detail})
        entries.text("plan", entry.label)
    body = {"status": "active", "intent": "plan", "title": "Proposition de la RCP", "subject": subject}
    if doc.validated_at:
        body["created"] = doc.validated_at.isoformat()
    if author:
        body["author"] = author
    if primary:
        body["addresses"] = [primary]
    if activities:
        body["activity"] = activities
    words = doc.decision.get("free_text") or ""
    if words:
        body["note"] = [{"text": words}]
        entries.text("plan", words)
    return entries.add("CarePlan", "plan", body, section="plan")


def document_reference(entries, doc: MinuteSnapshot, subject, author, centre, pdf: MinutePdf | None):
    attachment = {
        "contentType": "application/pdf",
        "language": "fr",
        "title": f"{doc.number}-v{doc.version}.pdf",
    }
    if doc.validated_at:
        attachment["creation"] = doc.validated_at.isoformat()
    if pdf and pdf.url:
        attachment["url"] = pdf.url
    if pdf and pdf.sha1:
        attachment["size"] = pdf.size
        attachment["hash"] = base64.b64encode(pdf.sha1).decode()
        attachment["extension"] = [{"url": SHA256, "valueString": pdf.sha256}]
    body = {
        "identifier": [{"system": MINUTE_VERSIONS, "value": f"{doc.number}-v{doc.version}"}],
        "status": "current",
        "docStatus": "amended" if doc.supersedes_version else "final",
        "type": _concept([_coding(LOINC, MINUTE_TYPE[0], MINUTE_TYPE[1])], "Compte rendu de RCP"),
        "subject": subject,
    }
    if doc.validated_at:
        body["date"] = doc.validated_at.isoformat()
    if author:
        body["author"] = [author]
    body["custodian"] = centre
    if doc.supersedes_version:
        body["relatesTo"] = [
            {
                "code": "replaces",
                "target": {
                    "identifier": {
                        "system": MINUTE_VERSIONS,
                        "value": f"{doc.number}-v{doc.supersedes_version}",
                    }
                },
            }
        ]
    body["description"] = f"Compte rendu de RCP {doc.number}, version {doc.version} (PDF/A-3b)"
    body["content"] = [{"attachment": attachment}]
    line = f"{attachment['title']}" + (
        f", SHA-256 {pdf.sha256}" if pdf and pdf.sha256 else ", PDF non encore produit"
    )
    return entries.add("DocumentReference", "pdf", body, section="document", line=line)


# --- the bundles --------------------------------------------------------------------------------------

SECTIONS = (
    ("diagnosis", "Diagnostic", None),
    ("status", "État clinique et biologie", None),
    ("lesions", "Lésions osseuses", None),
    ("scores", "Scores", None),
    ("treatments", "Traitements", None),
    ("findings", "Alertes et recommandations du référentiel", None),
    ("plan", "Proposition de la RCP", ("18776-5", "Plan of care note")),
    ("document", "Compte rendu (PDF)", None),
)


def _ids(doc: MinuteSnapshot):
    centre = _centre_key(doc.centre_name, doc.centre_finess)
    return (
        _uuid(ID_NAMESPACE, f"minute|{centre}|{doc.number}"),
        lambda version: _uuid(ID_NAMESPACE, f"minute|{centre}|{doc.number}|v{version}"),
    )


def minute_bundle(snapshot: dict, *, config: FhirConfig, pdf: MinutePdf | None = None) -> dict:
    """The `document` Bundle of a validated minute, from its snapshot only (any format: `MinuteSnapshot`
    reads them all)."""
    doc = MinuteSnapshot(snapshot)
    set_id, version_id = _ids(doc)
    bundle_id = version_id(doc.version)
    scope = uuid.UUID(bundle_id)
    entries = Entries(scope, patient_scope(doc, doc.centre_name, doc.centre_finess, fallback=scope))
    centre = organisation(entries, doc.centre_name, doc.centre_finess)
    subject = patient(entries, doc, config, centre)
    author = practitioner(entries, doc.validator)
    primary, lesions = record_resources(entries, doc, subject)
    care_plan(entries, doc, subject, author, primary, lesions)
    document_reference(entries, doc, subject, author, centre, pdf)

    composition = {
        "identifier": {"system": RFC3986, "value": f"urn:uuid:{set_id}"},
        "status": "amended" if doc.supersedes_version else "final",
        "type": _concept([_coding(LOINC, MINUTE_TYPE[0], MINUTE_TYPE[1])], "Compte rendu de RCP"),
        "subject": subject,
        "date": doc.validated_at.isoformat(),
        "author": [author or centre],
        "title": f"Compte rendu de RCP {doc.number} — version {doc.version}",
    }
    if author:
        composition["attester"] = [{"mode": "legal", "time": doc.validated_at.isoformat(), "party": author}]
    composition["custodian"] = centre
    if doc.supersedes_version:
        composition["relatesTo"] = [
            {
                "code": "replaces",
                "targetIdentifier": {
                    "system": RFC3986,
                    "value": f"urn:uuid:{version_id(doc.supersedes_version)}",
                },
            }
        ]
    if doc.meeting_at:
        composition["event"] = [{"period": {"start": doc.meeting_at.isoformat()}}]
    composition["section"] = [
        _section(key, title, code, entries.sections.get(key, []), entries.lines.get(key, []))
        for key, title, code in SECTIONS
    ]
    rid = _uuid(scope, "Composition|composition")
    first = {
        "fullUrl": f"urn:uuid:{rid}",
        "resource": {"resourceType": "Composition", "id": rid, **composition},
    }
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "language": "fr",
        "identifier": {"system": RFC3986, "value": f"urn:uuid:{bundle_id}"},
        "type": "document",
        "timestamp": doc.validated_at.isoformat(),
        "entry": [first, *entries.items],
    }


def _section(key, title, code, refs, lines) -> dict:
    section = {"title": title}
    if code:
        section["code"] = _concept([_coding(LOINC, code[0], code[1])])
    section["text"] = _div(lines)
    if refs:
        section["entry"] = refs
    return section


def record_bundle(summary: dict, *, centre_name, finess, config: FhirConfig, minutes=(), timestamp) -> dict:
    """The `collection` Bundle of a patient's record: the record as summarised now (patients.summary),
    then the document Bundle of each validated minute given (`minutes`: document Bundles)."""
    part = RecordPart(summary)
    scope = patient_scope(part, centre_name, finess, fallback=uuid.uuid5(ID_NAMESPACE, "record|unnamed"))
    entries = Entries(uuid.uuid5(scope, "record"), scope)
    centre = organisation(entries, centre_name, finess)
    subject = patient(entries, part, config, centre)
    record_resources(entries, part, subject)
    items = list(entries.items)
    for bundle in minutes:
        items.append({"fullUrl": f"urn:uuid:{bundle['id']}", "resource": bundle})
    bundle_id = _uuid(scope, "record-bundle")
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "language": "fr",
        "identifier": {"system": RFC3986, "value": f"urn:uuid:{bundle_id}"},
        "type": "collection",
        "timestamp": timestamp.isoformat(),
        "entry": items,
    }


def flatten(bundle: dict):
    """The resources of a document Bundle, references made relative ("Type/id"), for the Bulk Data
    layout (one resource type per NDJSON file)."""
    types = {entry["fullUrl"]: entry["resource"]["resourceType"] for entry in bundle["entry"]}

    def relative(value):
        if isinstance(value, dict):
            return {
                key: (
                    f"{types[item]}/{item.removeprefix('urn:uuid:')}"
                    if key == "reference" and isinstance(item, str) and item in types
                    else relative(item)
                )
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [relative(item) for item in value]
        return value

    for entry in bundle["entry"]:
        yield relative(entry["resource"])
