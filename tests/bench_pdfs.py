"""Seconds the worker takes to render a minute's PDF and a 30-case meeting's minutes, beside issue 11's
goals (one minute ≤ 0.5 s; 30-case meeting minutes ≤ 10 s). `make bench` runs it and prints them; it
never passes or fails on time, and `make test` does not collect it (its name is not test_*.py).

Over the demo data: one minute is the first of the demo's past meeting (validated through the services,
with its proposal lines), rendered by `render_minute_document`, the function the worker calls (the Fiche
RCP CDA, then the PDF/A-3b with both attachments). The 30-case meeting is a meeting started an hour ago
with the demo board's attendees, each of the demo centre's patients on its agenda twice (30 cases), each
decision with two proposal lines and words, validated by the chair; its minutes are rendered by
`render_meeting_minutes_document` (the minutes read, their integrity verified, one PDF/A). Nothing is
stored: the timed functions return bytes. Both run in the worker's process, off the site's requests
(rcp/documents.py), which go on meanwhile; the site's own figures are tests/bench_pages.py's.

The worker is a long-lived process: one untimed render of each warms up what it keeps between
renders (the fonts, the templates). Then the two take turns, round after round, so that a machine shared
with other work slows both alike; each figure is the median of its rounds, in wall-clock seconds (the
render is CPU in this process, the database reads included). BENCH_PDF_ROUNDS sets the number of
rounds (5); the one-minute figure renders the minute five times a round, each timed alone."""

import io
import os
import statistics
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from patients.models import Patient
from rcp import meetings
from rcp.accounts.models import User
from rcp.demo import centres as demo
from rcp.documents import render_meeting_minutes_document, render_minute_document
from rcp.models import Board, CaseSubmission, Decision, GeneratedDocument, Meeting, Minute
from rcp.services import validate_decision
from tests.factories import propose

pytestmark = pytest.mark.django_db

MINUTE_GOAL = 0.5  # seconds, one minute
MEETING_GOAL = 10.0  # seconds, the 30-case meeting's minutes
MEETING_CASES = 30
MINUTE_RENDERS_A_ROUND = 5


@pytest.fixture(scope="module")
def demo_meeting(django_db_setup, django_db_blocker):
    """The demo data and a 30-case meeting with every decision validated, committed once for the module;
    the database is emptied after it."""
    with django_db_blocker.unblock():
        call_command("demo_data", stdout=io.StringIO())
        yield _thirty_case_meeting()
        call_command("flush", interactive=False, verbosity=0)


def _thirty_case_meeting() -> Meeting:
    users = {user.username: user for user in User.objects.filter(username__in=demo.PAST_MEETING["present"])}
    chair, presenter = users[demo.PAST_MEETING["chair"]], users[demo.PAST_MEETING["presenting_physician"]]
    board = Board.objects.get(centre=chair.centre)
    meeting = Meeting.objects.create(
        board=board,
        title="RCP métastases osseuses (banc d'essai, 30 dossiers)",
        starts_at=timezone.now() - timedelta(hours=1),
        place=demo.PAST_MEETING["place"],
        chair=chair,
        deputy=users[demo.PAST_MEETING["deputy"]],
        expected_specialties=demo.MEETING["expected_specialties"],
    )
    meetings.start_meeting(meeting=meeting, user=chair)
    meetings.set_attendance(meeting=meeting, present=users.values(), user=chair)
    patients = list(Patient.objects.filter(centre=chair.centre).order_by("hospital_id"))
    for position in range(MEETING_CASES):
        case = CaseSubmission.objects.create(
            patient=patients[position % len(patients)],
            meeting=meeting,
            question="Métastases osseuses : radiothérapie, chirurgie, traitement osseux ?",
            reason="follow_up",
            urgency="routine",
            presenting_physician=presenter,
            submitted_by=presenter,
            position=position + 1,
            status=CaseSubmission.Status.SCHEDULED,
        )
        propose(case, chair, "exams", exam="dental")
        propose(
            case, chair, "surveillance", represent_on=(timezone.localdate() + timedelta(days=90)).isoformat()
        )
        draft = Decision.objects.get(case=case)
        draft.free_text = "Poursuite de la prise en charge ; à revoir en RCP après le bilan."
        draft.conforms = True
        draft.contradictions_confirmed = True
        draft.follow_up_physician = presenter
        draft.discussion_type = "first"
        draft.save()
        validate_decision(decision=draft, user=chair)
    return meeting


def test_pdf_render_times(demo_meeting, request):
    demo_minute = (
        Minute.objects.filter(decision__case__meeting__status=Meeting.Status.CLOSED)
        .select_related("decision__case__meeting")
        .order_by("pk")
        .first()
    )
    one = GeneratedDocument(kind=GeneratedDocument.Kind.MINUTE, minute=demo_minute)
    minutes = GeneratedDocument(
        kind=GeneratedDocument.Kind.MEETING_MINUTES, meeting=demo_meeting, requested_by=demo_meeting.chair
    )
    pdf, _cda = render_minute_document(one)  # warm-up, untimed
    pages = {
        "one minute": _pages(pdf),
        "30-case meeting minutes": _pages(render_meeting_minutes_document(minutes)),
    }
    seconds = {"one minute": [], "30-case meeting minutes": []}
    for _ in range(int(os.environ.get("BENCH_PDF_ROUNDS", "5"))):
        for _ in range(MINUTE_RENDERS_A_ROUND):
            start = time.perf_counter()
            render_minute_document(one)
            seconds["one minute"].append(time.perf_counter() - start)
        start = time.perf_counter()
        render_meeting_minutes_document(minutes)
        seconds["30-case meeting minutes"].append(time.perf_counter() - start)
    assert len(minutes.minute_ids) == MEETING_CASES
    _report(request.config, seconds, pages)


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _report(config, seconds, pages):
    goals = {"one minute": MINUTE_GOAL, "30-case meeting minutes": MEETING_GOAL}
    lines = [
        "",
        "PDF renders as the worker makes them (wall-clock seconds, median of the renders):",
        f"  {'document':<24} {'pages':>5} {'median':>8} {'min':>8} {'max':>8} {'renders':>7} {'goal':>16}",
    ]
    for name, times in seconds.items():
        median, goal = statistics.median(times), goals[name]
        verdict = f"≤ {goal:g} s " + ("met" if median <= goal else "NOT MET")
        lines.append(
            f"  {name:<24} {pages[name]:>5} {median:>8.3f} {min(times):>8.3f} {max(times):>8.3f} "
            f"{len(times):>7} {verdict:>16}"
        )
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n".join(lines))  # noqa: T201 - the benchmark's report
