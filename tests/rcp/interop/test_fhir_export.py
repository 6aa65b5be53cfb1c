"""Getting the FHIR bundles out: a minute's and a patient's downloads (their centre only, logged), and
`export_fhir --centre --from --to OUT` for a research warehouse."""

import json
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rcp.accounts.models import AccessLog
from rcp.interop.fhir import config_for, minute_bundle
from rcp.models import Decision, Minute
from rcp.services import amend_decision, validate_decision
from tests.factories import (
    AttendanceFactory,
    CaseFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
    started_meeting,
)
from tests.rcp.interop.test_fhir import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(centre, chair):
    centre.finess = "750100125"
    centre.save()
    return started_meeting(centre=centre, chair=chair, deputy=None)


def validated(meeting, chair, patient=None) -> Minute:
    patient = patient or PatientFactory(centre=meeting.board.centre)
    if not hasattr(patient, "primary_tumour"):
        PrimaryTumourFactory(patient=patient)
    case = CaseFactory(meeting=meeting, patient=patient)
    draft = Decision.objects.create(
        case=case, proposals={"surveillance": {}}, free_text="Surveillance.", conforms=True, updated_by=chair
    )
    return validate_decision(decision=draft, user=chair)


def test_the_checks_catch_an_invalid_bundle():
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:0",
                "resource": {
                    "resourceType": "Observation",
                    "id": "0",
                    "status": "final",
                    "code": {"text": "x"},
                    "valueInteger": "nine",
                    "effectiveDateTime": "05/01/2026",
                    "subject": {"reference": "urn:uuid:elsewhere"},
                },
            }
        ],
    }

    found = problems(bundle)

    assert any("valueInteger" in p or "effectiveDateTime" in p for p in found)
    assert "dangling urn:uuid:elsewhere" in found


def test_the_minute_s_bundle_is_downloaded_from_its_centre_and_logged(
    meeting, chair, clinician, client_for, django_assert_max_num_queries
):
    minute = validated(meeting, chair)
    client = client_for(clinician)
    url = reverse("rcp:minute_fhir", args=[minute.pk])

    # Session and user, the minute with its case, patient, PDF, meeting, board and centre, the access log's
    # insert, the chain check's neighbours (and the savepoints around the log).
    with django_assert_max_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert f'filename="{minute.number}-v1-fhir.json"' in response["Content-Disposition"]
    bundle = json.loads(response.content)
    assert problems(bundle) == []
    assert bundle["identifier"] == minute_bundle(minute.snapshot, config=config_for(minute))["identifier"]
    assert AccessLog.objects.filter(what__endswith="fhir", patient=minute.decision.case.patient).exists()


def test_another_centre_gets_404(meeting, chair, outsider, client_for):
    minute = validated(meeting, chair)
    client = client_for(outsider)

    assert client.get(reverse("rcp:minute_fhir", args=[minute.pk])).status_code == 404
    patient = minute.decision.case.patient
    assert client.get(reverse("rcp:patient_fhir", args=[patient.pk])).status_code == 404


def test_the_minute_pages_link_to_the_bundles(meeting, chair, clinician, client_for):
    minute = validated(meeting, chair)
    client = client_for(clinician)
    patient = minute.decision.case.patient

    decision_page = client.get(reverse("rcp:decision_read", args=[minute.decision_id])).content.decode()
    assert reverse("rcp:minute_fhir", args=[minute.pk]) in decision_page
    minutes = client.get(reverse("rcp:patient_minutes", args=[patient.pk]), HTTP_HX_REQUEST="true")
    assert reverse("rcp:minute_fhir", args=[minute.pk]) in minutes.content.decode()
    assert reverse("rcp:patient_fhir", args=[patient.pk]) in minutes.content.decode()


def test_the_patient_s_bundle_holds_the_latest_version_of_each_minute_in_constant_queries(
    meeting, chair, clinician, client_for, django_assert_max_num_queries
):
    patient = PatientFactory(centre=meeting.board.centre)
    first = validated(meeting, chair, patient)
    client = client_for(clinician)
    url = reverse("rcp:patient_fhir", args=[patient.pk])

    # Session and user, the record (patient with centre and tumour, then its prefetched rows), the minutes
    # with their PDFs, boards and centres, their chain check, the access log's insert and its savepoints:
    # as many with one minute as with three.
    with django_assert_max_num_queries(17) as one:
        client.get(url)
    amendment = amend_decision(decision=first.decision, user=chair)
    Decision.objects.filter(pk=amendment.pk).update(amendment_reason="Précision.")
    latest = validate_decision(decision=amendment, user=chair)
    validated(meeting, chair, patient)
    validated(meeting, chair, patient)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    assert bundle["type"] == "collection"
    assert problems(bundle) == []
    documents = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Bundle"]
    assert len(documents) == 3  # the amended minute once, in its latest version
    assert minute_bundle(latest.snapshot, config=config_for(latest))["identifier"] in [
        d["identifier"] for d in documents
    ]
    # The record's patient is the minutes' patient.
    [own] = [e["resource"]["id"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert all(
        own in {e["resource"]["id"] for e in d["entry"] if e["resource"]["resourceType"] == "Patient"}
        for d in documents
    )
    assert AccessLog.objects.filter(what="record fhir", patient=patient).exists()


def _old_minute(meeting, chair, days):
    earlier = timezone.now() - timedelta(days=days)
    old = MeetingFactory(board=meeting.board, chair=chair, starts_at=earlier - timedelta(hours=1))
    for attendance in meeting.attendances.all():
        AttendanceFactory(meeting=old, specialty=attendance.specialty, guest_name=attendance.guest_name)
    with mock.patch("rcp.services.timezone.now", return_value=earlier):
        return validated(old, chair)


def test_export_writes_a_centre_s_minutes_between_two_days_one_bundle_a_line(meeting, chair, tmp_path):
    _old_minute(meeting, chair, days=30)
    first = validated(meeting, chair)
    amendment = amend_decision(decision=first.decision, user=chair)
    Decision.objects.filter(pk=amendment.pk).update(amendment_reason="Précision.")
    second = validate_decision(decision=amendment, user=chair)
    other = validated(meeting, chair)
    today = timezone.localdate()
    out = tmp_path / "minutes.ndjson"
    args = ["--centre", "750100125", "--from", str(today - timedelta(days=2)), "--to", str(today)]

    call_command("export_fhir", *args, str(out), stdout=StringIO())

    bundles = [json.loads(line) for line in out.read_text().splitlines()]
    assert [b["identifier"] for b in bundles] == [
        minute_bundle(m.snapshot, config=config_for(m))["identifier"] for m in (second, other)
    ]
    assert all(problems(b) == [] for b in bundles)
    # The same minutes give the same file; the centre's id names it as well as its FINESS.
    again = tmp_path / "again.ndjson"
    args[1] = str(meeting.board.centre_id)
    call_command("export_fhir", *args, str(again), stdout=StringIO())
    assert again.read_bytes() == out.read_bytes()


def test_export_to_a_directory_writes_one_file_per_resource_type(meeting, chair, tmp_path):
    patient = PatientFactory(centre=meeting.board.centre)
    validated(meeting, chair, patient)
    validated(meeting, chair, patient)
    today = str(timezone.localdate())

    call_command(
        "export_fhir",
        "--centre",
        "750100125",
        "--from",
        today,
        "--to",
        today,
        str(tmp_path),
        stdout=StringIO(),
    )

    files = {
        path.stem: [json.loads(line) for line in path.read_text().splitlines()] for path in tmp_path.iterdir()
    }
    assert {"Patient", "Composition", "Condition", "CarePlan", "DocumentReference"} <= set(files)
    assert all(r["resourceType"] == kind for kind, items in files.items() for r in items)
    assert len(files["Patient"]) == 1  # one patient, named alike in both minutes
    assert len(files["Composition"]) == 2
    ids = {f"{kind}/{r['id']}" for kind, items in files.items() for r in items}
    refs = {
        ref["reference"]
        for composition in files["Composition"]
        for section in composition["section"]
        for ref in section.get("entry", [])
    }
    assert refs <= ids  # relative references, each to a resource written


def test_every_validated_minute_of_the_demo_exports(tmp_path):
    """The demo's past meeting has three validated decisions: each exports, valid."""
    call_command("demo_data", stdout=StringIO())
    minutes = list(Minute.objects.select_related("centre"))
    centre = minutes[0].centre
    out = tmp_path / "demo.ndjson"
    far = ["--from", "2000-01-01", "--to", str(timezone.localdate() + timedelta(days=1))]

    call_command("export_fhir", "--centre", str(centre.pk), *far, str(out), stdout=StringIO())

    bundles = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(bundles) == len(minutes) == 3
    assert [p for b in bundles for p in problems(b)] == []
