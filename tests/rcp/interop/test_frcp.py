"""The Fiche RCP CDA (rcp/interop/frcp.py) of validated minutes: valid against the CDA R2 schema, every
value-set-bound code in its ANS value set, the nine sections the CANCER-FRCP 2022.01 schematron requires,
the same bytes for the same snapshot, unknowns as nullFlavor, amendments in the same set."""

import os
from copy import deepcopy
from pathlib import Path

import pytest
from lxml import etree

from rcp.interop import frcp
from rcp.interop.frcp import FrcpConfig, care_plan_entries, config_for, frcp_cda
from rcp.interop.valuesets import value_set
from rcp.models import Decision
from rcp.services import amend_decision, validate_decision
from tests.factories import (
    AttendanceFactory,
    CaseFactory,
    PatientFactory,
    PrimaryTumourFactory,
    UserFactory,
    started_meeting,
)

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parent / "cda_schema" / "CDA.xsd"
NS = {"c": "urn:hl7-org:v3", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
INS = "279035121518989"  # the ANS examples' test INS (valid key)
BODY = "/c:ClinicalDocument/c:component/c:structuredBody/c:component/c:section"

# The FRCP schematron's value-set rules (CI-SIS_CANCER-FRCP_2022.01.sch and its includes): XPath of the
# coded element -> value set; and the generic header bindings of the CI-SIS (structuration minimale).
BINDINGS = {
    f"{BODY}[c:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.3.2']/c:entry/c:observation[c:code/@code='GEN-098']"
    "/c:value": "JDV_NatureDiscussion_CISIS",
    f"{BODY}[c:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.3.2']/c:entry/c:observation/c:entryRelationship"
    "/c:observation[c:code/@code='ORG-118']/c:value": "JDV_RCP_Appareil_CISIS",
    f"{BODY}[c:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.3.2']/c:entry/c:observation/c:entryRelationship"
    "/c:observation[c:code/@code='ORG-118']/c:entryRelationship/c:observation[c:code/@code='ORG-119']"
    "/c:value": "JDV_RCP_Organe_CISIS",
    "//c:observation[c:code/@code='ORG-127']/c:value": "JDV_StatutCasPresente_CISIS",
    f"{BODY}[c:templateId/@root='1.2.250.1.213.1.1.2.33']/c:entry/c:organizer/c:component"
    "/c:observation[c:code/@code='ORG-125']/c:value": "JDV_StatutQuorum_CISIS",
    "//c:section[c:templateId/@root='1.2.250.1.213.1.1.2.35']/c:entry/c:observation/c:value": (
        "JDV_StatutDoc_CISIS"
    ),
    f"{BODY}[c:templateId/@root='1.2.250.1.213.1.1.2.25']/c:entry/c:observation[c:code/@code='MED-243']"
    "/c:value": "JDV_PhaseCancer_CISIS",
    f"{BODY}[c:templateId/@root='1.3.6.1.4.1.19376.1.7.3.1.3.14.1']/c:entry/c:act/c:entryRelationship"
    "/c:observation[c:code/@code='282291009']/c:targetSiteCode": "JDV_Tumeur_CISIS",
    "//c:documentationOf/c:serviceEvent/c:code[@codeSystem='2.16.840.1.113883.6.3']": "JDV_Tumeur_CISIS",
    f"{BODY}[c:templateId/@root='1.3.6.1.4.1.19376.1.7.3.1.3.14.1']/c:entry/c:act/c:entryRelationship"
    "/c:observation[c:code/@code='282291009']/c:value": "JDV_Morphologie_CISIS",
    f"{BODY}[c:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.3.36']/c:entry/c:procedure/c:code": (
        "JDV_TypeTraitement_FRCP_CISIS"
    ),
    "//c:patient/c:administrativeGenderCode": "JDV_J143_AdministrativeGender_CISIS",
    "//c:participant/c:functionCode": "JDV_J47_FunctionCode_CISIS",
    "//c:assignedAuthor/c:code | //c:assignedEntity/c:code | //c:associatedEntity/c:code": (
        "JDV_J01_XdsAuthorSpecialty_CISIS"
    ),
    "/c:ClinicalDocument/c:componentOf/c:encompassingEncounter/c:code": "JDV_J142_TypeRencontre_CISIS",
}
REQUIRED_SECTIONS = {
    "1.3.6.1.4.1.19376.1.5.3.1.3.2": "42349-1",  # reason for referral
    "1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9": "42545-4",  # event outcomes
    "1.3.6.1.4.1.19376.1.7.3.1.3.14.1": "72135-7",  # cancer diagnosis
    "1.2.250.1.213.1.1.2.25": "18733-6",  # progress note (clinical phase)
    "1.3.6.1.4.1.19376.1.5.3.1.3.4": "10164-2",  # history of present illness
    "1.3.6.1.4.1.19376.1.5.3.1.3.36": "18776-5",  # care plan
    "1.2.250.1.213.1.1.2.175": "35510-7",  # therapeutic proposal framework
    "1.2.250.1.213.1.1.2.33": "21874-3",  # RCP file status
    "1.2.250.1.213.1.1.2.35": "33557-0",  # document status
}
CONFIG = FrcpConfig(ipp_oid="2.999.1.1", rrc_id="5201", rcp_manager_id="520114", rcp_id="27011113")


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA), etree.XMLParser(no_network=True)))


@pytest.fixture
def board_centre(centre):
    centre.finess = "750100125"
    centre.ipp_oid = "2.999.1.1"
    centre.save()
    return centre


@pytest.fixture
def chair_rpps(chair):
    chair.rpps = "10001234567"
    chair.save()
    return chair


@pytest.fixture
def meeting(board_centre, chair_rpps):
    meeting = started_meeting(centre=board_centre, chair=chair_rpps, deputy=None, place="Salle 3")
    board = meeting.board
    board.rrc_id, board.rcp_manager_id, board.rcp_id = "5201", "520114", "27011113"
    board.save()
    AttendanceFactory(meeting=meeting, specialty="", guest_name="Interne invité")
    return meeting


def validated(meeting, chair, *, patient=None, proposals=None, **decision) -> "Minute":  # noqa: F821
    patient = patient or PatientFactory(centre=meeting.board.centre)
    if not hasattr(patient, "primary_tumour"):
        PrimaryTumourFactory(patient=patient)
    presenting = UserFactory(centre=meeting.board.centre, rpps="10009876543", specialty="radiation_oncology")
    case = CaseFactory(
        meeting=meeting, patient=patient, question="Radiothérapie de T11 ?", presenting_physician=presenting
    )
    draft = Decision.objects.create(
        case=case,
        proposals=proposals if proposals is not None else {"radiotherapy": {"site": "T11", "scheme": "8x1"}},
        free_text="Radiothérapie 8 Gy en une fraction.",
        conforms=True,
        updated_by=chair,
        **decision,
    )
    return validate_decision(decision=draft, user=chair)


def parse(data: bytes):
    return etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))


def errors(schema, data: bytes) -> list[str]:
    schema.validate(etree.ElementTree(parse(data)))
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def out_of_value_sets(root) -> list[str]:
    """Every bound coded element that is neither nullFlavor nor in its value set (code + code system)."""
    wrong = []
    for path, name in BINDINGS.items():
        members = value_set(name)
        for node in root.xpath(path, namespaces=NS):
            if node.get("nullFlavor"):
                continue
            if (node.get("code"), node.get("codeSystem")) not in members:
                wrong.append(f"{name}: {node.get('code')} {node.get('codeSystem')}")
    return wrong


ALL_PROPOSALS = {
    "radiotherapy": {"site": "T11", "scheme": "8x1"},
    "surgery": {"type": "stabilisation", "site": "fémur"},
    "interventional": {"procedure": "vertebroplasty", "site": "L2"},
    "bma": {"agent": "zoledronic_acid", "supplements": "calcium_vitamin_d"},
    "systemic": {"text": "osimertinib"},
    "analgesia": {"text": "palier 2"},
    "exams": {"which": ["spine_mri", "other"], "text": "scanner thoracique"},
    "surveillance": {},
}


def test_a_minute_s_cda_is_valid_against_the_cda_r2_schema_with_every_code_in_its_value_set(
    meeting, chair_rpps, schema
):
    minute = validated(meeting, chair_rpps, proposals=ALL_PROPOSALS)
    data = frcp_cda(minute.snapshot, config=config_for(minute))
    root = parse(data)

    assert errors(schema, data) == []
    assert out_of_value_sets(root) == []
    # Every binding of the table was exercised at least once by this document.
    unused = [name for path, name in BINDINGS.items() if not root.xpath(path, namespaces=NS)]
    assert unused == []


def test_the_nine_required_sections_are_there_with_their_template_ids_and_codes(meeting, chair_rpps):
    root = parse(frcp_cda(validated(meeting, chair_rpps).snapshot, config=CONFIG))

    for template, code in REQUIRED_SECTIONS.items():
        [section] = root.xpath(f"//c:section[c:templateId/@root='{template}']", namespaces=NS)
        assert section.find("c:code", NS).get("code") == code
        assert section.find("c:text", NS) is not None
    header = root.xpath("/c:ClinicalDocument/c:templateId/@root", namespaces=NS)
    assert header == ["2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "1.2.250.1.213.1.1.1.8"]
    assert root.find("c:code", NS).get("code") == "34794-8"
    # The FRCP header rules: three encounter ids at least (RRC, RCP manager, RCP), a facility name, address.
    encounter = root.find("c:componentOf/c:encompassingEncounter", NS)
    assert [i.get("extension") for i in encounter.findall("c:id", NS)] == ["5201", "520114", "27011113"]
    assert encounter.find("c:location/c:healthCareFacility/c:location/c:addr", NS) is not None
    # The FRCP diagnosis rules: diagnosis, TNM and its T, N and M.
    obs = "c:entry/c:act/c:entryRelationship/c:observation"
    [diagnosis] = root.xpath(
        "//c:section[c:templateId/@root='1.3.6.1.4.1.19376.1.7.3.1.3.14.1']", namespaces=NS
    )
    assert diagnosis.xpath(f"{obs}/c:code[@code='282291009']", namespaces=NS)
    assert diagnosis.xpath(f"{obs}/c:entryRelationship/c:observation/c:code[@code='75620-5']", namespaces=NS)
    tnm = diagnosis.xpath(
        f"{obs}/c:entryRelationship/c:observation/c:entryRelationship/c:observation/c:value/@code",
        namespaces=NS,
    )
    assert tnm == ["T2a", "N1", "M1b"]


def test_the_mapping_of_the_minute(meeting, chair_rpps):
    minute = validated(meeting, chair_rpps, proposals=ALL_PROPOSALS)
    root = parse(frcp_cda(minute.snapshot, config=CONFIG))

    def values(path):
        return root.xpath(path, namespaces=NS)

    patient = minute.decision.case.patient
    assert values("//c:patientRole/c:id/@root") == ["2.999.1.1"]
    assert values("//c:patientRole/c:id/@extension") == [patient.hospital_id]
    assert values("//c:assignedAuthor/c:id/@extension") == ["810009876543"]  # "8" + RPPS
    # The snapshot freezes the presenting physician's specialty (a radiation oncologist) and the chair's.
    assert values("//c:assignedAuthor/c:code/@code") == ["G15_10/SM37"]
    assert values("//c:legalAuthenticator/c:assignedEntity/c:code/@code") == ["G15_10/SM36"]
    assert values("//c:legalAuthenticator/c:signatureCode/@code") == ["S"]
    assert values("//c:legalAuthenticator/c:assignedEntity/c:id/@extension") == ["810001234567"]
    assert values("//c:custodian//c:id/@extension") == ["1750100125"]  # "1" + FINESS
    roles = [(p.get("typeCode"), p.find("c:functionCode", NS).get("code")) for p in values("//c:participant")]
    assert roles[:4] == [("RESP", None), ("REFB", None), ("PRF", None), ("INF", "PCP")]
    # The attendees: the guest without a specialty does not count in the quorum.
    assert sorted(roles[4:]) == [("PRF", "353"), ("PRF", "353"), ("PRF", "353"), ("PRF", "CORRE")]
    plan = "//c:section[c:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.3.36']/c:entry"
    assert values(f"{plan}/c:procedure/c:code/@code") == ["C15313", "387713003", "C63334", "C15747", "C15747"]
    assert values(f"{plan}/c:procedure/c:code/@nullFlavor") == [
        "UNK"
    ]  # the systemic treatment, class unknown
    assert len(values(f"{plan}/c:observation[c:code/@code='ORG-064']")) == 3  # two exams and the surveillance
    assert values("//c:observation[c:code/@code='ORG-125']/c:value/@code") == ["ORG-126"]
    assert values("//c:observation[c:code/@code='MED-250']/c:value/@value") == ["false"]
    assert values("//c:observation[c:code/@code='ORG-127']/c:value/@code") == ["ORG-134"]
    assert values("//c:section[c:templateId/@root='1.2.250.1.213.1.1.2.35']//c:value/@code") == ["9571008"]
    narrative = "".join(root.itertext())
    assert "Radiothérapie 8 Gy en une fraction." in narrative and "Radiothérapie de T11 ?" in narrative


def test_each_professional_is_frozen_in_full_and_named_so_by_the_cda(meeting, chair_rpps, schema):
    centre = meeting.board.centre
    referring = UserFactory(
        centre=centre, first_name="Rémi", last_name="Référent", rpps="10005555555", specialty="pulmonology"
    )
    member = UserFactory(centre=centre, first_name="Inès", last_name="Imagerie", rpps="10006666666")
    AttendanceFactory(meeting=meeting, user=member, guest_name="", specialty="radiology")
    patient = PatientFactory(centre=centre, referring_physician=referring)
    minute = validated(meeting, chair_rpps, patient=patient, general_practitioner="Dr Jeanne Martin, Dijon")
    people = minute.snapshot["professionals"]
    data = frcp_cda(minute.snapshot, config=config_for(minute))
    root = parse(data)

    def participant(type_code, function=None):
        path = f"//c:participant[@typeCode='{type_code}']"
        if function:
            path += f"[c:functionCode/@code='{function}']"
        return root.xpath(path, namespaces=NS)

    def person(node):
        entity = node.find("c:associatedEntity", NS)
        name = entity.find("c:associatedPerson/c:name", NS)
        return (
            entity.find("c:id", NS).get("extension"),
            entity.find("c:code", NS).get("code"),
            name.findtext("c:given", namespaces=NS),
            name.findtext("c:family", namespaces=NS),
        )

    assert people["chair"] == {
        "name": chair_rpps.display_name,
        "family_name": chair_rpps.last_name,
        "given_name": "Test",
        "rpps": "10001234567",
        "specialty": "medical_oncology",
    }
    assert people["validator"] == people["chair"]
    assert people["referring"]["rpps"] == "10005555555"
    # The meeting names no coordinator: its chair is the RESP.
    assert [person(p) for p in participant("RESP")] == [
        ("810001234567", "G15_10/SM36", "Test", chair_rpps.last_name)
    ]
    assert [person(p) for p in participant("REFB")] == [("810005555555", "G15_10/SM41", "Rémi", "Référent")]
    assert person(participant("PRF")[0])[:2] == ("810009876543", "G15_10/SM37")
    [member_node] = [p for p in participant("PRF", "353") if person(p)[3] == "Imagerie"]
    assert person(member_node) == ("810006666666", "G15_10/SM44", "Inès", "Imagerie")
    # A guest has no account: a name as typed, no RPPS.
    guests = [p for p in participant("PRF", "353") if person(p)[0] is None]
    assert len(guests) == 3
    # The GP as the decision records them: a name and a town, no RPPS nor specialty.
    [gp] = participant("INF", "PCP")
    assert gp.findtext("c:associatedEntity/c:associatedPerson/c:name", namespaces=NS) == (
        "Dr Jeanne Martin, Dijon"
    )
    assert gp.find("c:associatedEntity/c:id", NS).get("nullFlavor") == "UNK"
    assert gp.find("c:time", NS).get("value")
    legal = root.find("c:legalAuthenticator/c:assignedEntity/c:assignedPerson/c:name", NS)
    assert (legal.findtext("c:given", namespaces=NS), legal.findtext("c:family", namespaces=NS)) == (
        "Test",
        chair_rpps.last_name,
    )
    assert errors(schema, data) == []
    assert out_of_value_sets(root) == []


def test_a_re_export_reads_the_identifiers_frozen_at_validation_never_the_live_ones(meeting, chair_rpps):
    minute = validated(meeting, chair_rpps)
    board = meeting.board
    board.rrc_id, board.rcp_manager_id, board.rcp_id = "9999", "999999", "99999999"
    board.save()
    board.centre.ipp_oid = "2.999.7"
    board.centre.save()
    minute.refresh_from_db()

    assert minute.snapshot["board"]["rrc_id"] == "5201"
    frozen = config_for(minute)
    assert (frozen.ipp_oid, frozen.rrc_id, frozen.rcp_manager_id, frozen.rcp_id) == (
        "2.999.1.1",
        "5201",
        "520114",
        "27011113",
    )
    root = parse(frcp_cda(minute.snapshot, config=frozen))
    assert root.xpath("//c:encompassingEncounter/c:id/@extension", namespaces=NS) == [
        "5201",
        "520114",
        "27011113",
    ]
    # A snapshot frozen before these keys: the board's and centre's values of today.
    older = deepcopy(minute.snapshot)
    del older["board"], older["professionals"]
    minute.snapshot = older
    live = config_for(minute)
    assert (live.ipp_oid, live.rrc_id) == ("2.999.7", "9999")


def test_a_snapshot_without_the_frozen_professionals_names_them_as_printed(meeting, chair_rpps, schema):
    snapshot = deepcopy(validated(meeting, chair_rpps).snapshot)
    del snapshot["professionals"]
    for participant in snapshot["participants"]:
        for key in ("guest", "family_name", "given_name", "rpps"):
            del participant[key]
    data = frcp_cda(snapshot, config=CONFIG)
    root = parse(data)

    # The presenting physician's specialty was not frozen: unknown; the chair's is read from its label.
    assert root.xpath("//c:assignedAuthor/c:code/@nullFlavor", namespaces=NS) == ["UNK"]
    assert root.xpath("//c:assignedAuthor/c:assignedPerson/c:name/text()", namespaces=NS) == [
        snapshot["case"]["presenting_physician"]
    ]
    assert root.xpath("//c:legalAuthenticator//c:code/@code", namespaces=NS) == ["G15_10/SM36"]
    assert errors(schema, data) == []


def test_only_surveillance_is_an_encounter_of_surveillance_alone(meeting, chair_rpps):
    root = parse(
        frcp_cda(validated(meeting, chair_rpps, proposals={"surveillance": {}}).snapshot, config=CONFIG)
    )

    assert root.xpath("//c:entry/c:encounter/c:code/@code", namespaces=NS) == ["MED-226"]


def test_the_same_snapshot_gives_the_same_bytes(meeting, chair_rpps):
    minute = validated(meeting, chair_rpps)

    assert frcp_cda(deepcopy(minute.snapshot), config=CONFIG) == frcp_cda(minute.snapshot, config=CONFIG)


def test_an_amendment_is_a_new_version_of_the_same_set_replacing_the_one_before(meeting, chair_rpps, schema):
    first = validated(meeting, chair_rpps)
    amendment = amend_decision(decision=first.decision, user=chair_rpps)
    Decision.objects.filter(pk=amendment.pk).update(amendment_reason="Dose corrigée.")
    second = validate_decision(decision=amendment, user=chair_rpps)
    one, two = (parse(frcp_cda(m.snapshot, config=CONFIG)) for m in (first, second))

    def get(root, path):
        return root.xpath(path, namespaces=NS)

    assert get(one, "/c:ClinicalDocument/c:setId/@root") == get(two, "/c:ClinicalDocument/c:setId/@root")
    assert get(one, "/c:ClinicalDocument/c:id/@root") != get(two, "/c:ClinicalDocument/c:id/@root")
    assert get(two, "/c:ClinicalDocument/c:versionNumber/@value") == ["2"]
    assert get(two, "//c:relatedDocument[@typeCode='RPLC']/c:parentDocument/c:id/@root") == get(
        one, "/c:ClinicalDocument/c:id/@root"
    )
    assert errors(schema, frcp_cda(second.snapshot, config=CONFIG)) == []


def test_a_patient_without_ins_is_named_by_the_ipp_and_with_an_ins_by_both(meeting, chair_rpps, schema):
    without = validated(meeting, chair_rpps)
    patient = PatientFactory(centre=meeting.board.centre, ins=INS, given_names="Dominique Marie")
    with_ins = validated(meeting, chair_rpps, patient=patient)

    root = parse(frcp_cda(without.snapshot, config=CONFIG))
    assert root.xpath("//c:patientRole/c:id/@root", namespaces=NS) == ["2.999.1.1"]
    assert not root.xpath("//c:patient/c:birthplace", namespaces=NS)

    data = frcp_cda(with_ins.snapshot, config=CONFIG)
    root = parse(data)
    assert root.xpath("//c:patientRole/c:id/@root", namespaces=NS) == ["1.2.250.1.213.1.4.10", "2.999.1.1"]
    assert root.xpath("//c:patient/c:name/c:given[@qualifier='BR']/text()", namespaces=NS) == ["Dominique"]
    # The birthplace, required beside an INS, is not recorded: unknown.
    assert root.xpath("//c:birthplace/c:place/c:addr/c:county/@nullFlavor", namespaces=NS) == ["UNK"]
    assert errors(schema, data) == []
    production = frcp_cda(with_ins.snapshot, config=FrcpConfig(ipp_oid="2.999.1.1", ins_test=False))
    assert parse(production).xpath("//c:patientRole/c:id/@root", namespaces=NS)[0] == "1.2.250.1.213.1.4.8"


def test_what_the_snapshot_does_not_know_is_unknown_never_guessed(meeting, chair_rpps, schema):
    snapshot = deepcopy(validated(meeting, chair_rpps).snapshot)
    snapshot["tumour"] = None
    snapshot["case"]["presenting_rpps"] = ""
    snapshot["professionals"]["presenting"]["rpps"] = ""
    snapshot["patient"]["referring_physician"] = ""  # format 3: with the patient (rcp.minutes)
    snapshot["professionals"]["referring"] = None
    snapshot["quorum"] = {}
    snapshot["centre"]["finess"] = ""
    data = frcp_cda(snapshot, config=FrcpConfig())
    root = parse(data)

    def flavor(path):
        return root.xpath(f"{path}/@nullFlavor", namespaces=NS)

    assert errors(schema, data) == []
    assert flavor("//c:patientRole/c:id") == ["UNK"]  # no OID for the centre's IPPs
    assert flavor("//c:encompassingEncounter/c:id") == ["UNK"] * 3
    assert flavor("//c:assignedAuthor/c:id") == ["UNK"]
    assert flavor("//c:custodian//c:id") == ["UNK"]
    assert flavor("//c:participant[@typeCode='REFB']/c:associatedEntity") == ["UNK"]
    assert flavor("//c:participant[@typeCode='INF']/c:associatedEntity") == ["UNK"]
    assert flavor("//c:observation[c:code/@code='282291009']/c:value") == ["UNK"]
    assert flavor("//c:observation[c:code/@code='282291009']/c:targetSiteCode") == ["UNK"]
    assert root.xpath("//c:observation[c:code/@code='ORG-125']/c:value/@code", namespaces=NS) == ["GEN-010"]
    # The reason "pain" does not say whether the cancer relapsed.
    assert flavor("//c:observation[c:code/@code='MED-243']/c:value") == ["UNK"]
    assert out_of_value_sets(root) == []


def test_a_new_diagnosis_is_the_initial_phase(meeting, chair_rpps):
    minute = validated(meeting, chair_rpps)
    snapshot = deepcopy(minute.snapshot)
    snapshot["case"]["reason"] = "Nouveau diagnostic"

    root = parse(frcp_cda(snapshot, config=CONFIG))

    assert root.xpath("//c:observation[c:code/@code='MED-243']/c:value/@code", namespaces=NS) == ["MED-268"]


def test_a_format_1_snapshot_without_the_later_keys_still_makes_a_valid_document(meeting, chair_rpps, schema):
    snapshot = deepcopy(validated(meeting, chair_rpps).snapshot)
    snapshot["format"] = 1
    for key in ("corrections", "lesions"):
        snapshot.pop(key, None)

    assert errors(schema, frcp_cda(snapshot, config=CONFIG)) == []


def test_a_draft_has_no_fiche_rcp(meeting, chair_rpps):
    snapshot = deepcopy(validated(meeting, chair_rpps).snapshot)
    snapshot["validation"] = None

    with pytest.raises(ValueError):
        frcp_cda(snapshot, config=CONFIG)


def test_every_treatment_type_of_the_care_plan_table_is_in_the_frcp_value_set():
    members = value_set("JDV_TypeTraitement_FRCP_CISIS")

    assert [code for code in frcp.TREATMENT_TYPES.values() if code and code not in members] == []
    assert set(frcp.SPECIALTY_CODES.values()) <= {
        c for c, _s in value_set("JDV_J01_XdsAuthorSpecialty_CISIS").concepts
    }


def test_care_plan_entries_follow_the_proposals_in_the_minute_s_order():
    snapshot = {
        "decision": {
            "proposals": {"surveillance": {}, "radiotherapy": {"site": "T11"}},
            "proposals_text": ["Radiothérapie : T11", "Surveillance"],
        }
    }

    assert [(e.kind, e.label, e.mood) for e in care_plan_entries(snapshot)] == [
        ("radiotherapy", "Radiothérapie : T11", "procedure"),
        ("surveillance", "Surveillance", "surveillance"),
    ]


KIT = os.environ.get("ANS_TESTCONTENUCDA", "")


@pytest.mark.skipif(
    not KIT,
    reason="the ANS test kit is not part of the project: set ANS_TESTCONTENUCDA to a checkout of "
    "ansforge/TestContenuCDA-3-0 to run its CANCER-FRCP 2022.01 schematron",
)
def test_the_official_frcp_schematron_finds_nothing(meeting, chair_rpps):
    """The kit's schematron declares XSLT 2 but its FRCP rules are XPath 1: lxml runs them as XSLT 1."""
    from lxml import isoschematron

    kit = Path(KIT)
    source = (kit / "schematrons" / "CI-SIS_CANCER-FRCP_2022.01.sch").read_text(encoding="utf-8")
    source = source.replace('queryBinding="xslt2"', 'queryBinding="xslt"')
    source = source.replace("'../jeuxDeValeurs/", f"'{(kit / 'jeuxDeValeurs').as_uri()}/")
    schematron = isoschematron.Schematron(
        etree.fromstring(source.encode(), base_url=(kit / "schematrons" / "x.sch").as_uri()),
        phase="CI-SIS_CANCER-FRCP_2022.01",
        validate_schema=False,
        store_report=True,
    )
    patient = PatientFactory(centre=meeting.board.centre, ins=INS)
    document = parse(
        frcp_cda(
            validated(meeting, chair_rpps, patient=patient, proposals=ALL_PROPOSALS).snapshot, config=CONFIG
        )
    )

    assert schematron.validate(etree.ElementTree(document)), str(schematron.validation_report)
