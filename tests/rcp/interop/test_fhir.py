"""The FHIR R4 bundles (rcp/interop/fhir.py): every bundle valid against the R4 (4.0.1) models of
fhirclient (strict: unknown elements, wrong types, missing required elements and malformed dates refused),
every reference resolved in its bundle, the Composition first in a document, the same identifiers on a
re-export, unknowns absent or said so, converted and computed values marked, one care plan activity per
proposal line."""

import base64
import hashlib
import re
from copy import deepcopy

import pytest
from fhirclient.models.bundle import Bundle

from patients import models as pm
from rcp.interop import fhir
from rcp.interop.fhir import METHODS, FhirConfig, minute_bundle
from rcp.models import Decision
from rcp.services import validate_decision
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
    TreatmentFactory,
    propose,
    started_meeting,
)

pytestmark = pytest.mark.django_db
ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
CONFIG = FhirConfig(ipp_oid="2.999.1.1", ins_test=True)


def references(value):
    """Every reference in a resource, not descending into a nested Bundle (its references are its own)."""
    if isinstance(value, dict):
        if value.get("resourceType") == "Bundle":
            return
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def problems(bundle: dict) -> list[str]:
    """What is wrong with a bundle: the R4 models' errors, ids, fullUrls, references that resolve nowhere;
    and so for every Bundle it holds."""
    found = []
    try:
        Bundle(deepcopy(bundle))
    except Exception as error:  # fhirclient's FHIRValidationError lists every error
        found.append(str(error))
    urls = set()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if not ID.fullmatch(resource["id"]) or entry["fullUrl"] != f"urn:uuid:{resource['id']}":
            found.append(f"id {resource['id']} / {entry['fullUrl']}")
        urls.add(entry["fullUrl"])
        if resource["resourceType"] == "Bundle":
            found.extend(problems(resource))
    for entry in bundle["entry"]:
        found.extend(f"dangling {ref}" for ref in references(entry["resource"]) if ref not in urls)
    return found


def resources(bundle, resource_type=None):
    return [
        e["resource"]
        for e in bundle["entry"]
        if resource_type is None or e["resource"]["resourceType"] == resource_type
    ]


def by_code(bundle, code):
    return [
        r
        for r in resources(bundle, "Observation")
        if any(c.get("code") == code for c in r["code"].get("coding", []))
    ]


@pytest.fixture
def minute(centre, chair):
    """A validated minute of a full record: tumour, Karnofsky alone (ECOG converted), labs, two lesions,
    a radiotherapy course on one, a bone-modifying agent, and three proposal lines."""
    centre.finess = "750100125"
    centre.ipp_oid = "2.999.1.1"
    centre.save()
    meeting = started_meeting(centre=centre, chair=chair, deputy=None)
    patient = PatientFactory(centre=centre, ins="279035121518989")
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient, ecog=None, karnofsky=70)
    LabFactory(patient=patient)
    exam = ExamFactory(patient=patient)
    t11 = LesionFactory(exam=exam, vertebral_level="T11").lesion
    LesionFactory(exam=exam, vertebral_level="L2")
    course = TreatmentFactory(
        patient=patient, category="radiotherapy", name="", systemic_class="", rt_dose_gy=8, rt_fractions=1
    )
    pm.TreatedLesion.objects.create(treatment=course, lesion=t11)
    TreatmentFactory(patient=patient, category="bma", name="", systemic_class="", bone_agent="denosumab")
    case = CaseFactory(meeting=meeting, patient=patient)
    propose(case, chair, "radiotherapy", lesions=[t11], intent="analgesic", technique="3d", schedule="8x1")
    propose(case, chair, "bma", action="start", drug="denosumab", interval_weeks="4")
    propose(case, chair, "exams", exam="spine_mri")
    draft = case.decisions.get()
    Decision.objects.filter(pk=draft.pk).update(conforms=True, free_text="Radiothérapie de T11.")
    draft.refresh_from_db()
    return validate_decision(decision=draft, user=chair)


def test_a_minute_s_bundle_is_a_valid_r4_document_with_its_composition_first(minute):
    bundle = minute_bundle(minute.snapshot, config=CONFIG)

    assert problems(bundle) == []
    assert bundle["type"] == "document"
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert [s["title"] for s in composition["section"]][:4] == [
        "Diagnostic",
        "État clinique et biologie",
        "Lésions osseuses",
        "Scores",
    ]
    # Every resource but the parties is in a section.
    listed = {ref["reference"] for s in composition["section"] for ref in s.get("entry", [])}
    parties = {"Patient", "Organization", "Practitioner", "Composition"}
    assert {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] not in parties} <= listed


def test_the_patient_tumour_and_lesions_are_coded_as_mcode_has_them(minute):
    bundle = minute_bundle(minute.snapshot, config=CONFIG)

    [patient] = resources(bundle, "Patient")
    assert {(i.get("system"), i["value"]) for i in patient["identifier"]} == {
        ("urn:oid:1.2.250.1.213.1.4.10", "279035121518989"),  # a test INS-NIR
        ("urn:oid:2.999.1.1", minute.decision.case.patient.hospital_id),
    }
    assert patient["gender"] == "female"
    conditions = resources(bundle, "Condition")
    primary = next(c for c in conditions if c["code"]["coding"][0]["code"] == "C34.1")
    assert primary["extension"][0]["valueCodeableConcept"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/icd-o-3",
        "code": "8140/3",
    }
    bones = [c for c in conditions if c is not primary]
    assert sorted(c["bodySite"][0]["text"] for c in bones) == ["L2", "T11"]
    assert all(c["code"]["coding"][0]["code"] == "C79.5" for c in bones)
    tnm = {code: by_code(bundle, code)[0]["valueCodeableConcept"]["text"] for code in ("21905-5", "21906-3")}
    assert tnm == {"21905-5": "T2a", "21906-3": "N1"}


def test_ecog_converted_from_karnofsky_is_marked_and_derived_never_given_as_assessed(minute):
    bundle = minute_bundle(minute.snapshot, config=CONFIG)

    [karnofsky] = by_code(bundle, "89243-0")
    [ecog] = by_code(bundle, "89247-1")
    assert karnofsky["valueInteger"] == 70 and "method" not in karnofsky
    assert ecog["method"]["coding"][0] == {"system": METHODS, "code": "converted"}
    karnofsky_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is karnofsky)
    assert ecog["derivedFrom"] == [{"reference": karnofsky_url}]


def test_karnofsky_converted_from_ecog_is_the_range_of_its_grade(minute):
    snapshot = deepcopy(minute.snapshot)
    snapshot["status"].update(
        ecog=1, ecog_converted=False, karnofsky=None, karnofsky_range=[70, 80], karnofsky_converted=True
    )
    bundle = minute_bundle(snapshot, config=CONFIG)

    [karnofsky] = by_code(bundle, "89243-0")
    assert "valueInteger" not in karnofsky
    assert karnofsky["valueRange"] == {"low": {"value": 70}, "high": {"value": 80}}
    assert karnofsky["method"]["coding"][0]["code"] == "converted"
    assert problems(bundle) == []


def test_computed_labs_are_marked_and_derived_from_the_measured_ones(minute):
    bundle = minute_bundle(minute.snapshot, config=CONFIG)
    url = {e["resource"]["id"]: e["fullUrl"] for e in bundle["entry"]}

    calcium, albumin, creatinine = (by_code(bundle, code)[0] for code in ("2000-8", "1751-7", "14682-9"))
    assert calcium["valueQuantity"] == {
        "value": 2.4,
        "unit": "mmol/L",
        "system": "http://unitsofmeasure.org",
        "code": "mmol/L",
    }
    assert creatinine["valueQuantity"]["code"] == "umol/L"
    [corrected] = by_code(bundle, "29265-6")
    [clearance] = by_code(bundle, "35591-7")
    for computed, sources in ((corrected, (calcium, albumin)), (clearance, (creatinine,))):
        assert computed["method"]["coding"][0] == {"system": METHODS, "code": "computed"}
        assert computed["derivedFrom"] == [{"reference": url[s["id"]]} for s in sources]
    assert "method" not in calcium and "derivedFrom" not in calcium


def test_unknown_values_are_left_out_or_said_absent_never_guessed(minute):
    snapshot = deepcopy(minute.snapshot)
    snapshot["patient"].update(sex="", sex_code="", birth_date=None)
    snapshot["tumour"].update(t_category="", tnm="N1 M1b")
    snapshot["status"] = None
    snapshot["labs"] = {"date": "2026-01-05", "corrected_calcium": 2.5, "clearance": None}
    bundle = minute_bundle(snapshot, config=CONFIG)

    [patient] = resources(bundle, "Patient")
    assert "gender" not in patient and "birthDate" not in patient
    [t] = by_code(bundle, "21905-5")
    assert "valueCodeableConcept" not in t
    assert t["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert by_code(bundle, "89247-1") == by_code(bundle, "89243-0") == []  # no ECOG invented, nor Karnofsky
    [corrected] = by_code(bundle, "29265-6")
    assert "derivedFrom" not in corrected and corrected["method"]["coding"][0]["code"] == "computed"
    assert by_code(bundle, "35591-7") == by_code(bundle, "2000-8") == []
    assert problems(bundle) == []


def test_scores_carry_their_version_band_and_item_points(minute):
    snapshot = deepcopy(minute.snapshot)
    snapshot["scores"] = [
        {
            "slug": "tokuhashi",
            "name": "Tokuhashi révisé",
            "total": 9,
            "grade": "",
            "band": "intermediate",
            "band_label": "Intermédiaire",
            "version": "tokuhashi-2005",
            "reference": "Spine 2005",
            "computed_on": "2026-01-05",
            "points": {"general_condition": 1, "extraspinal_bone_metastases": 2},
            "stale": True,
        }
    ]
    bundle = minute_bundle(snapshot, config=CONFIG)

    [score] = [r for r in resources(bundle, "Observation") if r["code"]["coding"][0]["system"] == fhir.SCORES]
    assert score["valueInteger"] == 9
    assert score["method"]["coding"][0] == {"system": fhir.SCORE_VERSIONS, "code": "tokuhashi-2005"}
    assert [(c["code"]["coding"][0]["code"], c["valueInteger"]) for c in score["component"]] == [
        ("tokuhashi.general_condition", 1),
        ("tokuhashi.extraspinal_bone_metastases", 2),
    ]
    assert score["note"]  # computed on a record that changed since
    assert problems(bundle) == []


def test_treatments_are_procedures_at_their_lesions_and_medication_statements(minute):
    bundle = minute_bundle(minute.snapshot, config=CONFIG)

    [course] = resources(bundle, "Procedure")
    assert course["bodySite"] == [{"text": "T11"}]
    t11 = next(e["fullUrl"] for e in bundle["entry"] if e["resource"].get("bodySite") == [{"text": "T11"}])
    assert course["reasonReference"] == [{"reference": t11}]
    assert course["status"] == "unknown"  # no end date: whether it is over is not recorded
    dose = {e["url"]: e for e in course["extension"][0]["extension"]}
    assert dose["totalDose"]["valueQuantity"]["value"] == 8 and dose["fractions"]["valueUnsignedInt"] == 1
    [agent] = resources(bundle, "MedicationStatement")
    assert agent["medicationCodeableConcept"]["coding"][0]["code"] == "M05BX04"  # denosumab (ATC)


def test_the_care_plan_has_one_activity_per_proposal_line(minute):
    bundle = minute_bundle(minute.snapshot, config=CONFIG)

    [plan] = resources(bundle, "CarePlan")
    lines = minute.snapshot["decision"]["lines"]
    assert len(plan["activity"]) == len(lines) == 3
    assert [a["detail"]["description"] for a in plan["activity"]] == [line["text"] for line in lines]
    radiotherapy = plan["activity"][0]["detail"]
    assert radiotherapy["reasonReference"] == resources(bundle, "Procedure")[0]["reasonReference"]
    assert plan["note"] == [{"text": "Radiothérapie de T11."}]


def test_the_pdf_is_a_document_reference_with_its_hashes_not_its_bytes(minute):
    pdf = fhir.MinutePdf.of(b"%PDF-1.7 minute", sha256="ab" * 32, url="https://rcp.example/minutes/1.pdf")
    bundle = minute_bundle(minute.snapshot, config=CONFIG, pdf=pdf)

    [reference] = resources(bundle, "DocumentReference")
    attachment = reference["content"][0]["attachment"]
    assert attachment["url"] == "https://rcp.example/minutes/1.pdf"
    # R4's Attachment.hash is the base64 of the SHA-1 of the bytes; the SHA-256 goes beside it.
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(b"%PDF-1.7 minute").digest()).decode()
    assert attachment["size"] == len(b"%PDF-1.7 minute")
    assert attachment["extension"] == [{"url": fhir.SHA256, "valueString": "ab" * 32}]
    assert "data" not in attachment
    assert problems(bundle) == []


def test_identifiers_are_the_same_on_a_re_export_and_an_amendment_replaces_its_version(minute, chair):
    from rcp.services import amend_decision

    first = minute_bundle(minute.snapshot, config=CONFIG)
    assert minute_bundle(deepcopy(minute.snapshot), config=CONFIG) == first

    amendment = amend_decision(decision=minute.decision, user=chair)
    Decision.objects.filter(pk=amendment.pk).update(amendment_reason="Précision.")
    second = minute_bundle(validate_decision(decision=amendment, user=chair).snapshot, config=CONFIG)
    assert second["identifier"] != first["identifier"]
    composition = second["entry"][0]["resource"]
    assert composition["identifier"] == first["entry"][0]["resource"]["identifier"]  # the same document set
    assert composition["relatesTo"][0]["targetIdentifier"] == first["identifier"]
    assert composition["status"] == "amended"
    # The patient, the tumour and the lesions are named alike in both.
    shared = {"Patient", "Organization", "Condition"}
    ids = [
        {(r["resourceType"], r["id"]) for r in resources(b) if r["resourceType"] in shared}
        for b in (first, second)
    ]
    assert ids[0] == ids[1]


def test_an_older_snapshot_format_exports_without_what_it_did_not_freeze(minute):
    snapshot = deepcopy(minute.snapshot)
    snapshot["format"] = 2
    snapshot["assessment"] = {
        "date": "2026-01-05",
        "ecog": 2,
        "pain": 3,
        "frankel": "E",
        "life_expectancy_months": "6",
    }
    for key in ("status",):
        snapshot.pop(key)
    snapshot["patient"].pop("sex_code")
    snapshot["tumour"] = {
        "histology": "Adénocarcinome (8140/3)",
        "location": "Lobe supérieur (C34.1)",
        "tnm": "",
    }
    snapshot["treatments"] = [{"start": "2025-01-01", "end": None, "summary": "Radiothérapie T11"}]
    from rcp.minutes import upgrade

    bundle = minute_bundle(upgrade(snapshot), config=CONFIG)

    [ecog] = by_code(bundle, "89247-1")
    assert ecog["valueInteger"] == 2 and ecog["note"]  # whether assessed or converted: not frozen
    assert resources(bundle, "Procedure") == []  # a treatment in words only stays words
    assert by_code(bundle, "21905-5") == []  # no TNM at all: no staging invented
    assert problems(bundle) == []
