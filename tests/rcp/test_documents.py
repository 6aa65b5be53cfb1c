"""The PDFs made by the worker (rcp/documents.py) on the database backend, as in production: rendered
after the validation committed, retried, never twice, resumed after a killed worker; the pages that follow
them; another centre's are not found."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rcp import documents
from rcp.documents import produce_document, request_meeting_document
from rcp.models import Decision, GeneratedDocument, MinutePdf
from rcp.services import validate_decision
from tests.factories import CaseFactory, PrimaryTumourFactory, started_meeting
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db

Status = GeneratedDocument.Status


@pytest.fixture
def meeting(centre, chair, deputy):
    return started_meeting(centre=centre, chair=chair, deputy=deputy)


@pytest.fixture
def validate(meeting, chair):
    def make():
        case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
        PrimaryTumourFactory(patient=case.patient)
        draft = Decision.objects.create(case=case, free_text="Radiothérapie 8 Gy.", conforms=True)
        return validate_decision(decision=draft, user=chair)

    return make


@pytest.fixture
def renders(monkeypatch):
    """The calls to the minute renderer; `renders.fail` makes the next ones raise."""
    from rcp import minutes

    real = minutes.render_minute
    calls = []

    def render(snapshot, **kwargs):
        calls.append(snapshot["validation"]["number"])
        if len(calls) <= render.failures:
            raise OSError("font cache locked")
        return real(snapshot, **kwargs)

    render.failures = 0
    calls_holder = type("Renders", (), {})()
    calls_holder.calls = calls
    calls_holder.render = render
    monkeypatch.setattr(minutes, "render_minute", render)
    return calls_holder


def test_validation_queues_the_render_and_the_worker_renders_after_the_commit(validate, renders):
    minute = validate()
    # Nothing rendered inside the validation (nor under its chain and number locks): the task is queued
    # in its transaction.
    assert renders.calls == [] and not MinutePdf.objects.exists()
    job = GeneratedDocument.objects.get(minute=minute)
    assert job.status == Status.QUEUED
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.READY
    assert run_tasks() == 1
    assert renders.calls == [minute.number]
    job.refresh_from_db()
    assert job.status == Status.READY and job.attempts == 1
    assert MinutePdf.objects.get(minute=minute).pdf[:8] == b"%PDF-1.7"


def test_a_failing_render_is_retried_later_then_succeeds(validate, renders):
    renders.render.failures = 1
    minute = validate()
    assert run_tasks(due=False) == 1  # the retry is deferred
    job = GeneratedDocument.objects.get(minute=minute)
    assert job.status == Status.QUEUED and job.attempts == 1 and "font cache locked" in job.error
    retry = DBTaskResult.objects.get(id=job.task_id)
    assert retry.status == TaskResultStatus.READY and retry.run_after > timezone.now()
    assert run_tasks() == 1  # made due
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Status.READY, 2, "")
    assert MinutePdf.objects.filter(minute=minute).count() == 1
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED", "SUCCESSFUL"]


def test_a_render_that_keeps_failing_is_failed_and_the_sweeper_tries_it_again_later(
    validate, renders, client_for, chair
):
    renders.render.failures = documents.MAX_ATTEMPTS
    minute = validate()
    run_tasks()
    job = GeneratedDocument.objects.get(minute=minute)
    assert (job.status, job.attempts) == (Status.FAILED, documents.MAX_ATTEMPTS)
    page = client_for(chair).get(reverse("rcp:minute_pdf", args=[minute.pk])).content.decode()
    assert 'data-status="failed"' in page and "font cache locked" in page
    assert documents.sweep() == 0  # not yet
    GeneratedDocument.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - documents.RETRY_FAILED_AFTER - timedelta(minutes=1)
    )
    assert documents.sweep() == 1
    run_tasks()
    job.refresh_from_db()
    assert job.status == Status.READY and MinutePdf.objects.filter(minute=minute).exists()


def test_two_runs_for_one_minute_make_one_pdf(validate, renders):
    minute = validate()
    job = GeneratedDocument.objects.get(minute=minute)
    produce_document.enqueue(job.pk)  # a duplicate: not the task the document names
    assert run_tasks() == 2
    assert renders.calls == [minute.number] and MinutePdf.objects.filter(minute=minute).count() == 1
    # Once ready, another run of its own task does nothing either.
    job.refresh_from_db()
    job.status = Status.QUEUED
    documents._enqueue(job)
    run_tasks()
    assert renders.calls == [minute.number] and MinutePdf.objects.filter(minute=minute).count() == 1
    assert GeneratedDocument.objects.get(pk=job.pk).status == Status.READY


def kill_during_render(job, worker_id):
    """What a worker killed in the middle of a render leaves: its task and the document running."""
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim(worker_id)
    documents._claim(job.pk, task.id, worker_id)
    return task


def test_a_render_left_running_by_a_killed_worker_is_resumed_when_that_worker_starts(validate, renders):
    minute = validate()
    job = GeneratedDocument.objects.get(minute=minute)
    lost = kill_during_render(job, "host-a")
    assert run_tasks(worker_id="host-b") == 0  # another worker: it may still be rendering
    assert run_tasks(worker_id="host-a") == 1  # restarted under its id: it was killed
    assert MinutePdf.objects.filter(minute=minute).count() == 1
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED and lost.exception_class_path.endswith("WorkerLost")
    assert GeneratedDocument.objects.get(pk=job.pk).status == Status.READY


def test_a_render_stuck_for_long_is_resumed_by_any_worker(validate, renders):
    minute = validate()
    job = GeneratedDocument.objects.get(minute=minute)
    kill_during_render(job, "host-a")
    GeneratedDocument.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - documents.STALE_AFTER - timedelta(minutes=1)
    )
    assert run_tasks(worker_id="host-b") == 1
    assert MinutePdf.objects.filter(minute=minute).count() == 1


def test_a_minute_without_its_render_gets_one_from_the_sweeper(validate, renders):
    minute = validate()
    GeneratedDocument.objects.filter(minute=minute).delete()
    DBTaskResult.objects.all().delete()
    assert documents.sweep() == 1
    run_tasks()
    assert MinutePdf.objects.filter(minute=minute).count() == 1


def test_the_minute_page_shows_the_progress_then_offers_the_pdf(validate, client_for, chair):
    minute = validate()
    client = client_for(chair)
    page = client.get(reverse("rcp:minute_pdf", args=[minute.pk]))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    status_url = reverse("rcp:minute_pdf_status", args=[minute.pk])
    html = page.content.decode()
    assert 'data-status="queued"' in html and f'hx-get="{status_url}"' in html and "<progress" in html
    read = client.get(reverse("rcp:decision_read", args=[minute.decision_id])).content.decode()
    assert f'hx-get="{status_url}"' in read
    run_tasks()
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="ready"' in fragment and "hx-get" not in fragment  # the polling stops
    pdf = client.get(reverse("rcp:minute_pdf", args=[minute.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(MinutePdf.objects.get(minute=minute).pdf)


@pytest.mark.parametrize("kind", ["minutes", "dossier"])
def test_a_meeting_pdf_is_asked_for_with_a_post_followed_then_downloaded(
    validate, meeting, client_for, chair, kind
):
    validate()
    client = client_for(chair)
    url = reverse("rcp:meeting_document", args=[meeting.pk, kind])
    before = GeneratedDocument.objects.count()
    assert 'id="no-document"' in client.get(url).content.decode()
    assert GeneratedDocument.objects.count() == before  # a GET asks for nothing
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # asked twice while under way: one document
    [document] = GeneratedDocument.objects.filter(kind=f"meeting_{kind}")
    page = client.get(url).content.decode()
    status_url = reverse("rcp:meeting_document_status", args=[meeting.pk, kind, document.pk])
    assert f'hx-get="{status_url}"' in page and "<progress" in page
    pdf_url = reverse("rcp:meeting_document_pdf", args=[meeting.pk, kind, document.pk])
    assert client.get(pdf_url).status_code == 404  # not ready
    run_tasks()
    fragment = client.get(status_url).content.decode()
    assert pdf_url in fragment and "hx-get" not in fragment
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_a_failed_meeting_pdf_says_so_and_can_be_asked_for_again(
    validate, meeting, client_for, chair, monkeypatch
):
    validate()

    def broken(document):
        raise RuntimeError("renderer down")

    monkeypatch.setitem(documents.RENDERERS, GeneratedDocument.Kind.MEETING_MINUTES, broken)
    client = client_for(chair)
    url = reverse("rcp:meeting_document", args=[meeting.pk, "minutes"])
    client.post(url)
    run_tasks()
    document = GeneratedDocument.objects.get(kind="meeting_minutes")
    assert (document.status, document.attempts) == (Status.FAILED, documents.MAX_ATTEMPTS)
    page = client.get(url).content.decode()
    assert 'data-status="failed"' in page and "renderer down" in page
    assert f'<form method="post" action="{url}"' in page  # ask again
    client.post(url)
    assert GeneratedDocument.objects.filter(kind="meeting_minutes").count() == 2


def test_another_centre_gets_404_on_the_pdfs_and_their_progress(
    validate, meeting, client_for, chair, outsider
):
    minute = validate()
    document = request_meeting_document(meeting=meeting, kind="meeting_dossier", user=chair)
    run_tasks()
    client = client_for(outsider)
    for url in (
        reverse("rcp:minute_pdf", args=[minute.pk]),
        reverse("rcp:minute_pdf_status", args=[minute.pk]),
        reverse("rcp:meeting_document", args=[meeting.pk, "dossier"]),
        reverse("rcp:meeting_document_status", args=[meeting.pk, "dossier", document.pk]),
        reverse("rcp:meeting_document_pdf", args=[meeting.pk, "dossier", document.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("rcp:meeting_document", args=[meeting.pk, "dossier"])).status_code == 404
    assert GeneratedDocument.objects.count() == 2
