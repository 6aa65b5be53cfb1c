"""PostgreSQL restarted under autosaves (tests/load/faults): python faults.py PORT HOST

Speaks to gunicorn as the proxy would (as .ci/deploy_smoke_http.py). A secretary autosaves a decision
draft five times a second while FAULT_RESTART (a `pg_ctl restart`) runs; then the site must answer again
by itself within a minute, gunicorn untouched, and the draft stored must be the last acknowledged one or
a later one: no acknowledged draft lost. Prints what happened; exits non-zero if either fails.
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


def request(method, path, form=None):
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": ORIGIN, "Referer": ORIGIN + path}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}
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
status, _ = request(
    "POST",
    "/accounts/login/",
    {"csrfmiddlewaretoken": token(page), "username": "coordinator", "password": "demo"},
)
assert status == 302, f"login: {status}"
_, page = request("GET", "/meetings/")
meeting = re.search(r'href="/meetings/(\d+)/"', page).group(1)
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

recovered = None
deadline = time.monotonic() + 60
errors = 0
while time.monotonic() < deadline:
    try:
        status, page = request("GET", path)
    except OSError:
        status = None
    if status == 200:
        recovered = 60 - (deadline - time.monotonic())
        break
    errors += 1
    time.sleep(0.5)
if recovered is None:
    print("FAIL: the site did not answer within 60 s of the last autosave")
    sys.exit(1)
print(f"site answering again {recovered:.1f} s after the last autosave ({errors} failed reads before)")
stored = re.search(r"brouillon (\d+)", page)
stored = int(stored.group(1)) if stored else 0
print(f"last acknowledged draft: brouillon {acknowledged}; stored: brouillon {stored}")
if stored < acknowledged:
    print("FAIL: an acknowledged draft was lost")
    sys.exit(1)
print("no acknowledged draft lost; the site recovered by itself")
