"""HTTP checks of a deployed site (used by .ci/deploy-smoke): python deploy_smoke_http.py PORT HOST

Speaks to gunicorn on 127.0.0.1:PORT as the README's TLS-terminating proxy would: `Host: HOST` and
`X-Forwarded-Proto: https`. The production cookies are `Secure`, so they are kept and sent back by hand
(a cookie jar would not send them over plain HTTP). Prints each check; exits non-zero on the first failure.
"""

import http.client
import re
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

PORT, HOST = int(sys.argv[1]), sys.argv[2]
ORIGIN = f"https://{HOST}"
cookies: dict[str, str] = {}


def request(method, path, *, body=None, headers=None, proxied=True):
    sent = {"Host": HOST, **(headers or {})}
    if proxied:
        sent["X-Forwarded-Proto"] = "https"
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            if not morsel["secure"]:
                fail(f"cookie {name} is not Secure")
            cookies[name] = morsel.value
    return response, content


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print(f"ok   {message}")


def wait_until_serving(seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return request("GET", "/accounts/login/")
        except OSError:
            if time.monotonic() > deadline:
                fail(f"gunicorn did not answer on 127.0.0.1:{PORT} within {seconds} s")
            time.sleep(0.5)


response, content = wait_until_serving()
html = content.decode()
check(response.status == 200, f"GET {ORIGIN}/accounts/login/ → {response.status}")
check("max-age=31536000" in (response.headers["Strict-Transport-Security"] or ""), "HSTS header")
check("csrftoken" in cookies, "CSRF cookie set (Secure)")

plain, _ = request("GET", "/accounts/login/", proxied=False)
check(
    plain.status == 301 and plain.headers["Location"] == f"{ORIGIN}/accounts/login/",
    f"plain HTTP redirected to HTTPS → {plain.status} {plain.headers['Location']}",
)

assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
stylesheets = [url for url in assets if re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url)]
check(len(stylesheets) == 1, f"the login page links the hashed stylesheet {stylesheets}")
for url in assets:
    asset, body = request("GET", url, headers={"Accept-Encoding": "identity"})
    check(asset.status == 200 and body, f"GET {url} → {asset.status}, {len(body)} bytes")
(stylesheet,) = stylesheets
asset, body = request("GET", stylesheet, headers={"Accept-Encoding": "br, gzip"})
headers = ("Content-Type", "Cache-Control", "Content-Encoding")
content_type, cache, encoding = (asset.headers.get(header, "") for header in headers)
check(content_type.startswith("text/css"), f"{stylesheet} is {content_type}")
check("immutable" in cache, f"cached for good: {cache}")
check(encoding == "br", f"served compressed: {encoding}")

token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
check(token is not None, "the login form carries a CSRF token")
form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": "chair", "password": "demo"})
response, _ = request(
    "POST",
    "/accounts/login/",
    body=form,
    headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": ORIGIN,
        "Referer": f"{ORIGIN}/accounts/login/",
    },
)
check(
    response.status == 302 and response.headers["Location"] == "/patients/",
    f"POST login as chair/demo → {response.status} {response.headers['Location']}",
)
check("sessionid" in cookies, "session cookie set (Secure)")

response, content = request("GET", "/patients/")
page = content.decode()
check(response.status == 200, f"GET /patients/ → {response.status}")
check("Camille Président" in page, "logged in as the demo chair (Camille Président)")
patients = set(re.findall(r'href="/patients/(\d+)/"', page))
check(len(patients) >= 10, f"the patient list shows the demo centre's patients ({len(patients)})")
