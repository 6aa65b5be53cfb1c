"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are
# still synchronous and safe, so Django's async guard is lifted for the browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps` (Debian package chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request, collected_static):
    """pytest-django's live server, serving static files as production does: WhiteNoise from the collected
    STATIC_ROOT (hashed names), instead of staticfiles' handler, which knows no hashed name."""
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
    server = LiveServer(address or "localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log in through the login form; for a user who must use a second factor (chairs, deputies, staff),
    with a new authenticator app whose code is typed on the verification page, as a user would."""

    def login_as(user, password="test-password"):
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from rcp.accounts.security import second_factor_required

        device = None
        if second_factor_required(type(user).objects.get(pk=user.pk)):
            TOTPDevice.objects.filter(user=user).delete()  # a new app: its first code was never used
            device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
        page.goto("/accounts/login/")
        page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Username")).fill(user.username)
        page.locator("input[name=password]").fill(password)
        page.locator("form button[type=submit]").click()
        if device is not None:
            page.wait_for_url("**/accounts/two-factor/verify/**")
            page.locator("input[name=code]").fill(f"{totp(device.bin_key):06d}")
            page.locator("#verify-form button[type=submit]").click()
        page.wait_for_url("**/patients/")
        return page

    return login_as
