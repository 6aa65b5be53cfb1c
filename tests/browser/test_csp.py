"""The Content-Security-Policy in a real browser: no violation on any page kind, with the scripts at work
(live score recompute, presentation side panel, decision autosave, language switch, admin), and the
submit buttons of a sent form disabled until the answer comes."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    AssessmentFactory,
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
    UserFactory,
)

# Recorded by the page itself, before any script of the site runs.
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


POLICY_MESSAGE = re.compile(
    r"Content.Security.Policy|Permissions.Policy|Refused to|unsafe-eval", re.IGNORECASE
)


@pytest.fixture
def watched(page):
    """The page, and every CSP violation or console error it reports (each page load starts a new list)."""
    problems = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console", lambda msg: POLICY_MESSAGE.search(msg.text) and problems.append(f"console: {msg.text}")
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def violations():
        found = problems + page.evaluate("window.__csp || []")
        problems.clear()
        return found

    return page, violations


@pytest.fixture
def board(chair):
    meeting = MeetingFactory(
        board=BoardFactory(centre=chair.centre), chair=chair, starts_at=timezone.now() - timedelta(hours=1)
    )
    for specialty in ("medical_oncology", "radiation_oncology", "spine_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    patient = PatientFactory(centre=chair.centre, family_name="Politique")
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient)
    lesion = LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="T6")
    case = CaseFactory(meeting=meeting, patient=patient, question="Radiothérapie de T6 ?")
    return meeting, case, lesion


def visit(page, violations, url, seen):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    seen[url] = violations()


def test_no_policy_violation_on_any_page_kind(watched, login, chair, board):
    page, violations = watched
    meeting, case, lesion = board
    patient = case.patient
    login(chair)
    seen = {}
    for url in (
        "/patients/",
        patient.get_absolute_url(),
        f"/patients/{patient.pk}/history/",
        f"/patients/{patient.pk}/lab/add/",
        "/meetings/",
        meeting.get_absolute_url(),
        f"/cases/{case.pk}/",
        f"/meetings/{meeting.pk}/dossier/",
    ):
        visit(page, violations, url, seen)

    # Score form: the result is recomputed by htmx as the form changes.
    visit(page, violations, f"/patients/{patient.pk}/lesions/{lesion.lesion_id}/scores/sins/", seen)
    with page.expect_response(lambda response: response.request.method == "POST") as live:
        page.locator("input[name=alignment][value=subluxation]").check()
    assert live.value.status == 200 and live.value.request.headers.get("hx-request") == "true"
    assert "submit_once" not in live.value.request.post_data  # a recompute consumes no one-time token
    page.wait_for_load_state("networkidle")
    seen["score form, live"] = violations()

    # Presentation mode: the side panel loads a form by htmx.
    visit(page, violations, f"/meetings/{meeting.pk}/present/1/", seen)
    correct = page.get_by_role("button", name=re.compile("Corriger|Correct"))
    if correct.count():
        correct.first.click()
        page.wait_for_load_state("networkidle")
    seen["presentation, panel"] = violations()

    # Decision form: autosaved by htmx as the board talks.
    visit(page, violations, f"/cases/{case.pk}/decision/", seen)
    page.locator("textarea[name=free_text]").fill("Radiothérapie de T6.")
    expect(page.locator("#draft-status")).to_contain_text(re.compile("enregistré|saved"))
    seen["decision, autosave"] = violations()

    # The language switch, without its former inline handler.
    visit(page, violations, "/patients/", seen)
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    seen["language switch"] = violations()

    assert {url: found for url, found in seen.items() if found} == {}


def test_no_policy_violation_in_the_admin(watched, login, centre):
    page, violations = watched
    admin = UserFactory(username="root", centre=centre, is_staff=True, is_superuser=True)
    login(admin)
    seen = {}
    for url in (
        "/admin/",
        "/admin/patients/patient/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin.pk}/change/",
    ):
        visit(page, violations, url, seen)
    assert {url: found for url, found in seen.items() if found} == {}


def test_the_login_page_has_no_violation(watched):
    page, violations = watched
    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")
    assert violations() == []


def test_a_sent_form_has_its_buttons_disabled_and_still_says_which_button_sent_it(login, clinician):
    patient = PatientFactory(centre=clinician.centre)
    page = login(clinician)
    page.goto(f"/patients/{patient.pk}/scores/tomita/")
    for name, value in (
        ("primary_growth", "rapid"),
        ("visceral_metastases", "none"),
        ("bone_metastases", "multiple"),
    ):
        page.locator(f"input[name={name}][value={value}]").check()
    page.wait_for_load_state("networkidle")
    sent = []

    def hold(route):  # the page sends the form; the answer never comes, so the page stays as it is
        if route.request.method == "POST" and "hx-request" not in route.request.headers:
            sent.append(route.request.post_data)
            route.abort("aborted")
        else:
            route.continue_()

    page.route(f"**/patients/{patient.pk}/scores/tomita/", hold)
    save = page.locator("button[name=save]")
    save.click()
    expect(save).to_be_disabled()
    expect(page.locator("button[name=compute]")).to_be_disabled()
    assert len(sent) == 1 and "save=1" in sent[0]
