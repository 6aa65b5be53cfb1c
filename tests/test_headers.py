"""Security headers on every page kind (OWASP ASVS 14.4): a Content-Security-Policy without inline
script, Permissions-Policy, `Cache-Control: no-store` on whatever carries patient data (pages, fragments,
PDFs, the login page), nosniff and a referrer policy; and templates with no inline script to block."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rcp.documents import request_meeting_document
from rcp.models import GeneratedDocument, Minute
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    propose,
    started_meeting,
)
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_case(centre, chair, clinician, patient):
    meeting = started_meeting(centre=centre, chair=chair, deputy=clinician)
    case = CaseFactory(meeting=meeting, patient=patient, question="Que faire pour T11 ?")
    LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="T11")
    AssessmentFactory(patient=patient)
    LabFactory(patient=patient)
    return case


@pytest.fixture
def minute(client_for, chair, board_case):
    [t11] = board_case.patient.tracked_lesions.all()
    propose(
        board_case, chair, "radiotherapy", lesions=[t11], intent="analgesic", technique="3d", schedule="8x1"
    )
    proposal = {
        "conforms": "true",
        "revision": 0,
        "validate": "1",
    }
    response = client_for(chair).post(reverse("rcp:decision", args=[board_case.pk]), proposal)
    assert response.status_code == 302, response.context["form"].errors
    for kind in (GeneratedDocument.Kind.MEETING_DOSSIER, GeneratedDocument.Kind.MEETING_MINUTES):
        request_meeting_document(meeting=board_case.meeting, kind=kind, user=chair)
    run_tasks()
    return Minute.objects.get()


def document_url(meeting, kind):
    document = GeneratedDocument.objects.get(meeting=meeting, kind=f"meeting_{kind}")
    return reverse("rcp:meeting_document_pdf", args=[meeting.pk, kind, document.pk])


def page_kinds(case, minute):
    patient, meeting = case.patient, case.meeting
    return {
        "patient list": reverse("patients:list"),
        "patient page": patient.get_absolute_url(),
        "score form": reverse("patients:score", args=[patient.pk, "tokuhashi"]),
        "record form": reverse("patients:record_add", args=[patient.pk, "lab"]),
        "history": reverse("patients:history", args=[patient.pk]),
        "minutes fragment": reverse("rcp:patient_minutes", args=[patient.pk]),
        "meeting list": reverse("rcp:meetings"),
        "meeting": meeting.get_absolute_url(),
        "case dossier": reverse("rcp:case", args=[case.pk]),
        "meeting dossier": reverse("rcp:meeting_dossier", args=[meeting.pk]),
        "meeting dossier PDF page": reverse("rcp:meeting_document", args=[meeting.pk, "dossier"]),
        "meeting dossier PDF": document_url(meeting, "dossier"),
        "presentation": reverse("rcp:present", args=[meeting.pk, 1]),
        "decision": reverse("rcp:decision", args=[case.pk]),
        "decision line form": reverse("rcp:decision_line_new", args=[case.pk]) + "?kind=radiotherapy",
        "minute PDF": reverse("rcp:minute_pdf", args=[minute.pk]),
        "minute PDF status": reverse("rcp:minute_pdf_status", args=[minute.pk]),
        "meeting minutes PDF page": reverse("rcp:meeting_document", args=[meeting.pk, "minutes"]),
        "meeting minutes PDF": document_url(meeting, "minutes"),
        "not found": "/patients/999999/",
    }


def assert_security_headers(response, what):
    csp = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], (what, csp)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, (what, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (what, csp)
    assert directives.get("object-src") == ["'none'"], (what, csp)
    assert "camera=()" in response.get("Permissions-Policy", ""), what
    assert "geolocation=()" in response["Permissions-Policy"], what
    assert "no-store" in response.get("Cache-Control", ""), what
    assert "private" in response["Cache-Control"], what
    assert response.get("X-Content-Type-Options") == "nosniff", what
    assert response.get("Referrer-Policy") == "same-origin", what


def test_headers_on_every_page_kind(client_for, clinician, chair, board_case, minute, admin_client):
    client = client_for(chair)
    for what, url in page_kinds(board_case, minute).items():
        response = client.get(url)
        assert response.status_code in (200, 404), (what, response.status_code)
        assert_security_headers(response, what)
    htmx = client.post(
        reverse("patients:score", args=[board_case.patient.pk, "tokuhashi"]), {}, HTTP_HX_REQUEST="true"
    )
    assert_security_headers(htmx, "live score fragment")
    assert_security_headers(admin_client.get(reverse("admin:index")), "admin index")
    anonymous = Client()
    assert_security_headers(anonymous.get(reverse("login")), "login page")
    assert_security_headers(anonymous.get(reverse("patients:list")), "redirect to the login page")


def test_static_files_keep_their_long_cache(client):
    from django.templatetags.static import static

    response = client.get(static("css/app.css"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age=315360000" in response["Cache-Control"]  # hashed name: cached for good


TEMPLATE_DIRS = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_EVAL = re.compile(r"javascript:|\shx-on[:-]|\sdata-hx-on[:-]|hx-vals=['\"]\s*js:", re.IGNORECASE)


def templates():
    return sorted(path for directory in TEMPLATE_DIRS for path in directory.rglob("*.html"))


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)[:80]}"
        for path in templates()
        for pattern in (INLINE_HANDLER, INLINE_SCRIPT, INLINE_EVAL)
        for match in pattern.finditer(path.read_text())
    ]
    assert templates() and offenders == []


@pytest.mark.parametrize(
    "snippet",
    [
        '<select onchange="this.form.submit()">',
        "<body\n  onload='go()'>",
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<a href="javascript:void(0)">',
        '<button hx-on:click="x()">',
    ],
)
def test_the_template_check_catches(snippet):
    assert any(pattern.search(snippet) for pattern in (INLINE_HANDLER, INLINE_SCRIPT, INLINE_EVAL))


@pytest.mark.parametrize(
    "snippet",
    ['<script src="/static/x.js" defer></script>', '<p class="lesson">', "<input name=once>", "<td>on=</td>"],
)
def test_the_template_check_lets_pass(snippet):
    assert not any(pattern.search(snippet) for pattern in (INLINE_HANDLER, INLINE_SCRIPT, INLINE_EVAL))
