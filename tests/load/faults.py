"""PostgreSQL restarted under autosaves, then during validations (tests/load/faults):
python faults.py PORT HOST

Speaks to gunicorn as the proxy would (as .ci/deploy_smoke_http.py). A secretary autosaves a decision
draft five times a second while FAULT_RESTART (a `pg_ctl restart`) runs; then the site must answer again
by itself within a minute, gunicorn untouched, and the draft stored must be the last acknowledged one or
a later one: no acknowledged draft lost. Then, with FAULT_MEETING (a meeting under way whose cases have
drafts: tests/load/fault_setup.py), the chair validates its cases one after the other while PostgreSQL
restarts again; prints the validations acknowledged, for the shell's check that no minute is half-made
(tests/load/fault_check.py). Prints what happened; exits non-zero if anything fails.
"""

import http.client
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

PORT, HOST = int(sys.argv[1]), sys.argv[2]
ORIGIN = f"https://{HOST}"
cookies: dict[str, str] = {}


def request(method, path, form=None, htmx=True):
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": ORIGIN, "Referer": ORIGIN + path}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.update((name, morsel.value) for name, morsel in SimpleCookie(header).items())
    return response.status, text


def token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


for _ in range(120):  # gunicorn's workers import the site: give them a minute
    try:
        _, page = request("GET", "/accounts/login/")
        break
    except OSError:
        time.sleep(0.5)


def log_in(username):
    cookies.clear()
    _, page = request("GET", "/accounts/login/")
    status, _ = request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token(page), "username": username, "password": "demo"},
        htmx=False,
    )
    assert status == 302, f"login of {username}: {status}"


def wait_for_the_site(path, seconds=60):
    """(seconds until `path` answered 200 again, failed reads before, its page), or exit."""
    deadline = time.monotonic() + seconds
    errors = 0
    while time.monotonic() < deadline:
        try:
            status, page = request("GET", path)
        except OSError:
            status = None
        if status == 200:
            return seconds - (deadline - time.monotonic()), errors, page
        errors += 1
        time.sleep(0.5)
    print(f"FAIL: the site did not answer within {seconds} s")
    sys.exit(1)


log_in("coordinator")
_, page = request("GET", "/meetings/")
meeting = os.environ.get("FAULT_MEETING") or re.search(r'href="/meetings/(\d+)/"', page).group(1)
_, page = request("GET", f"/meetings/{meeting}/")
case = re.search(r'href="/cases/(\d+)/"', page).group(1)
path = f"/cases/{case}/decision/"
_, page = request("GET", path)
csrf, revision = token(page), re.search(r'name="revision" value="(\d+)"', page).group(1)

restart = threading.Thread(
    target=subprocess.run,
    args=(shlex.split(os.environ["FAULT_RESTART"]),),
    kwargs={"stdout": subprocess.DEVNULL, "check": True},
)
outcomes: dict[str, int] = {}
acknowledged = 0
started = time.monotonic()
for number in range(1, 76):  # 15 s of autosaves; PostgreSQL restarts after the first 3 s
    if number == 16:
        restart.start()
    try:
        status, text = request(
            "POST",
            path,
            {"csrfmiddlewaretoken": csrf, "revision": revision, "free_text": f"brouillon {number}"},
        )
    except OSError as error:
        status, text = type(error).__name__, ""
    saved = re.search(r'data-saved-revision="(\d+)"', text)
    if status == 200 and saved:
        acknowledged, revision = number, saved.group(1)
    outcomes[str(status)] = outcomes.get(str(status), 0) + 1
    time.sleep(0.2)
restart.join()
# A refused autosave (500 while the server is down) was never acknowledged: the page says so and retries.
print(f"autosaves: {sum(outcomes.values())} sent over {time.monotonic() - started:.0f} s: {outcomes}")

recovered, errors, page = wait_for_the_site(path)
print(f"site answering again {recovered:.1f} s after the last autosave ({errors} failed reads before)")
stored = re.search(r"brouillon (\d+)", page)
stored = int(stored.group(1)) if stored else 0
print(f"last acknowledged draft: brouillon {acknowledged}; stored: brouillon {stored}")
if stored < acknowledged:
    print("FAIL: an acknowledged draft was lost")
    sys.exit(1)
print("no acknowledged draft lost; the site recovered by itself")

meeting = os.environ.get("FAULT_MEETING")
if not meeting:
    sys.exit(0)
log_in("chair")
_, page = request("GET", f"/meetings/{meeting}/")
cases = list(dict.fromkeys(re.findall(r'href="/cases/(\d+)/"', page)))
restart = threading.Thread(
    target=subprocess.run,
    args=(shlex.split(os.environ["FAULT_RESTART"]),),
    kwargs={"stdout": subprocess.DEVNULL, "check": True},
)
acknowledged, outcomes = [], {}
for number, case in enumerate(cases):
    path = f"/cases/{case}/decision/"
    for attempt in range(40):  # a refused validation is tried again, as the chair would
        if number == 1 and attempt == 0:
            restart.start()  # PostgreSQL restarts as the second case is validated
        try:
            status, page = request("GET", path)
            if status != 200:
                raise OSError(status)
            revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
            form = {
                "csrfmiddlewaretoken": token(page),
                "revision": revision,
                "conforms": "true",
                "validate": "1",
                "quorum_override": "Urgence (test de panne).",
            }
            status, _ = request("POST", path, form, htmx=False)
        except (OSError, AttributeError) as error:
            status = type(error).__name__
        outcomes[str(status)] = outcomes.get(str(status), 0) + 1
        if status == 302:
            acknowledged.append(case)
            break
        time.sleep(0.25)
restart.join()
print(f"validations: {len(cases)} cases, {len(acknowledged)} acknowledged; answers {outcomes}")
recovered, errors, _ = wait_for_the_site(f"/meetings/{meeting}/")
print(f"site answering again {recovered:.1f} s after the last validation ({errors} failed reads before)")
print(f"ACKNOWLEDGED={len(acknowledged)}")
