"""`make loadtest` (tests/load/run): logged-in users on the pages a board uses, against gunicorn.

Every user logs in with a demo account, then browses the patient list, patient pages and the dossier of
a case on the meeting's agenda. One user per agenda case is also its secretary: it autosaves that case's
decision draft as the page's htmx form does, each save carrying the revision the previous one returned.
One writer per draft, as in a meeting: two users typing into one draft get a conflict (409) by design,
which would be counted here as a failure.

Speaks to gunicorn as the TLS-terminating proxy would (`Host`, `X-Forwarded-Proto: https`), so the
production settings stay as they are; the cookies are `Secure`, which a cookie jar would not send over
this plain-HTTP hop, so each user keeps its own and sends them back by hand (as .ci/deploy_smoke_http.py).
At the end prints requests, failures, p50 and p95 per endpoint, and exits non-zero if any request failed.
Not collected by pytest (the file name does not match test_*.py).
"""

import itertools
import os
import re
import threading

from locust import HttpUser, between, events, task

HOST = os.environ.get("LOAD_HOST", "rcp.example.org")
ORIGIN = f"https://{HOST}"
PASSWORD = "demo"
# The demo centre's accounts that may write a decision draft (a viewer may not); no second factor on a
# demo centre, and a successful login never counts towards the lockout, however many sessions.
ACCOUNTS = ["chair", "coordinator", "clinician", "radiotherapist", "surgeon"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
SAVED_REVISION = re.compile(r'data-saved-revision="(\d+)"')

numbers = itertools.count()
agenda: list[int] = []  # the meeting's case ids, read by the first user that logs in
reading_agenda = threading.Lock()  # cooperative: locust patches threading for gevent


class BoardMember(HttpUser):
    # A page every 3 s on average: faster than people read a dossier, so 50 users weigh as many more.
    wait_time = between(1, 5)

    def on_start(self):
        self.number = next(numbers)
        self.cookies: dict[str, str] = {}
        self.client.headers.update({"Host": HOST, "X-Forwarded-Proto": "https", "Origin": ORIGIN})
        self.patients: list[str] = []
        self.case = None  # the case whose draft this user writes, if any
        self.revision = None
        self.visits = 0
        self.log_in(ACCOUNTS[self.number % len(ACCOUNTS)])
        self.patient_list()
        with reading_agenda:  # once, while the others wait for it
            if not agenda:
                self.read_agenda()
        if self.number < len(agenda):
            self.case = agenda[self.number]
            self.open_draft()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def request(self, method, path, **kwargs):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        kwargs["headers"] = {**kwargs.get("headers", {}), "Cookie": cookie}
        response = self.client.request(method, path, **kwargs)
        self.cookies.update(response.cookies.get_dict())
        return response

    def log_in(self, username):
        page = self.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        with self.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            headers={"Referer": f"{ORIGIN}/accounts/login/"},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/patients/":
                response.failure(f"{username} not logged in: {response.status_code}")

    def read_agenda(self):
        meetings = self.get("/meetings/", name="/meetings/")
        meeting = re.search(r'href="/meetings/(\d+)/"', meetings.text).group(1)
        page = self.get(f"/meetings/{meeting}/", name="/meetings/[id]/")
        agenda[:] = sorted(set(map(int, re.findall(r'href="/cases/(\d+)/"', page.text))))

    def open_draft(self):
        page = self.get(f"/cases/{self.case}/decision/", name="/cases/[id]/decision/")
        self.token = CSRF.search(page.text).group(1)
        self.revision = REVISION.search(page.text).group(1)

    @task(3)
    def patient_list(self):
        page = self.get("/patients/", name="/patients/")
        self.patients = sorted(set(re.findall(r'href="/patients/(\d+)/"', page.text)))

    @task(4)
    def patient_page(self):
        if not self.patients:
            return
        patient = self.patients[(self.number + self.visits) % len(self.patients)]
        self.visits += 1
        self.get(f"/patients/{patient}/", name="/patients/[id]/")

    @task(2)
    def case_dossier(self):
        case = self.case or (agenda[(self.number + self.visits) % len(agenda)] if agenda else None)
        if case is not None:
            self.get(f"/cases/{case}/", name="/cases/[id]/ (dossier)")

    @task(4)
    def autosave(self):
        if self.case is None:
            return
        self.saves = getattr(self, "saves", 0) + 1
        with self.post(
            f"/cases/{self.case}/decision/",
            data={
                "csrfmiddlewaretoken": self.token,
                "revision": self.revision,
                "free_text": f"Radiothérapie 8 Gy en une fraction (brouillon {self.saves}).",
            },
            headers={
                "HX-Request": "true",
                "Referer": f"{ORIGIN}/cases/{self.case}/decision/",
                "X-CSRFToken": self.token,
            },
            name="/cases/[id]/decision/ (autosave)",
            catch_response=True,
        ) as response:
            saved = SAVED_REVISION.search(response.text or "")
            if response.status_code != 200 or saved is None:
                response.failure(f"autosave not saved: {response.status_code}")
            else:
                self.revision = saved.group(1)


@events.quitting.add_listener
def summary(environment, **kwargs):
    """A short table after locust's own, and a non-zero exit if any request failed."""
    stats = environment.stats
    print(f"\n{'endpoint':<44} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}")
    rows = sorted(stats.entries.values(), key=lambda entry: (entry.name, entry.method))
    for label, entry in [*((f"{e.method} {e.name}", e) for e in rows), ("all", stats.total)]:
        p50, p95 = (entry.get_response_time_percentile(share) for share in (0.5, 0.95))
        print(f"{label:<44} {entry.num_requests:>9} {entry.num_failures:>9} {p50:>8.0f} {p95:>8.0f}")
    total = stats.total
    environment.process_exit_code = 1 if total.num_failures or not total.num_requests else 0
