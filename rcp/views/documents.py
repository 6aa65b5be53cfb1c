"""The PDFs the worker makes (rcp/documents.py): a minute's, shown as being prepared until it is there,
and a meeting's minutes or dossier, asked for with a POST, followed on a page (htmx polls its status),
then downloaded. A GET never asks for anything: it shows how far the last request got."""

import json
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import documents
from ..accounts.audit import Kind, log_access, log_accesses
from ..accounts.permissions import get_document_for_user, get_meeting_for_user, get_minute_for_user
from ..integrity import log_altered, rendered_pdf, verify_minute, verify_minutes
from ..interop import fhir
from ..interop.frcp import minute_cda_bytes
from ..minutes import MINUTE_LANGUAGE, cda_filename
from ..models import GeneratedDocument, Minute

KINDS = {
    "minutes": GeneratedDocument.Kind.MEETING_MINUTES,
    "dossier": GeneratedDocument.Kind.MEETING_DOSSIER,
}
POLL_SECONDS = 2


def file_response(content: bytes, content_type: str, filename: str, *, download=True) -> HttpResponse:
    """A file served as itself: never sniffed as another type, saved (or shown, `download=False`) under
    `filename`."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(pdf: bytes, filename: str, *, download=False) -> HttpResponse:
    return file_response(pdf, "application/pdf", filename, download=download)


def altered(request, verdicts, *, where):
    """A stored minute no longer verifies: serve nothing of it, say so, log it (500: the fault is the
    server's data, not the request; monitoring counts it as such)."""
    for verdict in verdicts:
        log_altered(verdict, where=where)
    return render(request, "rcp/minute_altered.html", {"verdicts": verdicts}, status=500)


def _minute_status(minute) -> dict:
    try:
        job = minute.render_job
    except GeneratedDocument.DoesNotExist:
        job = None
    return {
        "minute": minute,
        "rendered": rendered_pdf(minute),
        "job": job,
        "progress": documents.progress(job) if job is not None else {"percent": 5, "ahead": 0},
        "poll": POLL_SECONDS,
        "status_url": reverse("rcp:minute_pdf_status", args=[minute.pk]),
        "pdf_url": reverse("rcp:minute_pdf", args=[minute.pk]),
    }


def _minute_to_serve(request, pk, *, what="", related=("rendered", "render_job")):
    """(the minute `pk`, None) with its download logged (`what` after its number), or (None, the page
    saying it no longer verifies): every file of a minute is served only from a minute that verifies."""
    minute = get_minute_for_user(request.user, pk, related=related)
    label = f"minute={minute.number} v{minute.version}" + (f" {what}" if what else "")
    log_access(request, Kind.DOWNLOAD, patient=minute.decision.case.patient, what=label)
    verdict = verify_minute(minute)
    if not verdict.ok:
        return None, altered(request, [verdict], where=request.path)
    return minute, None


def minute_pdf(request, pk):
    """The minute's PDF; while the worker prepares it, a page that says so and offers it once ready."""
    minute, refusal = _minute_to_serve(request, pk)
    if refusal:
        return refusal
    try:
        rendered = minute.rendered
    except Minute.rendered.RelatedObjectDoesNotExist:
        return render(request, "rcp/minute_pending.html", _minute_status(minute))
    return pdf_response(
        bytes(rendered.pdf), f"{minute.number}-v{minute.version}.pdf", download="download" in request.GET
    )


def minute_pdf_status(request, pk):
    """The fragment htmx polls: the progress, or the link once the PDF is there."""
    minute = get_minute_for_user(request.user, pk)
    return render(request, "rcp/includes/minute_pdf_status.html", _minute_status(minute))


def _kind(kind_slug):
    if kind_slug not in KINDS:
        raise Http404
    return KINDS[kind_slug]


@require_http_methods(["GET", "POST"])
def meeting_document(request, pk, kind):
    """GET: the latest requests for this PDF of the meeting, how far each got; POST: ask for it."""
    meeting = get_meeting_for_user(request.user, pk)
    kind_value = _kind(kind)
    has_minutes = Minute.objects.visible_to(request.user).filter(decision__case__meeting=meeting).exists()
    if kind_value == GeneratedDocument.Kind.MEETING_MINUTES and not has_minutes:
        raise Http404
    if request.method == "POST":
        document = documents.request_meeting_document(meeting=meeting, kind=kind_value, user=request.user)
        messages.info(request, _("The PDF is being prepared: it will be offered here when it is ready."))
        return redirect(f"{reverse('rcp:meeting_document', args=[meeting.pk, kind])}#document-{document.pk}")
    requests = list(
        GeneratedDocument.objects.visible_to(request.user)
        .filter(meeting=meeting, kind=kind_value)
        .defer("pdf")
        .select_related("requested_by")
        .order_by("-requested_at")[:5]
    )
    context = {
        "meeting": meeting,
        "kind": kind,
        "title": GeneratedDocument.Kind(kind_value).label,
        "requests": [_document_status(meeting, kind, document) for document in requests],
        "pending": any(document.is_pending for document in requests),
    }
    return render(request, "rcp/meeting_document.html", context)


def _document_status(meeting, kind, document) -> dict:
    return {
        "document": document,
        "progress": documents.progress(document),
        "poll": POLL_SECONDS,
        "status_url": reverse("rcp:meeting_document_status", args=[meeting.pk, kind, document.pk]),
        "pdf_url": reverse("rcp:meeting_document_pdf", args=[meeting.pk, kind, document.pk]),
        "retry_url": reverse("rcp:meeting_document", args=[meeting.pk, kind]),
    }


def meeting_document_status(request, pk, kind, document_pk):
    meeting = get_meeting_for_user(request.user, pk)
    document = get_document_for_user(request.user, document_pk, meeting=meeting)
    if document.kind != _kind(kind):
        raise Http404
    return render(request, "rcp/includes/document_status.html", _document_status(meeting, kind, document))


def meeting_document_pdf(request, pk, kind, document_pk):
    meeting = get_meeting_for_user(request.user, pk)
    document = get_document_for_user(request.user, document_pk, meeting=meeting)
    if document.kind != _kind(kind) or document.status != GeneratedDocument.Status.READY:
        raise Http404
    # The patients whose data the PDF holds, all of the meeting's centre.
    patients = [SimpleNamespace(pk=pk, centre_id=meeting.board.centre_id) for pk in document.patient_ids]
    log_accesses(request, Kind.DOWNLOAD, patients, what=f"meeting={meeting.pk} {kind}.pdf")
    if document.minute_ids:  # the minutes it prints still verify, or nothing is served
        minutes = Minute.objects.filter(pk__in=document.minute_ids).select_related("rendered")
        broken = [verdict for verdict in verify_minutes(minutes).values() if not verdict.ok]
        if broken:
            return altered(request, broken, where=request.path)
    prefix = "minutes" if kind == "minutes" else "dossier"
    return pdf_response(bytes(document.pdf), f"{prefix}-rcp-{meeting.pk}-{meeting.starts_at:%Y%m%d}.pdf")


def minute_cda(request, pk):
    """The Fiche RCP of a minute (CDA R2, CANCER-FRCP 2022.01): the one the worker stored beside its PDF
    (and embedded in it), else, not rendered yet or rendered before the CDA was stored, made from its
    frozen snapshot (the same bytes the worker makes)."""
    # Its board and centre hold the identifiers of a snapshot that did not freeze them; the check reads
    # the stored PDF and CDA (rcp.integrity.check).
    minute, refusal = _minute_to_serve(
        request, pk, what="cda", related=("decision__case__meeting__board__centre", "rendered")
    )
    if refusal:
        return refusal
    return file_response(
        minute_cda_bytes(minute), "application/xml", cda_filename(minute.number, minute.version)
    )


def fhir_response(bundle: dict, filename: str) -> HttpResponse:
    content = json.dumps(bundle, ensure_ascii=False, indent=1).encode()
    return file_response(content, fhir.MEDIA_TYPE, filename)


def minute_pdf_reference(minute, *, base_url: str = "") -> fhir.MinutePdf:
    """The minute's PDF as its FHIR DocumentReference names it: its download address under `base_url`
    (none without one) and, once rendered, its hashes."""
    rendered = rendered_pdf(minute)
    url = f"{base_url.rstrip('/')}{reverse('rcp:minute_pdf', args=[minute.pk])}" if base_url else ""
    if rendered is None:
        return fhir.MinutePdf(url=url)
    return fhir.MinutePdf.of(bytes(rendered.pdf), sha256=rendered.sha256, url=url)


def minute_fhir(request, pk):
    """The minute as a FHIR R4 `document` Bundle, made from its frozen snapshot."""
    minute, refusal = _minute_to_serve(
        request, pk, what="fhir", related=("rendered", "decision__case__meeting__board__centre")
    )
    if refusal:
        return refusal
    pdf = minute_pdf_reference(minute, base_url=request.build_absolute_uri("/"))
    bundle = fhir.minute_bundle(minute.snapshot, config=fhir.config_for(minute), pdf=pdf)
    return fhir_response(bundle, f"{minute.number}-v{minute.version}-fhir.json")


def patient_fhir(request, pk):
    """A patient's record as a FHIR R4 `collection` Bundle: the record as summarised now, and the document
    Bundle of the latest version of each of the patient's validated minutes."""
    from patients.record import PatientRecord
    from patients.summary import record_summary

    record = PatientRecord.load(request.user, pk)
    patient = record.patient
    log_access(request, Kind.DOWNLOAD, patient=patient, what="record fhir")
    # One query for the minutes (PDFs, boards and centres with them), one for their chain check.
    minutes = list(
        Minute.objects.visible_to(request.user)
        .filter(decision__case__patient=patient)
        .select_related("rendered", "decision__case__meeting__board__centre")
        .order_by("number", "version")
    )
    broken = [verdict for verdict in verify_minutes(minutes).values() if not verdict.ok]
    if broken:
        return altered(request, broken, where=request.path)
    latest = {minute.number: minute for minute in minutes}
    base_url = request.build_absolute_uri("/")
    config = fhir.FhirConfig(ipp_oid=patient.centre.ipp_oid, ins_test=getattr(settings, "RCP_INS_TEST", True))
    with translation.override(MINUTE_LANGUAGE):  # in French, like the minutes it holds
        summary = record_summary(record.reworded())
    bundle = fhir.record_bundle(
        summary,
        centre_name=patient.centre.name,
        finess=patient.centre.finess,
        config=config,
        minutes=[
            fhir.minute_bundle(
                minute.snapshot,
                config=fhir.config_for(minute),
                pdf=minute_pdf_reference(minute, base_url=base_url),
            )
            for minute in latest.values()
        ],
        timestamp=timezone.now(),
    )
    return fhir_response(bundle, f"{patient.hospital_id or patient.pk}-fhir.json")
