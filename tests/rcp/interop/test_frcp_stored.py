"""The Fiche RCP the worker makes with the minute's PDF (rcp/documents.py): stored beside it with its
SHA-256 in the insert-only MinutePdf row, embedded in the PDF/A-3 as a second associated file, served by
the download, checked by verify_minutes."""

import hashlib
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from rcp.integrity import verify_minute
from rcp.interop import frcp
from rcp.interop.frcp import config_for, frcp_cda
from rcp.models import Decision, Minute, MinutePdf
from rcp.services import amend_decision, validate_decision
from tests.factories import CaseFactory, PatientFactory, PrimaryTumourFactory, started_meeting
from tests.rcp.interop.test_frcp import NS, SCHEMA, errors, out_of_value_sets, parse
from tests.rcp.test_integrity import triggers_dropped
from tests.tasks import minute_pdf, run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(centre, chair):
    centre.finess, centre.ipp_oid = "750100125", "2.999.1.1"
    centre.save()
    chair.rpps = "10001234567"
    chair.save()
    return started_meeting(centre=centre, chair=chair, deputy=None)


def validated(meeting, chair) -> Minute:
    patient = PatientFactory(centre=meeting.board.centre)
    PrimaryTumourFactory(patient=patient)
    case = CaseFactory(meeting=meeting, patient=patient, question="Radiothérapie de T11 ?")
    draft = Decision.objects.create(
        case=case,
        proposals={"radiotherapy": {"site": "T11", "scheme": "8x1"}, "surveillance": {}},
        free_text="Radiothérapie 8 Gy en une fraction.",
        general_practitioner="Dr Jeanne Martin, Dijon",
        conforms=True,
        updated_by=chair,
    )
    return validate_decision(decision=draft, user=chair)


def associated_files(pdf: bytes) -> dict:
    """{file name: (AFRelationship, MIME type, bytes)} of the PDF catalog's associated files (/AF)."""
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    files = {}
    for reference in catalog["/AF"]:
        spec = reference.get_object()
        embedded = spec["/EF"]["/F"].get_object()
        files[spec["/UF"]] = (spec["/AFRelationship"], embedded["/Subtype"], embedded.get_data())
    return files


def test_the_worker_stores_the_cda_beside_the_pdf_and_embeds_it_as_a_second_associated_file(meeting, chair):
    minute = validated(meeting, chair)
    pdf = minute_pdf(minute)
    stored = MinutePdf.objects.get(minute=minute)
    cda = bytes(stored.cda)

    # The CDA of the frozen snapshot, stored with its SHA-256.
    assert cda == frcp_cda(minute.snapshot, config=config_for(minute))
    assert stored.cda_sha256 == hashlib.sha256(cda).hexdigest()
    # Both files embedded, the CDA as the same minute in another form; the bytes are the stored ones.
    name = f"{minute.number}-v1-frcp.xml"
    reader = PdfReader(io.BytesIO(pdf))
    assert sorted(reader.attachments) == sorted(["decision.json", name])
    assert reader.attachments[name] == [cda]
    files = associated_files(pdf)
    assert {key: value[:2] for key, value in files.items()} == {
        "decision.json": ("/Data", "/application/json"),
        name: ("/Alternative", "/text/xml"),
    }
    assert hashlib.sha256(files[name][2]).hexdigest() == stored.cda_sha256
    # Valid against the CDA R2 schema, every bound code in its value set.
    schema = etree.XMLSchema(etree.parse(str(SCHEMA), etree.XMLParser(no_network=True)))
    assert errors(schema, cda) == []
    assert out_of_value_sets(parse(cda)) == []
    assert verify_minute(Minute.objects.get(pk=minute.pk)).ok


def test_an_amendment_stores_and_embeds_its_own_version_of_the_same_set(meeting, chair):
    first = validated(meeting, chair)
    amendment = amend_decision(decision=first.decision, user=chair)
    Decision.objects.filter(pk=amendment.pk).update(amendment_reason="Dose corrigée.")
    second = validate_decision(decision=amendment, user=chair)
    run_tasks()
    one, two = (parse(bytes(MinutePdf.objects.get(minute=m).cda)) for m in (first, second))

    assert one.xpath("c:setId/@root", namespaces=NS) == two.xpath("c:setId/@root", namespaces=NS)
    assert two.xpath("c:versionNumber/@value", namespaces=NS) == ["2"]
    assert two.xpath("c:relatedDocument[@typeCode='RPLC']/c:parentDocument/c:id/@root", namespaces=NS) == (
        one.xpath("c:id/@root", namespaces=NS)
    )
    reader = PdfReader(io.BytesIO(bytes(MinutePdf.objects.get(minute=second).pdf)))
    assert f"{second.number}-v2-frcp.xml" in reader.attachments


def test_the_download_serves_the_stored_cda_and_the_page_shows_both_sha256(
    meeting, chair, clinician, client_for, monkeypatch
):
    minute = validated(meeting, chair)
    run_tasks()
    stored = MinutePdf.objects.get(minute=minute)
    # Whatever the generator makes today, the download is the CDA archived with the PDF.
    monkeypatch.setattr(frcp, "frcp_cda", lambda snapshot, config: b"<not-the-stored-one/>")
    client = client_for(clinician)

    response = client.get(reverse("rcp:minute_cda", args=[minute.pk]))

    assert response.status_code == 200
    assert response.content == bytes(stored.cda)
    assert f'filename="{minute.number}-v1-frcp.xml"' in response["Content-Disposition"]
    page = client.get(reverse("rcp:decision_read", args=[minute.decision_id])).content.decode()
    assert f'data-sha256="pdf">{stored.sha256}<' in page
    assert f'data-sha256="cda">{stored.cda_sha256}<' in page


def test_a_minute_rendered_before_the_cda_was_stored_has_it_made_from_its_snapshot(
    meeting, chair, clinician, client_for
):
    minute = validated(meeting, chair)
    run_tasks()
    with triggers_dropped():  # as the rows rendered before migration 0012
        MinutePdf._base_manager.filter(minute=minute).update(cda=None, cda_sha256="")
    client = client_for(clinician)

    assert verify_minute(Minute.objects.get(pk=minute.pk)).ok
    response = client.get(reverse("rcp:minute_cda", args=[minute.pk]))
    assert response.content == frcp_cda(minute.snapshot, config=config_for(minute))
    page = client.get(reverse("rcp:decision_read", args=[minute.decision_id])).content.decode()
    assert 'data-sha256="pdf"' in page and 'data-sha256="cda"' not in page


@pytest.mark.parametrize(
    "forged",
    [
        {"cda": b"<ClinicalDocument>forged</ClinicalDocument>"},
        {"cda": None},  # removed, its SHA-256 left
        {"cda_sha256": "0" * 64},
    ],
)
def test_a_stored_cda_that_no_longer_matches_its_sha256_is_detected_and_not_served(
    meeting, chair, client_for, forged, tmp_path
):
    minute = validated(meeting, chair)
    run_tasks()
    with triggers_dropped():
        MinutePdf._base_manager.filter(minute=minute).update(**forged)

    assert verify_minute(Minute.objects.get(pk=minute.pk)).problems == ("cda",)
    assert client_for(chair).get(reverse("rcp:minute_cda", args=[minute.pk])).status_code == 500
    with pytest.raises(CommandError):
        call_command("verify_minutes", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("export_frcp", str(tmp_path), stdout=StringIO())
    assert list(tmp_path.iterdir()) == []


def test_the_stored_cda_row_refuses_changes_like_the_pdf(meeting, chair):
    from django.db import IntegrityError, connection, transaction

    minute = validated(meeting, chair)
    run_tasks()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rcp_minutepdf SET cda = NULL, cda_sha256 = '' WHERE minute_id = %s", [minute.pk]
        )
