"""The session's expiry in the browser (static/js/session.js), with a timeout of seconds: a page warns
before the idle timeout and "stay signed in" keeps the session; presentation mode keeps it alive while
it is shown; at the timeout the page goes to the login page, which says why."""

import re

from playwright.sync_api import expect

from tests.factories import BoardFactory, CaseFactory, MeetingFactory, PatientFactory, PrimaryTumourFactory

TIMEOUT = 10  # seconds
WARNING = 6  # seconds before the timeout: the warning shows 4 s after a page is loaded


def test_the_session_warns_before_expiring_and_presentation_mode_keeps_it_alive(login, chair, settings):
    settings.SESSION_IDLE_TIMEOUT = TIMEOUT
    settings.SESSION_IDLE_WARNING = WARNING
    meeting = MeetingFactory(board=BoardFactory(centre=chair.centre), chair=chair, title="RCP du soir")
    patient = PatientFactory(centre=chair.centre, family_name="Projeté")
    PrimaryTumourFactory(patient=patient)
    CaseFactory(meeting=meeting, patient=patient, position=1)
    page = login(chair)  # the password, then the app's code (a chair)
    answers = []
    page.on(
        "response", lambda r: answers.append((r.request.method, r.status)) if "/session/" in r.url else None
    )

    page.goto("/meetings/")
    warning = page.locator("#session-expiry")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=(TIMEOUT - WARNING + 3) * 1000)
    expect(warning).to_contain_text("Sans activité, votre session se termine dans")
    page.evaluate("window.stillThisPage = true")
    page.get_by_role("button", name="Rester connecté").click()
    expect(warning).to_be_hidden()
    assert ("POST", 200) in answers and page.evaluate("window.stillThisPage") is True  # no reload

    # Presentation mode: more than the timeout on one case, and the session is still open.
    page.goto(f"/meetings/{meeting.pk}/present/1/")
    page.evaluate("window.stillThisPage = true")
    answers.clear()
    page.wait_for_timeout((TIMEOUT + 5) * 1000)
    expect(warning).to_be_hidden()
    assert page.evaluate("window.stillThisPage") is True  # kept alive by its requests, not by reloads
    assert answers.count(("POST", 200)) >= 3 and all(status == 200 for _method, status in answers)
    page.reload()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/present/1/$"))

    # An ordinary page left alone: warned, then sent to the login page with the reason.
    page.goto("/meetings/")
    expect(warning).to_be_visible(timeout=(TIMEOUT - WARNING + 3) * 1000)
    expect(page).to_have_url(re.compile(r"/accounts/login/"), timeout=(WARNING + 5) * 1000)
    expect(page.locator(".messages")).to_contain_text("Session expirée après 1 minute d’inactivité")
