"""Run the tasks waiting in the database backend, as the worker does: the tests use production's backend
(django-tasks-db), never an immediate one, so a PDF exists only once its task has run."""

from unittest import mock

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rcp.management.commands.db_worker import Worker

WORKER_ID = "tests"


def run_tasks(*, due=True, worker_id=WORKER_ID, rounds=10) -> int:
    """Run every waiting task (`manage.py db_worker --batch`, with its start-up sweep); with `due`, the
    retries deferred to later are made due first, round after round until none is left. Returns how
    many tasks ran."""
    ran = 0
    # The worker checks its connection between tasks; inside a test's transaction, that would close it.
    with (
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
        mock.patch("rcp.management.commands.db_worker.close_old_connections"),
    ):
        for _round in range(rounds):
            if due:
                DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
            worker = Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            worker.run()
            ran += worker._run_tasks
            if not due or not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists():
                break
    return ran


def minute_pdf(minute) -> bytes:
    """The minute's PDF, once the worker has run what is waiting."""
    from rcp.models import MinutePdf

    run_tasks()
    return bytes(MinutePdf.objects.get(minute=minute).pdf)


def meeting_pdf(client, meeting, kind):
    """Ask for a meeting's PDF ("minutes" or "dossier") as a user does, let the worker make it, and
    download it: the download's response."""
    from django.urls import reverse

    from rcp.models import GeneratedDocument

    asked = client.post(reverse("rcp:meeting_document", args=[meeting.pk, kind]))
    assert asked.status_code == 302, asked
    run_tasks()
    document = GeneratedDocument.objects.filter(meeting=meeting).latest("requested_at")
    return client.get(reverse("rcp:meeting_document_pdf", args=[meeting.pk, kind, document.pk]))
