"""Requests per second of the board's main pages, each as a share of a bare Django view measured in the
same run (issue 11's goals). `make bench` runs it and prints the shares; it never passes or fails on
time, and `make test` does not collect it (its name is not test_*.py).

Served in process by the handler the test client uses (the settings' whole middleware and URL stack)
without the client's template capture, over the demo data, logged in as the demo clinician. The bare
view answers "ok" through the same stack, logged in as well (a session and a user read, as every page
does); the same view anonymous is shown beside it, as a second reference. HTTP and the WSGI server are
left out, so the shares are lower than behind gunicorn.

The pages take turns, round after round, so that a machine shared with other work slows them all alike;
each figure is the median of its rounds. SQLite unless DATABASE_URL names another database: on SQLite,
whose work is done inside this process, the time is the process's CPU time, which leaves out what other
programs take meanwhile; on another database, wall-clock time (the server's share is spent elsewhere).
The pages keep what they derive from a record in the cache, under the record's stamp
(patients.record_cache): a page asked again finds it there, as the board's members opening the same
dossiers do; each page is also measured "cold", its cache emptied before each request, as after a write
to every record it shows.

BENCH_ROUNDS sets the number of rounds (30)."""

import io
import os
import statistics
import time

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.urls import include, path, reverse
from django.utils import timezone

from patients.models import Patient
from rcp.accounts.models import User
from rcp.models import Meeting


def ok(request):
    return HttpResponse("ok")


# The project's URLs plus the bare view (pytest's `urls` mark below).
urlpatterns = [
    path("bench/ok/", ok),
    path("bench/anonymous/", login_not_required(ok)),
    path("", include("rcp.project.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

BARE = "bare view"
ANONYMOUS = "bare view, anonymous"
# Page: (URL from the demo's meeting and patient, least share of the bare view's requests per second).
PAGES = {
    BARE: (lambda meeting, patient: "/bench/ok/", None),
    ANONYMOUS: (lambda meeting, patient: "/bench/anonymous/", None),
    "patient list": (lambda meeting, patient: reverse("patients:list"), 0.10),
    "patient page": (lambda meeting, patient: reverse("patients:detail", args=[patient.pk]), 0.05),
    "meeting page": (lambda meeting, patient: reverse("rcp:meeting", args=[meeting.pk]), 0.05),
    "meeting dossier, 6 cases": (
        lambda meeting, patient: reverse("rcp:meeting_dossier", args=[meeting.pk]),
        0.02,
    ),
}
# The same pages with an empty cache: what derives from the records (patients.record_cache) is computed
# and rendered again, as after a write to each record they show.
COLD = " (cold)"
PAGES.update({f"{page}{COLD}": PAGES[page] for page in list(PAGES)[2:]})
SAMPLE_SECONDS = 0.02  # a fast page is requested several times a round, each sample timed as a whole
clock = (
    time.process_time if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else time.perf_counter
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, committed once for the module; the database is emptied after it."""
    with django_db_blocker.unblock():
        call_command("demo_data", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def requester(url, cookie=None, *, cold=False):
    """A function that serves one GET of `url` and returns its response (`cold`: the cache emptied
    first)."""
    factory = RequestFactory(**({"HTTP_COOKIE": cookie} if cookie else {}))
    handler = ClientHandler()
    if cold:
        return lambda: (cache.clear(), handler(factory.get(url).environ))[1]
    return lambda: handler(factory.get(url).environ)


def test_requests_per_second_as_a_share_of_the_bare_view(demo, request):
    user = User.objects.get(username="clinician")  # of the demo centre: no second factor
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    # The coming meeting, with its six cases (the demo also holds a past one, closed).
    meeting = Meeting.objects.filter(board__centre=user.centre, starts_at__gt=timezone.now()).get()
    patient = Patient.objects.get(centre=user.centre, hospital_id="DEMO-001")
    get = {
        page: requester(
            url(meeting, patient), None if page == ANONYMOUS else cookie, cold=page.endswith(COLD)
        )
        for page, (url, _goal) in PAGES.items()
    }
    warm = [serve for page, serve in get.items() if not page.endswith(COLD)]
    repeat = {}
    for page, serve in get.items():
        assert serve().status_code == 200, page  # and warmed up
        start = clock()
        serve()
        repeat[page] = max(1, round(SAMPLE_SECONDS / max(clock() - start, 1e-6)))
    seconds = {page: [] for page in PAGES}
    for _ in range(int(os.environ.get("BENCH_ROUNDS", "30"))):
        for page, serve in get.items():
            start = clock()
            for _ in range(repeat[page]):
                serve()
            seconds[page].append((clock() - start) / repeat[page])
            for again in warm if page.endswith(COLD) else ():
                again()  # untimed: what the cold page emptied is back in the cache for the others
    speeds = {page: 1 / statistics.median(times) for page, times in seconds.items()}
    _report(request.config, speeds)


def _report(config, speeds):
    bare, anonymous = speeds[BARE], speeds[ANONYMOUS]
    lines = [
        "",
        f"Requests per second in process ({'CPU' if clock is time.process_time else 'wall-clock'} time, "
        "median of the rounds), as a share of the bare view's",
        "(logged in, the goals' reference) and of the anonymous bare view's:",
        f"  {'page':<33} {'req/s':>8} {'share':>8} {'goal':>14} {'anonymous':>9}",
    ]
    for page, (_url, goal) in PAGES.items():
        share = speeds[page] / bare
        verdict = "" if goal is None else f"{goal:.0%} " + ("met" if share >= goal else "NOT MET")
        lines.append(
            f"  {page:<33} {speeds[page]:>8.1f} {share:>8.2%} {verdict:>14} {speeds[page] / anonymous:>9.2%}"
        )
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n".join(lines))  # noqa: T201 - the benchmark's report
