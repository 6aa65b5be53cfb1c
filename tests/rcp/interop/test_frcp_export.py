"""Getting the Fiche RCP out: the minute's download (its centre only) and `export_frcp DIR [--since DATE]`."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rcp.accounts.models import AccessLog
from rcp.interop.frcp import config_for, frcp_cda
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(centre, chair):
    return started_meeting(centre=centre, chair=chair, deputy=None)


def validated(meeting, chair) -> Minute:
    patient = PatientFactory(centre=meeting.board.centre)
    PrimaryTumourFactory(patient=patient)
    case = CaseFactory(meeting=meeting, patient=patient)
    draft = Decision.objects.create(
        case=case, proposals={"surveillance": {}}, free_text="Surveillance.", conforms=True, updated_by=chair
    )
    return validate_decision(decision=draft, user=chair)


def amended(minute, chair) -> Minute:
    amendment = amend_decision(decision=minute.decision, user=chair)
    Decision.objects.filter(pk=amendment.pk).update(amendment_reason="Précision.")
    return validate_decision(decision=amendment, user=chair)


def test_the_minute_s_cda_is_downloaded_from_its_centre_and_logged(
    meeting, chair, clinician, client_for, django_assert_max_num_queries
):
    minute = validated(meeting, chair)
    client = client_for(clinician)
    url = reverse("rcp:minute_cda", args=[minute.pk])

    # Session and user, the minute with its case, patient, meeting, board and centre, the access log's
    # insert, the chain check's neighbours (and the savepoints around the log).
    with django_assert_max_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert f'filename="{minute.number}-v1-frcp.xml"' in response["Content-Disposition"]
    assert response.content == frcp_cda(minute.snapshot, config=config_for(minute))
    assert AccessLog.objects.filter(what__endswith="cda", patient=minute.decision.case.patient).exists()


def test_another_centre_gets_404(meeting, chair, outsider, client_for):
    minute = validated(meeting, chair)

    assert client_for(outsider).get(reverse("rcp:minute_cda", args=[minute.pk])).status_code == 404


def test_the_minute_pages_link_to_the_cda(meeting, chair, clinician, client_for):
    minute = validated(meeting, chair)
    client = client_for(clinician)
    url = reverse("rcp:minute_cda", args=[minute.pk])

    assert url in client.get(reverse("rcp:decision_read", args=[minute.decision_id])).content.decode()
    patient = minute.decision.case.patient
    assert url in client.get(reverse("rcp:patient_minutes", args=[patient.pk])).content.decode()


def test_export_writes_the_latest_version_of_each_minute(meeting, chair, tmp_path):
    first = validated(meeting, chair)
    second = amended(first, chair)
    other = validated(meeting, chair)

    call_command("export_frcp", str(tmp_path), stdout=StringIO())

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{first.number}.xml", f"{other.number}.xml"]
    )
    assert (tmp_path / f"{first.number}.xml").read_bytes() == frcp_cda(
        second.snapshot, config=config_for(second)
    )
    # A re-export writes the same bytes.
    again = tmp_path / "again"
    call_command("export_frcp", str(again), stdout=StringIO())
    assert (again / f"{other.number}.xml").read_bytes() == (tmp_path / f"{other.number}.xml").read_bytes()


def test_export_since_a_day_keeps_the_minutes_validated_from_then(meeting, chair, tmp_path):
    earlier = timezone.now() - timedelta(days=10)
    old_meeting = MeetingFactory(board=meeting.board, chair=chair, starts_at=earlier - timedelta(hours=1))
    for attendance in meeting.attendances.all():
        AttendanceFactory(
            meeting=old_meeting, specialty=attendance.specialty, guest_name=attendance.guest_name
        )
    with mock.patch("rcp.services.timezone.now", return_value=earlier):
        validated(old_meeting, chair)
    recent = validated(meeting, chair)
    since = (timezone.localdate() - timedelta(days=1)).isoformat()

    call_command("export_frcp", str(tmp_path), "--since", since, stdout=StringIO())

    assert [p.name for p in tmp_path.iterdir()] == [f"{recent.number}.xml"]


def test_every_minute_of_the_demo_exports_valid_with_its_care_plan_coded(tmp_path):
    """The demo's past meeting validated three minutes: once the worker has rendered them, the export
    writes each (the CDA stored with its PDF), valid against the CDA R2 schema, every bound code in its
    value set, and each proposal line of the demo in the care plan: a treatment coded, an exam or a
    surveillance as such."""
    from lxml import etree

    from rcp.interop.frcp import care_plan_entries
    from rcp.models import MinutePdf
    from tests.rcp.interop.test_frcp import SCHEMA, out_of_value_sets, parse
    from tests.tasks import run_tasks

    call_command("demo_data", stdout=StringIO())
    run_tasks()
    minutes = list(Minute.objects.select_related("rendered").order_by("number"))
    assert len(minutes) == 3
    assert all(minute.rendered.cda for minute in minutes)

    call_command("export_frcp", str(tmp_path), stdout=StringIO())

    schema = etree.XMLSchema(etree.parse(str(SCHEMA), etree.XMLParser(no_network=True)))
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == [f"{minute.number}.xml" for minute in minutes]
    for minute, path in zip(minutes, files, strict=True):
        data = path.read_bytes()
        assert data == bytes(MinutePdf.objects.get(minute=minute).cda)
        assert schema.validate(etree.ElementTree(parse(data))), schema.error_log
        assert out_of_value_sets(parse(data)) == []
    entries = [entry for minute in minutes for entry in care_plan_entries(minute.snapshot)]
    kinds = {line["kind"] for minute in minutes for line in minute.snapshot["decision"]["lines"]}
    assert kinds == {"bma", "exams", "surgery", "radiotherapy", "analgesia", "surveillance"}
    assert len(entries) == sum(len(minute.snapshot["decision"]["lines"]) for minute in minutes)
    assert [(e.kind, e.mood) for e in entries if e.mood == "procedure" and e.code is None] == []
    assert {e.kind: e.mood for e in entries if e.mood != "procedure"} == {
        "exams": "exam",
        "surveillance": "surveillance",
    }


def test_every_kind_of_proposal_line_has_its_place_in_the_care_plan():
    """A treatment coded in JDV_TypeTraitement_FRCP_CISIS, except a systemic treatment (its class,
    chemotherapy or targeted or immunotherapy, is not recorded: unknown); an exam or a surveillance as
    such."""
    from rcp.interop.frcp import care_plan_entries
    from rcp.proposals import Kind

    snapshot = {"decision": {"lines": [{"kind": kind, "text": str(label)} for kind, label in Kind.choices]}}
    entries = {entry.kind: entry for entry in care_plan_entries(snapshot)}

    assert len(entries) == len(Kind.choices)
    assert [kind for kind, e in entries.items() if e.mood == "procedure" and e.code is None] == ["systemic"]
    assert entries["exams"].mood == "exam" and entries["surveillance"].mood == "surveillance"
