"""The access log (rcp/accounts/audit.py, rcp/views/audit.py): every page that shows a patient's data
writes one row, in one INSERT; a centre's privacy officer reads, filters and exports their centre's rows
and no record; nothing can change or delete a row, not the site, the admin, the ORM or SQL (triggers, on
SQLite and PostgreSQL)."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from rcp import integrity
from rcp.accounts import audit
from rcp.accounts.models import AccessLog, ImmutableLogError
from rcp.documents import request_meeting_document
from rcp.models import Decision, GeneratedDocument
from rcp.services import validate_decision
from tests.factories import (
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    CentreFactory,
    ExamFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
    UserFactory,
)
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db

Kind = AccessLog.Kind
PATIENT_SCORES = ["tokuhashi", "tomita", "rades", "modified_bauer", "van_der_linden"]
SPINAL_SCORES = ["sins", "bilsky"]


@pytest.fixture
def privacy(centre):
    return UserFactory(username="privacy", centre=centre, specialty="", role="privacy_officer")


@pytest.fixture
def other_privacy(other_centre):
    return UserFactory(username="privacy-b", centre=other_centre, specialty="", role="privacy_officer")


@pytest.fixture
def board(centre, chair, client_for):
    """A started meeting of centre A with two cases: the patient's (a validated decision, its minute, a
    saved SINS score, a spinal lesion) and another patient's."""
    meeting = MeetingFactory(
        board=BoardFactory(centre=centre), chair=chair, starts_at=timezone.now() - timedelta(hours=1)
    )
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty, guest_name=f"Dr {specialty}")
    patient = PatientFactory(centre=centre, family_name="Lecteur", hospital_id="IPP-LOG-1")
    PrimaryTumourFactory(patient=patient)
    lesion = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="T11")
    case = CaseFactory(meeting=meeting, patient=patient, position=1)
    decision = Decision.objects.create(
        case=case, free_text="Radiothérapie 8 Gy.", conforms=True, updated_by=chair
    )
    minute = validate_decision(decision=decision, user=chair)
    other = PatientFactory(centre=centre, family_name="Voisin")
    PrimaryTumourFactory(patient=other)
    CaseFactory(meeting=meeting, patient=other, position=2)
    saved = client_for(chair).post(
        reverse("patients:lesion_score", args=[patient.pk, lesion.lesion_id, "sins"]),
        {
            "location": "junctional",
            "pain": "mechanical",
            "lesion": "lytic",
            "alignment": "normal",
            "collapse": "none",
            "posterolateral": "none",
            "save": "1",
        },
    )
    assert saved.status_code == 302
    documents = {
        kind: request_meeting_document(meeting=meeting, kind=kind, user=chair)
        for kind in (GeneratedDocument.Kind.MEETING_DOSSIER, GeneratedDocument.Kind.MEETING_MINUTES)
    }
    run_tasks()
    return {
        "documents": documents,
        "meeting": meeting,
        "patient": patient,
        "other": other,
        "lesion": lesion,
        "case": case,
        "decision": decision,
        "minute": minute,
    }


def document_url(board, slug, kind):
    return reverse("rcp:meeting_document_pdf", args=[board["meeting"].pk, slug, board["documents"][kind].pk])


def crawl(board):
    """(url, kind, whether every patient on the agenda is logged) for every page of the patient."""
    patient, meeting, case = board["patient"], board["meeting"], board["case"]
    pages = [
        (reverse("patients:detail", args=[patient.pk]), Kind.RECORD, False),
        (reverse("patients:edit", args=[patient.pk]), Kind.RECORD, False),
        (reverse("patients:tumour", args=[patient.pk]), Kind.RECORD, False),
        (reverse("patients:history", args=[patient.pk]), Kind.HISTORY, False),
        *[(reverse("patients:score", args=[patient.pk, slug]), Kind.SCORE, False) for slug in PATIENT_SCORES],
        *[
            (
                reverse("patients:lesion_score", args=[patient.pk, board["lesion"].lesion_id, slug]),
                Kind.SCORE,
                False,
            )
            for slug in SPINAL_SCORES
        ],
        (reverse("rcp:case", args=[case.pk]), Kind.DOSSIER, False),
        (reverse("rcp:present", args=[meeting.pk, 1]), Kind.PRESENTATION, False),
        (reverse("rcp:decision", args=[case.pk]), Kind.DECISION, False),
        (reverse("rcp:decision_read", args=[board["decision"].pk]), Kind.DECISION, False),
        (reverse("rcp:case_decision_read", args=[case.pk]), Kind.DECISION, False),
        (reverse("rcp:minute_pdf", args=[board["minute"].pk]), Kind.DOWNLOAD, False),
        (reverse("rcp:minute_pdf", args=[board["minute"].pk]) + "?download=1", Kind.DOWNLOAD, False),
        (reverse("rcp:patient_minutes", args=[patient.pk]), Kind.MINUTE, False),
        (reverse("rcp:meeting_dossier", args=[meeting.pk]), Kind.DOSSIER, True),
        (
            reverse(
                "rcp:meeting_document_pdf",
                args=[meeting.pk, "dossier", board["documents"]["meeting_dossier"].pk],
            ),
            Kind.DOWNLOAD,
            True,
        ),
        (
            reverse(
                "rcp:meeting_document_pdf",
                args=[meeting.pk, "minutes", board["documents"]["meeting_minutes"].pk],
            ),
            Kind.DOWNLOAD,
            False,
        ),
    ]
    return pages


def inserts(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]


# --- writing: one row per request, one INSERT ----------------------------------------------------------


def test_a_crawl_of_every_page_of_a_patient_fills_the_log_one_insert_per_request(board, chair, client_for):
    client = client_for(chair)
    patient, other = board["patient"], board["other"]
    for url, kind, agenda in crawl(board):
        last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        assert len(inserts(queries)) == 1, (url, inserts(queries))
        assert "accounts_accesslog" in inserts(queries)[0], url
        rows = list(AccessLog.objects.filter(pk__gt=last).order_by("pk"))
        expected = [patient.pk, other.pk] if agenda else [patient.pk]
        assert [row.patient_id for row in rows] == expected, url
        for row in rows:
            assert (row.user_id, row.username, row.kind, row.method) == (chair.pk, "chair", kind, "GET"), url
            assert row.centre_id == patient.centre_id and row.path == url and row.ip == "127.0.0.1"
            assert row.at <= timezone.now()
    whats = set(AccessLog.objects.filter(patient=patient).values_list("what", flat=True))
    minute = board["minute"]
    assert f"minute={minute.number} v{minute.version}" in whats
    assert f"score=sins lesion={board['lesion'].lesion_id}" in whats and "score=tokuhashi" in whats
    assert f"case={board['case'].pk} decision={board['decision'].pk} v1" in whats


def test_lists_writes_and_the_live_score_leave_no_row(board, clinician, client_for):
    # The lists show identities, not records; a write is in the history of changes; the live score
    # fragment shows the inputs being typed.
    client = client_for(clinician)
    patient = board["patient"]
    before = AccessLog.objects.count()
    assert client.get(reverse("patients:list")).status_code == 200
    assert client.post(reverse("patients:list"), {"q": "Lecteur"}).status_code == 200
    assert client.get(reverse("rcp:meetings")).status_code == 200
    assert client.get(reverse("rcp:meeting", args=[board["meeting"].pk])).status_code == 200
    url = reverse("patients:lesion_score", args=[patient.pk, board["lesion"].lesion_id, "sins"])
    assert client.post(url, {"pain": "mechanical"}, HTTP_HX_REQUEST="true").status_code == 200
    edit = client.post(
        reverse("patients:edit", args=[patient.pk]),
        {
            "family_name": "Lecteur",
            "given_names": "Jeanne",
            "birth_date": "14/03/1958",
            "sex": "female",
            "hospital_id": "IPP-LOG-1",
        },
    )
    assert edit.status_code == 302
    assert AccessLog.objects.count() == before


def test_another_centres_patient_answers_404_and_leaves_no_row(board, outsider, client_for):
    client = client_for(outsider)
    before = AccessLog.objects.count()
    assert client.get(reverse("patients:detail", args=[board["patient"].pk])).status_code == 404
    assert client.get(reverse("rcp:minute_pdf", args=[board["minute"].pk])).status_code == 404
    assert AccessLog.objects.count() == before


def test_behind_a_proxy_the_client_address_is_logged(board, chair, client_for, settings):
    settings.PROXY_COUNT = 1
    client_for(chair).get(
        reverse("patients:history", args=[board["patient"].pk]), HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert AccessLog.objects.latest("pk").ip == "203.0.113.7"


# --- the privacy officer --------------------------------------------------------------------------------


@pytest.fixture
def logged(board, chair, clinician, outsider, client_for):
    """Rows in both centres: the chair and the clinician open centre A's patients, the outsider their own."""
    client_for(chair).get(reverse("patients:detail", args=[board["patient"].pk]))
    client_for(clinician).get(reverse("patients:history", args=[board["other"].pk]))
    theirs = PatientFactory(centre=outsider.centre, family_name="Ailleurs")
    client_for(outsider).get(reverse("patients:detail", args=[theirs.pk]))
    return {**board, "theirs": theirs}


def audit_page(client, **params):
    return client.get(reverse("audit"), params)


def test_the_privacy_officer_reads_only_their_centres_log(logged, privacy, other_privacy, client_for):
    page = audit_page(client_for(privacy)).content.decode()
    assert "LECTEUR" in page and "VOISIN" in page and "AILLEURS" not in page
    assert AccessLog.objects.visible_to(privacy).exclude(centre=privacy.centre).count() == 0
    theirs = audit_page(client_for(other_privacy)).content.decode()
    assert "AILLEURS" in theirs and "LECTEUR" not in theirs


def test_the_privacy_officer_filters_by_patient_user_kind_and_dates(logged, privacy, chair, client_for):
    client = client_for(privacy)
    patient = logged["patient"]
    response = audit_page(client, patient=patient.pk)
    assert {row.patient_id for row in response.context["rows"]} == {patient.pk}
    assert "IPP-LOG-1" in response.content.decode()  # the patient's identity above the rows
    response = audit_page(client, user=chair.pk)
    assert response.context["rows"] and {row.user_id for row in response.context["rows"]} == {chair.pk}
    response = audit_page(client, kind="history")
    assert [row.patient_id for row in response.context["rows"]] == [logged["other"].pk]
    today = timezone.localdate()
    assert audit_page(client, since=today.isoformat(), until=today.isoformat()).context["rows"]
    assert not audit_page(client, until=(today - timedelta(days=1)).isoformat()).context["rows"]


def test_a_patient_is_found_by_ipp_through_a_post(logged, privacy, client_for):
    client = client_for(privacy)
    response = client.post(reverse("audit"), {"q": "IPP-LOG-1"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('audit')}?patient={logged['patient'].pk}"
    # Nothing of another centre is found, and the reason shows beside the field.
    response = client.post(reverse("audit"), {"q": "Ailleurs"})
    assert response.status_code == 400
    assert response.context["search"].errors["q"] == [
        "Aucun patient de votre centre ne correspond à cette recherche."
    ]
    assert 'value="Ailleurs"' in response.content.decode()  # what was typed stays


def test_bad_filters_answer_400_with_the_reason_beside_the_field(logged, privacy, client_for):
    client = client_for(privacy)
    today = timezone.localdate()
    response = audit_page(client, since=today.isoformat(), until=(today - timedelta(days=2)).isoformat())
    assert response.status_code == 400
    assert response.context["form"].errors["until"] == ["La date de fin est antérieure à la date de début."]
    assert audit_page(client, patient=logged["theirs"].pk).status_code == 400  # another centre's patient
    assert audit_page(client, since="hier").status_code == 400
    assert client.get(reverse("audit_export"), {"since": "hier"}).status_code == 400  # nothing exported


def test_the_csv_export_holds_the_filtered_rows_and_is_logged(logged, privacy, client_for):
    client = client_for(privacy)
    patient = logged["patient"]
    response = client.get(reverse("audit_export"), {"patient": patient.pk}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == [
        "Date et heure",
        "Utilisateur",
        "Identifiant de connexion",
        "Patient",
        "IPP",
        "Type d’accès",
        "Objet",
        "Adresse de la page",
        "Méthode",
        "Adresse IP",
    ]
    data = lines[1:]
    chair_row = next(line for line in data if line[2] == "chair")
    assert chair_row[3:6] == [f"LECTEUR {patient.given_names}", "IPP-LOG-1", "Dossier patient"]
    assert chair_row[7:] == [reverse("patients:detail", args=[patient.pk]), "GET", "127.0.0.1"]
    assert all(line[4] == "IPP-LOG-1" for line in data)
    export = AccessLog.objects.latest("pk")  # the export itself, written before the rows were read
    assert (export.user_id, export.kind, export.what, export.patient_id) == (
        privacy.pk,
        Kind.DOWNLOAD,
        "access log export.csv",
        patient.pk,
    )
    assert [line for line in data if line[2] == "privacy"]


def test_a_formula_in_a_name_is_exported_as_text(board, chair, privacy, client_for):
    patient = PatientFactory(centre=board["patient"].centre, family_name="=HYPERLINK(1)")
    client_for(chair).get(reverse("patients:history", args=[patient.pk]))
    body = b"".join(client_for(privacy).get(reverse("audit_export")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body and ";=HYPERLINK" not in body


@pytest.mark.parametrize("role", ["clinician", "coordinator", "chair", "viewer"])
def test_other_roles_get_403_on_the_log(role, centre, client_for):
    client = client_for(UserFactory(username=f"{role}-x", centre=centre, role=role))
    assert client.get(reverse("audit")).status_code == 403
    assert client.get(reverse("audit_export")).status_code == 403


def test_the_privacy_officer_reads_records_read_only_and_each_read_is_logged(board, privacy, client_for):
    client = client_for(privacy)
    patient = board["patient"]
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    assert client.get(reverse("patients:edit", args=[patient.pk])).status_code == 403
    row = AccessLog.objects.filter(user=privacy).latest("pk")
    assert (row.patient_id, row.kind) == (patient.pk, "record")
    assert m.Patient.objects.visible_to(privacy).exists()


def test_the_patient_page_shows_who_opened_it_to_a_privacy_officer_only(
    board, chair, clinician, privacy, client_for
):
    patient = board["patient"]
    url = reverse("patients:detail", args=[patient.pk])
    client_for(clinician).get(url)
    assert (
        "Who opened this record" not in client_for(chair).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    page = client_for(privacy).get(url, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Who opened this record" in html
    accesses = page.context["accesses"]
    assert [a.user_id for a in accesses[:3]] == [privacy.pk, chair.pk, clinician.pk]
    assert f"{reverse('audit')}?patient={patient.pk}" in html


def test_queries_do_not_grow_with_the_log(board, chair, privacy, client_for, django_assert_max_num_queries):
    patient = board["patient"]
    referent = UserFactory(username="referent", centre=patient.centre, role="clinician")
    referent.groups.add(*type(referent.groups.first()).objects.filter(name="privacy_officer"))
    officer, reader, chair_client = client_for(privacy), client_for(referent), client_for(chair)
    detail = reverse("patients:detail", args=[patient.pk])

    def counts():
        with CaptureQueriesContext(connection) as log_page:
            assert audit_page(officer, patient=patient.pk).status_code == 200
        with CaptureQueriesContext(connection) as export:
            b"".join(officer.get(reverse("audit_export")).streaming_content)
        cache.clear()  # the record as rendered afresh: the page caches it under its stamp
        with CaptureQueriesContext(connection) as panel:
            reader.get(detail)
        return len(log_page), len(export), len(panel)

    few = counts()
    for _ in range(3):  # more than a page of rows (50), and more than the panel's 20
        for slug in PATIENT_SCORES:
            for _ in range(4):
                chair_client.get(reverse("patients:score", args=[patient.pk, slug]))
    assert AccessLog.objects.filter(patient=patient).count() > 60
    assert counts() == few
    # The log page: session, user, the verified second-factor device, the user's permissions (user's and
    # groups'), the patient of the filter, the centre's users for the choice, one page of rows with their
    # users and patients.
    with django_assert_max_num_queries(9):
        audit_page(officer, patient=patient.pk)


def test_the_log_is_paged_without_counting_it(board, chair, privacy, client_for):
    client = client_for(chair)
    for _ in range(55):
        client.get(reverse("patients:history", args=[board["patient"].pk]))
    officer = client_for(privacy)
    first = audit_page(officer)
    assert len(first.context["rows"]) == 50 and first.context["older_url"].endswith("page=2")
    second = officer.get(first.context["older_url"])
    assert len(second.context["rows"]) == 5 and second.context["older_url"] is None
    assert not {r.pk for r in first.context["rows"]} & {r.pk for r in second.context["rows"]}


# --- the log cannot be changed ------------------------------------------------------------------------


@pytest.fixture
def row(board, chair, client_for):
    client_for(chair).get(reverse("patients:history", args=[board["patient"].pk]))
    return AccessLog.objects.latest("pk")


def test_the_model_refuses_to_change_or_delete_a_row(row):
    written = row.what
    row.what = "forged"
    with pytest.raises(ImmutableLogError):
        row.save()
    with pytest.raises(ImmutableLogError):
        row.delete()
    with pytest.raises(ImmutableLogError):
        AccessLog.objects.filter(pk=row.pk).update(what="forged")
    with pytest.raises(ImmutableLogError):
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.get(pk=row.pk).what == written


def test_a_logged_patient_or_user_cannot_be_deleted(row):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        row.patient.delete()
    with pytest.raises(ProtectedError):
        row.user.delete()


def test_the_admin_shows_the_log_read_only(row, privacy, client_for):
    model_admin = admin.site._registry[AccessLog]
    assert model_admin.actions is None
    privacy.is_staff = True
    privacy.save(update_fields=["is_staff"])
    client = client_for(privacy)
    changelist = client.get(reverse("admin:accounts_accesslog_changelist"))
    assert changelist.status_code == 200 and row.username in changelist.content.decode()
    assert not changelist.context["has_add_permission"]
    assert 'name="action"' not in changelist.content.decode()  # no bulk action, "delete selected" included
    change = reverse("admin:accounts_accesslog_change", args=[row.pk])
    page = client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content  # a view, not a form
    assert client.post(change, {"what": "forged"}).status_code == 403
    delete = reverse("admin:accounts_accesslog_delete", args=[row.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:accounts_accesslog_add")).status_code == 403
    assert AccessLog.objects.get(pk=row.pk).what == row.what


def refused(sql, params=()):
    with pytest.raises(IntegrityError, match=audit.REFUSED), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_accesslog SET what = 'forged' WHERE id = %s",
        "UPDATE accounts_accesslog SET what = what WHERE id = %s",  # even to the same value
        "DELETE FROM accounts_accesslog WHERE id = %s",
    ],
)
def test_raw_sql_cannot_update_or_delete_a_row(row, sql):
    refused(sql, [row.pk])
    assert AccessLog.objects.filter(pk=row.pk, what=row.what).exists()


def test_writes_below_the_orm_guards_are_refused(row):
    with pytest.raises(IntegrityError, match=audit.REFUSED), transaction.atomic():
        AccessLog._base_manager.filter(pk=row.pk).update(what="forged")
    with pytest.raises(IntegrityError, match=audit.REFUSED), transaction.atomic():
        row.what = "forged"
        row.save_base(force_update=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(row):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    refused("TRUNCATE accounts_accesslog")
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_the_maintenance_flag_is_rcp_integritys():
    # One flag lets flush through every guarded table: these names must stay rcp/integrity.py's.
    assert (audit.MAINTENANCE_SETTING, audit.MAINTENANCE_TABLE) == (
        integrity.MAINTENANCE_SETTING,
        integrity.MAINTENANCE_TABLE,
    )


class FakeRequest:
    method = "GET"
    META = {"REMOTE_ADDR": "192.0.2.1"}

    def __init__(self, user):
        self.user = user

    def get_full_path(self):
        return "/"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_the_triggers():
    # The suite flushes after each transactional test (the browser tests): let through, and only it.
    centre = CentreFactory(name="Centre F")
    patient = PatientFactory(centre=centre)
    audit.log_access(
        FakeRequest(UserFactory(username="reader-f", centre=centre)), Kind.RECORD, patient=patient
    )
    call_command("flush", interactive=False, verbosity=0)
    assert not AccessLog.objects.exists()
    audit.log_access(
        FakeRequest(UserFactory(username="reader-g", centre=CentreFactory(name="G"))), Kind.DOWNLOAD
    )
    refused("DELETE FROM accounts_accesslog")  # the permission ended with the flush
    assert AccessLog.objects.count() == 1


def test_migrate_puts_back_triggers_lost_with_a_rebuilt_table(row):
    # SQLite rebuilds a table to alter it: its triggers go with the old one.
    audit.drop_triggers(connection)
    if connection.vendor == "sqlite":
        assert not audit.triggers_installed(connection)
    call_command("migrate", verbosity=0)
    assert audit.triggers_installed(connection)
    refused("DELETE FROM accounts_accesslog WHERE id = %s", [row.pk])
