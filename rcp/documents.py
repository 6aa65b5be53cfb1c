"""The PDFs made off the request by the worker (`manage.py db_worker`, README "Workers"): each minute's,
rendered after its validation committed, and a meeting's minutes or dossier, asked for by a user. A
minute's render makes its Fiche RCP (CDA R2, rcp/interop/frcp.py) from the same snapshot, embeds it in
the PDF/A-3 and stores it with its SHA-256 in the same insert-only MinutePdf row.

Each PDF asked for is a `GeneratedDocument` row, and a task of the database backend (django-tasks-db)
enqueued in the same transaction: a committed minute always has its render waiting, and a request that
rolls back leaves no task behind. The task (`produce_document`) renders outside any transaction and lock.

What the task framework does not do, done here:

* **Retries**: a render that fails is enqueued again, deferred (RETRY_DELAYS), up to MAX_ATTEMPTS runs;
  then the document is failed. A failed minute is tried again by the sweeper every RETRY_FAILED_AFTER:
  a minute must end with its PDF.
* **A worker killed mid-render** leaves its task "running" for ever (the backend never looks at it
  again). `sweep` puts such documents back in the queue: at a worker's start those it was running under
  the same `--worker-id` (it was killed: nothing else runs under that id), and every SWEEP_EVERY those
  whose run has not moved for STALE_AFTER (any worker's), or queued without a task waiting to run them.
* **Never two PDFs for one minute**: the document names the one task meant to run it (`task_id`); a run
  of any other (a duplicate, one superseded by a retry or by the sweeper) does nothing, and MinutePdf
  has one row per minute (its primary key) whoever inserts first.
"""

import hashlib
import logging
import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .models import GeneratedDocument, Meeting, Minute, MinutePdf

logger = logging.getLogger("rcp.documents")

MAX_ATTEMPTS = 3
RETRY_DELAYS = (timedelta(seconds=10), timedelta(seconds=60))  # before the 2nd and the 3rd run
STALE_AFTER = timedelta(minutes=10)  # a render takes seconds: a run that long is a dead worker's
QUEUED_GRACE = timedelta(minutes=1)  # a task claimed but whose document is not yet marked running
RETRY_FAILED_AFTER = timedelta(hours=1)
SWEEP_EVERY = 60  # seconds, in each long-running worker

Kind, Status = GeneratedDocument.Kind, GeneratedDocument.Status


class WorkerLost(Exception):
    """Written on a task left running by a worker that died (the sweeper found it)."""


# --- asking for a PDF ------------------------------------------------------------------------------


def _enqueue(document, *, delay: timedelta | None = None) -> None:
    """Enqueue the task that produces `document` and make it the one meant to (saves the document)."""
    task_ = produce_document if delay is None else produce_document.using(run_after=timezone.now() + delay)
    result = task_.enqueue(document.pk)
    document.task_id = result.id
    document.save(
        update_fields=["task_id", "status", "attempts", "error", "worker_id", "finished_at", "updated_at"]
    )


def request_minute_pdf(*, minute, user) -> GeneratedDocument:
    """The minute's render, queued. Called inside validate_decision's transaction: the minute, its
    document and its task commit together, or none of them."""
    document = GeneratedDocument.objects.create(
        kind=Kind.MINUTE, meeting_id=minute.decision.case.meeting_id, minute=minute, requested_by=user
    )
    _enqueue(document)
    return document


@transaction.atomic
def request_meeting_document(*, meeting, kind, user) -> GeneratedDocument:
    """Ask for a meeting's minutes or dossier as it stands now. One already waiting or under way is
    returned instead of a second one."""
    if kind not in (Kind.MEETING_MINUTES, Kind.MEETING_DOSSIER):
        raise ValueError(kind)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).get()  # two clicks ask once
    pending = (
        GeneratedDocument.objects.filter(
            meeting=meeting, kind=kind, status__in=[Status.QUEUED, Status.RUNNING]
        )
        .order_by("-requested_at")
        .first()
    )
    if pending is not None:
        return pending
    document = GeneratedDocument.objects.create(
        kind=kind, meeting=meeting, requested_by=user, items=max(1, meeting.cases.count())
    )
    _enqueue(document)
    return document


# --- producing it (the worker) ---------------------------------------------------------------------


def _claim(document_id, task_id, worker_id):
    """The document, marked running by this task; None if this task is not the one meant to run it, or
    there is nothing left to do."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or str(document.task_id) != str(task_id) or document.status != Status.QUEUED:
            return None
        if document.kind == Kind.MINUTE and MinutePdf.objects.filter(minute_id=document.minute_id).exists():
            document.status, document.finished_at = Status.READY, timezone.now()
            document.save(update_fields=["status", "finished_at", "updated_at"])
            return None
        document.status = Status.RUNNING
        document.attempts += 1
        document.worker_id = worker_id[:64]
        document.started_at = timezone.now()
        document.save(update_fields=["status", "attempts", "worker_id", "started_at", "updated_at"])
        return document


def render_minute_document(document) -> tuple[bytes, bytes]:
    """The minute's PDF and its Fiche RCP (CDA), both from its snapshot: the CDA is made first (the same
    bytes for the same snapshot), then embedded in the PDF, and stored beside it (`_store`)."""
    from .interop.frcp import config_for, frcp_cda
    from .minutes import render_minute

    minute = document.minute
    cda = frcp_cda(minute.snapshot, config=config_for(minute))
    return render_minute(minute.snapshot, cda=cda), cda


def render_meeting_minutes_document(document) -> bytes:
    from .integrity import verify_minutes
    from .minutes import render_meeting_minutes

    minutes = (
        Minute.objects.visible_to(document.requested_by)
        .filter(decision__case__meeting=document.meeting)
        .select_related("decision__case", "rendered")
        .order_by("decision__case__position", "decision__case_id", "version")
    )
    latest = {}
    for minute in minutes:  # the latest version of each case
        latest[minute.decision.case_id] = minute
    if not latest:
        raise ValueError("no validated minute in this meeting")
    altered = [verdict for verdict in verify_minutes(latest.values()).values() if not verdict.ok]
    if altered:
        raise ValueError(f"altered minutes: {[verdict.minute.pk for verdict in altered]}")
    document.minute_ids = [minute.pk for minute in latest.values()]
    document.patient_ids = [minute.decision.case.patient_id for minute in latest.values()]
    document.items = len(latest)
    meeting = document.meeting
    return render_meeting_minutes(
        [minute.snapshot for minute in latest.values()],
        title=_("Minutes — %(meeting)s") % {"meeting": meeting},
        author=meeting.board.centre.name,
    )


def render_meeting_dossier_document(document) -> bytes:
    from django.template.loader import render_to_string

    from .diagrams import shared_part_as_image
    from .pdf import render_pdf
    from .views.dossier import meeting_dossier_context

    meeting = document.meeting
    context = meeting_dossier_context(document.requested_by, meeting)
    document.patient_ids = [dossier.record.patient.pk for dossier in context["agenda"]]
    document.items = max(1, len(context["agenda"]))
    html = shared_part_as_image(render_to_string("rcp/meeting_dossier_pdf.html", context))
    return render_pdf(
        html,
        title=_("Dossier — %(meeting)s") % {"meeting": meeting},
        author=meeting.board.centre.name,
        subject=_("Cases for the tumour board"),
        keywords=["RCP", "dossier"],
    )


# Each renders the PDF of one kind: its bytes, or (PDF, CDA) for a minute.
RENDERERS = {
    Kind.MINUTE: render_minute_document,
    Kind.MEETING_MINUTES: render_meeting_minutes_document,
    Kind.MEETING_DOSSIER: render_meeting_dossier_document,
}


def _store(document, pdf: bytes, cda: bytes | None = None) -> None:
    with transaction.atomic():
        current = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if str(current.task_id) != str(document.task_id):  # superseded meanwhile (the sweeper)
            logger.warning("Document %s: a newer task took it over; this render is dropped", document.pk)
            return
        if document.kind == Kind.MINUTE:
            try:
                with transaction.atomic():
                    MinutePdf.objects.create(
                        minute_id=document.minute_id,
                        pdf=pdf,
                        sha256=hashlib.sha256(pdf).hexdigest(),
                        cda=cda,
                        cda_sha256=hashlib.sha256(cda).hexdigest() if cda is not None else "",
                    )
            except IntegrityError:  # rendered already: that PDF stays, this one is dropped
                logger.warning("Minute %s already had its PDF; this render is dropped", document.minute_id)
        else:
            document.pdf = pdf
        document.status, document.error, document.finished_at = Status.READY, "", timezone.now()
        document.save(
            update_fields=[
                "status",
                "error",
                "finished_at",
                "pdf",
                "patient_ids",
                "minute_ids",
                "items",
                "updated_at",
            ]
        )


def _failed(document, error: BaseException) -> None:
    with transaction.atomic():
        current = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if str(current.task_id) != str(document.task_id):
            return
        current.error = f"{type(error).__name__}: {error}"[:2000]
        current.finished_at = timezone.now()
        if current.attempts < MAX_ATTEMPTS:
            current.status = Status.QUEUED
            _enqueue(current, delay=RETRY_DELAYS[min(current.attempts, len(RETRY_DELAYS)) - 1])
        else:
            current.status = Status.FAILED
            current.save(update_fields=["status", "error", "finished_at", "updated_at"])


@task(takes_context=True)
def produce_document(context, document_id):
    """Render one GeneratedDocument (the worker runs it). Raises what the renderer raised, after
    scheduling the retry: the task's result keeps the traceback, and the log says it failed."""
    worker_ids = context.task_result.worker_ids
    document = _claim(document_id, context.task_result.id, worker_ids[-1] if worker_ids else "")
    if document is None:
        return "nothing to do"
    started = time.perf_counter()
    try:
        rendered = RENDERERS[document.kind](document)
    except Exception as error:
        _failed(document, error)
        raise
    pdf, cda = rendered if isinstance(rendered, tuple) else (rendered, None)
    _store(document, pdf, cda)
    seconds = time.perf_counter() - started
    logger.info(
        "Document %s (%s) rendered in %.2f s, %d bytes", document.pk, document.kind, seconds, len(pdf)
    )
    result = {"seconds": round(seconds, 3), "bytes": len(pdf)}
    if cda is not None:
        result["cda_bytes"] = len(cda)
    return result


# --- the sweeper -----------------------------------------------------------------------------------


def sweep(*, resume_worker: str | None = None) -> int:
    """Put back in the queue what a dead worker or a lost task left behind (this module's docstring);
    create the render of any minute that has neither PDF nor document. Returns how many it re-queued."""
    now = timezone.now()
    waiting = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    lost = Q(status=Status.RUNNING, updated_at__lt=now - STALE_AFTER) | (
        Q(status=Status.QUEUED, updated_at__lt=now - QUEUED_GRACE) & ~Q(task_id__in=waiting.values("id"))
    )
    if resume_worker:
        lost |= Q(status=Status.RUNNING, worker_id=resume_worker)
    lost |= Q(kind=Kind.MINUTE, status=Status.FAILED, updated_at__lt=now - RETRY_FAILED_AFTER)
    count = 0
    for pk in GeneratedDocument.objects.filter(lost).values_list("pk", flat=True):
        with transaction.atomic():
            document = GeneratedDocument.objects.select_for_update().filter(lost, pk=pk).first()
            if document is None:  # moved on meanwhile
                continue
            old_task = document.task_id
            if document.status == Status.FAILED:
                document.attempts = 0
            elif document.status == Status.RUNNING:
                document.error = _("The worker stopped during the render; it is being made again.")
                if document.attempts >= MAX_ATTEMPTS and document.kind != Kind.MINUTE:
                    document.status = Status.FAILED
                    document.save(update_fields=["status", "error", "updated_at"])
                    continue
            document.status = Status.QUEUED
            _enqueue(document)
            DBTaskResult.objects.filter(id=old_task, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback="The worker running this task stopped (found by rcp.documents.sweep).",
            )
            count += 1
            logger.warning("Document %s (%s) re-queued: its task %s was lost", pk, document.kind, old_task)
    orphans = Minute.objects.filter(rendered__isnull=True, render_job__isnull=True).select_related(
        "decision__case", "decision__validated_by"
    )
    for minute in orphans:
        with transaction.atomic():
            request_minute_pdf(minute=minute, user=minute.decision.validated_by)
        count += 1
        logger.warning("Minute %s had no render queued: queued now", minute.pk)
    return count


# --- reading how far it got -------------------------------------------------------------------------

DEFAULT_SECONDS_PER_CASE = 1.0


def progress(document) -> dict:
    """What the progress bar shows: the documents before it in the queue, and while it renders a share
    of the time that the last ones of its kind took (per case), never 100 before it is ready."""
    if document.status == Status.READY:
        return {"percent": 100, "ahead": 0}
    if document.status == Status.FAILED:
        return {"percent": 0, "ahead": 0}
    if document.status == Status.QUEUED:
        ahead = GeneratedDocument.objects.filter(
            status__in=[Status.QUEUED, Status.RUNNING], requested_at__lt=document.requested_at
        ).count()
        return {"percent": 5, "ahead": ahead}
    recent = list(
        GeneratedDocument.objects.filter(kind=document.kind, status=Status.READY, started_at__isnull=False)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at", "items")[:10]
    )
    per_case = (
        sum((finished - started).total_seconds() / max(1, items) for started, finished, items in recent)
        / len(recent)
        if recent
        else DEFAULT_SECONDS_PER_CASE
    )
    expected = max(0.5, per_case * max(1, document.items))
    elapsed = (timezone.now() - document.started_at).total_seconds() if document.started_at else 0
    return {"percent": int(10 + 85 * min(1.0, elapsed / expected)), "ahead": 0}
