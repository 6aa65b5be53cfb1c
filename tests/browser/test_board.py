import re

from playwright.sync_api import expect

from patients import models as m
from rcp.models import CaseSubmission
from tests.factories import (
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
)


def test_clinician_submits_a_case(login, clinician, chair):
    meeting = MeetingFactory(board=BoardFactory(centre=clinician.centre), chair=chair, title="RCP jeudi")
    patient = PatientFactory(centre=clinician.centre, family_name="Soumis")
    page = login(clinician)
    page.goto("/meetings/")
    page.get_by_role("link", name=re.compile("Soumettre un dossier|Submit a case")).first.click()
    page.locator("select[name=patient]").select_option(str(patient.pk))
    page.locator("select[name=meeting]").select_option(str(meeting.pk))
    page.locator("textarea[name=question]").fill("Fixation prophylactique du fémur ?")
    page.locator("select[name=reason]").select_option("fracture_risk")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#agenda")).to_contain_text("SOUMIS")
    assert CaseSubmission.objects.get(patient=patient).meeting == meeting


def test_coordinator_reorders_the_agenda_by_drag_and_by_keyboard(login, coordinator, chair):
    meeting = MeetingFactory(board=BoardFactory(centre=coordinator.centre), chair=chair)
    first, second, third = (
        CaseFactory(
            meeting=meeting, patient=PatientFactory(centre=coordinator.centre, family_name=name), position=i
        )
        for i, name in enumerate(["Alpha", "Bravo", "Charlie"], start=1)
    )
    page = login(coordinator)
    page.goto(f"/meetings/{meeting.pk}/")
    page.locator(f"#case-{third.pk}").drag_to(
        page.locator(f"#case-{first.pk}"), target_position={"x": 20, "y": 5}
    )
    expect(page.locator("#agenda-status")).not_to_have_text(re.compile("^Drag|^Faites"), timeout=5000)
    page.wait_for_function("() => document.querySelector('#agenda-status').textContent.length < 60")
    assert list(meeting.agenda().values_list("pk", flat=True))[0] == third.pk

    page.reload()
    page.locator(f"#case-{second.pk} .agenda-actions button").first.focus()  # "move up", with the keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    order = list(meeting.agenda().values_list("pk", flat=True))
    assert order.index(second.pk) < order.index(first.pk)


def test_presentation_mode_with_the_keyboard_and_a_correction_from_the_side_panel(login, chair):
    meeting = MeetingFactory(board=BoardFactory(centre=chair.centre), chair=chair)
    patients = []
    for name in ("Premier", "Second"):
        patient = PatientFactory(centre=chair.centre, family_name=name)
        PrimaryTumourFactory(patient=patient)
        AssessmentFactory(patient=patient, pain_nrs=0)
        CaseFactory(meeting=meeting, patient=patient, position=len(patients) + 1)
        patients.append(patient)
    # SINS of this lesion: T6 semi-rigid 1, pain-free 0, lytic 2, normal 0, under 50 % 2, bilateral 3 = 8.
    lesion = LesionFactory(
        exam=ExamFactory(patient=patients[1], modality="spine_mri"),
        vertebral_level="T6",
        lesion_type="lytic",
        collapse="under_50",
        posterolateral="bilateral",
        alignment="normal",
    )
    m.ScoreAssessment.objects.create(
        patient=patients[1],
        lesion=lesion.lesion,
        score="sins",
        version="sins-2010",
        inputs={
            "location": "semi_rigid",
            "pain": "none",
            "lesion": "lytic",
            "alignment": "normal",
            "collapse": "under_50",
            "posterolateral": "bilateral",
        },
        total=8,
        band="indeterminate",
        created_by=chair,
    )

    page = login(chair)
    page.goto(f"/meetings/{meeting.pk}/present/1/")
    expect(page.locator("#present-count")).to_contain_text("1 / 2")
    expect(page.locator(".dossier-title")).to_contain_text("PREMIER")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#present-count")).to_contain_text("2 / 2")
    page.keyboard.press("PageUp")
    expect(page.locator("#present-count")).to_contain_text("1 / 2")
    page.keyboard.press("PageDown")
    expect(page.locator(".dossier-title")).to_contain_text("SECOND")
    expect(page.locator(f"#lesion-{lesion.lesion_id}")).to_contain_text("SINS 8")

    # The lesion was blastic, not lytic: 8 − 2 = 6, stable.
    page.get_by_role("button", name=re.compile("Corriger|Correct")).click()
    page.locator("#panel-lesions button").first.click()
    page.locator("#panel-form select[name=lesion_type]").select_option("blastic")
    page.locator("#panel-form button[type=submit]").click()
    expect(page.locator(f"#lesion-{lesion.lesion_id}")).to_contain_text("SINS 6")
    expect(page.locator(f"#lesion-{lesion.lesion_id} .band")).to_have_class(re.compile("band-low"))
    expect(page.locator("#present-count")).to_contain_text("2 / 2")  # still in presentation mode
