"""Minutes that cannot be altered unseen (rcp/integrity.py): database triggers refuse what the ORM's
guards cannot see (raw SQL, `_base_manager`, `save_base`); with the triggers gone (a database owner
can drop them), the SHA-256 and the chain of each centre's minutes show the forgery: the PDF is not
served, the page says "altered", `verify_minutes` names the first break. Run on SQLite and PostgreSQL."""

import hashlib
import json
import logging
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from rcp.integrity import (
    GENESIS,
    chain_hash,
    drop_triggers,
    install_triggers,
    minute_chain_hash,
    verify_chain,
    verify_minute,
)
from rcp.models import Decision, GeneratedDocument, Minute, MinutePdf
from rcp.services import amend_decision, validate_decision
from tests.factories import (
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    CentreFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
    UserFactory,
)
from tests.tasks import minute_pdf, run_tasks

pytestmark = pytest.mark.django_db

REFUSED = "rcp integrity"  # the triggers' messages start so


def started_meeting(centre, chair):
    meeting = MeetingFactory(
        board=BoardFactory(centre=centre), chair=chair, starts_at=timezone.now() - timedelta(hours=1)
    )
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty, guest_name=f"Dr {specialty}")
    return meeting


@pytest.fixture
def meeting(centre, chair):
    return started_meeting(centre, chair)


def draft(meeting, chair, patient=None) -> Decision:
    patient = patient or PatientFactory(centre=meeting.board.centre)
    if not hasattr(patient, "primary_tumour"):
        PrimaryTumourFactory(patient=patient)
    case = CaseFactory(meeting=meeting, patient=patient, question="Radiothérapie de T11 ?")
    return Decision.objects.create(
        case=case, free_text="Radiothérapie 8 Gy en une fraction.", conforms=True, updated_by=chair
    )


@pytest.fixture
def validated(meeting, chair):
    """validated(patient=None) -> the minute of a new case's decision, validated by the chair."""

    def make(patient=None) -> Minute:
        return validate_decision(decision=draft(meeting, chair, patient), user=chair)

    return make


def amend(minute, chair) -> Minute:
    amendment = amend_decision(decision=minute.decision, user=chair)
    Decision.objects.filter(pk=amendment.pk).update(amendment_reason="Dose corrigée.")
    return validate_decision(decision=amendment, user=chair)


@contextmanager
def triggers_dropped():
    """Play the database owner: drop the triggers (then put them back, as the test's rollback would)."""
    drop_triggers(connection)
    try:
        yield
    finally:
        install_triggers(connection)


def refused(sql, params=()):
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def forge(minute, **fields):
    with triggers_dropped():
        Minute._base_manager.filter(pk=minute.pk).update(**fields)


FORGED_PDF = b"%PDF-1.7\n% forged: another decision\n%%EOF\n"


# --- the triggers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE rcp_minute SET sha256 = '0000' WHERE id = %s",
        "UPDATE rcp_minute SET number = number WHERE id = %s",  # even a change to the same value
        "DELETE FROM rcp_minute WHERE id = %s",
    ],
)
def test_raw_sql_cannot_update_or_delete_a_minute(validated, sql):
    minute = validated()
    refused(sql, [minute.pk])
    stored = Minute.objects.get(pk=minute.pk)
    assert (stored.sha256, bytes(stored.pdf)) == (minute.sha256, bytes(minute.pdf))


def test_writes_below_the_orm_guards_cannot_change_a_validated_decision_or_its_minute(validated):
    minute = validated()
    decision = minute.decision
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        Decision._base_manager.filter(pk=decision.pk).update(free_text="Chirurgie.")
    decision.free_text = "Chirurgie."
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        decision.save_base()  # skips Decision.save and its guard
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        Decision._base_manager.filter(pk=decision.pk)._raw_delete(using="default")  # no collector
    refused("UPDATE rcp_decision SET status = 'draft' WHERE id = %s", [decision.pk])
    refused("DELETE FROM rcp_decision WHERE id = %s", [decision.pk])
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        Minute._base_manager.filter(pk=minute.pk).update(pdf=FORGED_PDF)
    minute.sha256 = hashlib.sha256(FORGED_PDF).hexdigest()
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        minute.save_base()
    assert Decision.objects.get(pk=decision.pk).free_text == "Radiothérapie 8 Gy en une fraction."
    assert bytes(Minute.objects.get(pk=minute.pk).pdf) != FORGED_PDF


def test_a_draft_decision_still_changes_below_the_orm_and_is_validated(meeting, chair):
    decision = draft(meeting, chair)
    Decision._base_manager.filter(pk=decision.pk).update(free_text="Dénosumab.")
    decision.refresh_from_db()
    decision.deviation_text = "Précision."
    decision.save_base()
    assert validate_decision(decision=decision, user=chair).snapshot["decision"]["free_text"] == "Dénosumab."
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.VALIDATED  # draft -> validated
    other = draft(meeting, chair)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM rcp_decision WHERE id = %s", [other.pk])
    assert not Decision.objects.filter(pk=other.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
@pytest.mark.parametrize("table", ["rcp_minute", "rcp_minutepdf", "rcp_decision"])
def test_truncate_is_refused_on_postgresql(validated, table):
    validated()
    run_tasks()
    with connection.cursor() as cursor:  # PostgreSQL truncates nothing with foreign key checks pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    refused(f"TRUNCATE {table} CASCADE")
    assert Minute.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_flush_empties_minutes_and_keeps_the_triggers(validated):
    # The test suite flushes after each transactional test (the browser tests): on SQLite flush deletes
    # row by row, on PostgreSQL it truncates; both are let through, and only them.
    validated()
    run_tasks()
    assert MinutePdf.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not Minute.objects.exists() and not Decision.objects.exists() and not MinutePdf.objects.exists()
    centre = CentreFactory(name="Centre C")
    chair = UserFactory(username="chair-c", centre=centre, role="chair")
    minute = validate_decision(decision=draft(started_meeting(centre, chair), chair), user=chair)
    refused("DELETE FROM rcp_minute WHERE id = %s", [minute.pk])  # the permission ended with the flush
    run_tasks()
    refused("DELETE FROM rcp_minutepdf WHERE minute_id = %s", [minute.pk])


def test_migrate_puts_back_triggers_lost_with_a_rebuilt_table(validated):
    # SQLite rebuilds a table to alter it (most AddField and AlterField): its triggers go with the old one.
    minute = validated()
    run_tasks()
    drop_triggers(connection)
    call_command("migrate", verbosity=0)
    refused("UPDATE rcp_minute SET sha256 = '0000' WHERE id = %s", [minute.pk])
    refused("UPDATE rcp_minutepdf SET sha256 = '0000' WHERE minute_id = %s", [minute.pk])
    refused("DELETE FROM rcp_minutepdf WHERE minute_id = %s", [minute.pk])
    refused("UPDATE rcp_decision SET free_text = '' WHERE id = %s", [minute.decision_id])


# --- the chain ----------------------------------------------------------------------------------------


def test_each_centres_minutes_form_one_chain_amendments_included(validated, chair, other_centre):
    first = validated()
    second = validated()
    amended = amend(first, chair)
    assert [(m.position, m.previous_chain_sha256) for m in (first, second, amended)] == [
        (1, GENESIS),
        (2, first.chain_sha256),
        (3, second.chain_sha256),
    ]
    assert amended.number == first.number and amended.version == 2
    other_chair = UserFactory(username="chair-b", centre=other_centre, role="chair")
    elsewhere = validate_decision(
        decision=draft(started_meeting(other_centre, other_chair), other_chair), user=other_chair
    )
    assert (elsewhere.centre_id, elsewhere.position, elsewhere.previous_chain_sha256) == (
        other_centre.pk,
        1,
        GENESIS,
    )


def _canonical(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return [_canonical(v) for v in value] if isinstance(value, list) else value


def test_the_chain_hash_is_the_documented_recipe_of_what_was_read_back(validated):
    validated()
    minute = validated()
    minute = Minute.objects.get(pk=minute.pk)  # as read back (PostgreSQL's jsonb reorders the keys)
    content = {
        "centre": minute.centre_id,
        "decision": minute.decision_id,
        "number": minute.number,
        "pdf_sha256": "",  # rendered after the commit, by the worker: its SHA-256 is MinutePdf's
        "position": 2,
        "previous": Minute.objects.get(position=1).chain_sha256,
        "snapshot": minute.snapshot,
        "version": 1,
    }
    text = json.dumps(_canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert minute.chain_sha256 == hashlib.sha256(text.encode()).hexdigest()
    # A float read back as an integer (jsonb gives 1e16 back as 10000000000000000) hashes the same.
    fields = {"centre_id": 1, "position": 1, "decision_id": 1, "number": "n", "version": 1, "pdf_sha256": ""}
    assert chain_hash(previous=GENESIS, snapshot={"x": [1e16, 2.0]}, **fields) == chain_hash(
        previous=GENESIS, snapshot={"x": [10**16, 2]}, **fields
    )


def test_a_clean_chain_is_intact(validated, chair, client_for):
    first = validated()
    second = validated(first.decision.case.patient)
    third = amend(first, chair)
    out = StringIO()
    call_command("verify_minutes", stdout=out)  # no CommandError: exit status 0
    [line] = out.getvalue().splitlines()
    assert line.startswith("Centre A") and " 3 " in line and line.endswith(f" {third.chain_sha256})")
    assert all(verify_minute(m).ok for m in Minute.objects.all())
    response = client_for(chair).get(reverse("rcp:patient_minutes", args=[first.decision.case.patient_id]))
    assert response.content.decode().count('data-integrity="intact"') == 3
    assert 'data-integrity="altered"' not in response.content.decode()
    assert {first.pk, second.pk, third.pk} == set(Minute.objects.values_list("pk", flat=True))


def test_a_forged_minute_is_not_served_and_is_logged(validated, chair, client_for, caplog):
    minute = validated()
    client = client_for(chair)
    pdf_url = reverse("rcp:minute_pdf", args=[minute.pk])
    meeting = minute.decision.case.meeting
    client.post(reverse("rcp:meeting_document", args=[meeting.pk, "minutes"]))
    pdf = minute_pdf(minute)
    assert client.get(pdf_url).content == pdf
    document = GeneratedDocument.objects.get(kind="meeting_minutes")
    meeting_url = reverse("rcp:meeting_document_pdf", args=[meeting.pk, "minutes", document.pk])
    assert client.get(meeting_url).status_code == 200
    # The database owner rewrites the PDF and its SHA-256 together: each is consistent with the other.
    forge(minute, pdf=FORGED_PDF, sha256=hashlib.sha256(FORGED_PDF).hexdigest())
    with caplog.at_level(logging.ERROR, logger="rcp.integrity"):
        response = client.get(pdf_url)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert FORGED_PDF.decode() not in page and 'id="altered-minutes"' in page and minute.number in page
    [record] = [r for r in caplog.records if r.name == "rcp.integrity"]
    assert record.levelno == logging.ERROR
    assert record.minute_id == minute.pk and minute.number in record.getMessage()
    # The chain hash no longer matches; nor does the rendered PDF match the SHA-256 written into the minute.
    assert record.problems == ("pdf", "content")
    assert client.get(meeting_url).status_code == 500  # nor is the meeting's minutes file
    listing = client.get(reverse("rcp:patient_minutes", args=[minute.decision.case.patient_id]))
    assert 'data-integrity="altered"' in listing.content.decode()


def test_a_pdf_rewritten_without_its_hash_is_not_served(validated, chair, client_for):
    minute = validated()
    forge(minute, pdf=FORGED_PDF)
    response = client_for(chair).get(reverse("rcp:minute_pdf", args=[minute.pk]))
    assert response.status_code == 500
    assert verify_minute(Minute.objects.get(pk=minute.pk)).problems == ("pdf",)


def test_a_rendered_pdf_rewritten_without_its_hash_is_not_served(validated, chair, client_for):
    minute = validated()
    run_tasks()
    with triggers_dropped():
        MinutePdf._base_manager.filter(minute=minute).update(pdf=FORGED_PDF)
    response = client_for(chair).get(reverse("rcp:minute_pdf", args=[minute.pk]))
    assert response.status_code == 500
    assert verify_minute(Minute.objects.get(pk=minute.pk)).problems == ("pdf",)
    with pytest.raises(CommandError):
        call_command("verify_minutes", stdout=StringIO())


def test_a_minute_from_before_the_worker_checks_its_own_pdf_and_its_copy_against_the_chain(
    meeting, chair, client_for
):
    """Minutes numbered with their PDF inside (before the worker): migration 0008 copied it into MinutePdf;
    both must match the chained SHA-256."""
    old_pdf = b"%PDF-1.7\n% rendered at validation\n%%EOF\n"
    minute = validate_decision(decision=draft(meeting, chair), user=chair)
    sha = hashlib.sha256(old_pdf).hexdigest()
    minute.sha256, minute.pdf = sha, old_pdf
    forge(minute, pdf=old_pdf, sha256=sha, chain_sha256=minute_chain_hash(minute))
    GeneratedDocument.objects.filter(minute=minute).update(status="ready")
    MinutePdf.objects.create(minute=minute, pdf=old_pdf, sha256=sha)
    assert verify_minute(Minute.objects.get(pk=minute.pk)).ok
    assert client_for(chair).get(reverse("rcp:minute_pdf", args=[minute.pk])).content == old_pdf
    with triggers_dropped():  # the copy rewritten with a hash of its own: it no longer matches the chain
        MinutePdf._base_manager.filter(minute=minute).update(
            pdf=FORGED_PDF, sha256=hashlib.sha256(FORGED_PDF).hexdigest()
        )
    assert verify_minute(Minute.objects.get(pk=minute.pk)).problems == ("pdf",)


def test_verify_minutes_reports_the_first_break(validated, caplog):
    first, second, third = validated(), validated(), validated()
    forge(second, pdf=FORGED_PDF, sha256=hashlib.sha256(FORGED_PDF).hexdigest())
    out = StringIO()
    with pytest.raises(CommandError) as error, caplog.at_level(logging.ERROR, logger="rcp.integrity"):
        call_command("verify_minutes", stdout=out)
    assert error.value.returncode == 1
    [line] = out.getvalue().splitlines()
    assert second.number in line and f"id {second.pk}" in line and first.number in line
    assert third.number not in line
    assert [r.minute_id for r in caplog.records if r.name == "rcp.integrity"] == [second.pk]


def test_rewriting_a_minute_with_its_own_chain_hash_breaks_the_link_to_the_next(validated):
    first, second, third = validated(), validated(), validated()
    second.snapshot["decision"]["free_text"] = "Chirurgie de T11."
    second.sha256 = hashlib.sha256(FORGED_PDF).hexdigest()
    forge(second, pdf=FORGED_PDF, sha256=second.sha256, snapshot=second.snapshot)
    forge(second, chain_sha256=minute_chain_hash(second))  # consistent with itself now
    report = verify_chain(first.centre)
    assert report.first_break.minute.pk == third.pk and report.first_break.problems == ("previous",)
    assert report.before_break.pk == second.pk
    # Its own page shows it too: the next minute no longer points at it.
    assert verify_minute(Minute.objects.get(pk=second.pk)).problems == ("next",)
    with pytest.raises(CommandError):
        call_command("verify_minutes", stdout=StringIO())


def test_a_missing_minute_breaks_the_chain(validated):
    first, second, third = validated(), validated(), validated()
    GeneratedDocument.objects.filter(minute=second).delete()
    with triggers_dropped():
        Minute._base_manager.filter(pk=second.pk)._raw_delete(using="default")
    report = verify_chain(first.centre)
    assert (report.first_break.minute.pk, report.first_break.problems) == (third.pk, ("previous",))


def test_patient_minutes_list_verifies_each_minute_in_one_query(
    validated, chair, client_for, patient, django_assert_max_num_queries
):
    client = client_for(chair)
    url = reverse("rcp:patient_minutes", args=[patient.pk])
    minute = validated(patient)
    # session, user, the chair's second factor, the user's permissions (user's, groups': reading needs a
    # role), patient, the access log's INSERT, its minutes with their PDFs, their neighbours in their
    # chains, the centre
    with django_assert_max_num_queries(10):
        assert client.get(url).content.decode().count('data-integrity="intact"') == 1
    validated(patient)
    amend(minute, chair)
    with django_assert_max_num_queries(10):  # the same ten for three minutes
        assert client.get(url).content.decode().count('data-integrity="intact"') == 3


def test_the_decision_page_shows_an_intact_minute_and_refuses_a_forged_one(validated, chair, client_for):
    minute = validated()
    client = client_for(chair)
    url = reverse("rcp:decision_read", args=[minute.decision_id])
    page = client.get(url).content.decode()
    assert 'id="integrity"' in page and 'data-integrity="intact"' in page
    forge(minute, snapshot={**minute.snapshot, "free_text": "forged"})
    response = client.get(url)
    assert response.status_code == 500
    assert 'id="altered-minutes"' in response.content.decode()
