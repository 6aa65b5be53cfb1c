"""After the board, in a browser: a three-line decision recorded in presentation mode and validated, one of
its actions marked done, and the delay on the patient page."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from rcp.models import Action
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
    UserFactory,
    started_meeting,
)


def add_line(page, kind, fields):
    page.locator("#id_new_kind").select_option(kind)
    page.locator("#add-line button").click()
    editor = page.locator("#line-editor")
    expect(editor).to_be_visible()
    for name, value in fields.items():
        if name == "lesions":
            editor.locator("input[name='line-lesions']").first.check()
        else:
            editor.locator(f"[name='line-{name}']").select_option(value)
    count = page.locator(".proposal-line").count()
    editor.get_by_role("button", name=re.compile("Enregistrer la ligne|Save the line")).click()
    expect(page.locator(".proposal-line")).to_have_count(count + 1)


def test_a_three_line_decision_becomes_actions_one_done_and_its_delay_shown(login, chair):
    deputy = UserFactory(centre=chair.centre, role="chair", specialty="radiation_oncology")
    meeting = started_meeting(centre=chair.centre, chair=chair, deputy=deputy)
    patient = PatientFactory(centre=chair.centre, family_name="Suivi")
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient)
    LabFactory(patient=patient)
    LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="L2")
    CaseFactory(
        meeting=meeting, patient=patient, question="Radiothérapie de L2 ?", presenting_physician=chair
    )

    page = login(chair)
    page.goto(f"/meetings/{meeting.pk}/present/1/")
    page.locator("#present-decision").click()
    expect(page.locator("h1")).to_contain_text("SUIVI")
    add_line(
        page, "radiotherapy", {"lesions": True, "intent": "analgesic", "technique": "3d", "schedule": "20x5"}
    )
    add_line(page, "bma", {"drug": "denosumab", "interval_weeks": "4"})
    add_line(page, "analgesia", {"who_step": "2"})
    page.locator("input[name=conforms][value=true]").check()
    expect(page.locator("#draft-status")).to_contain_text(re.compile("enregistré|saved"))
    page.get_by_role("button", name=re.compile("Valider|Validate")).click()
    expect(page.locator("#validated-versions")).to_be_visible()
    assert Action.objects.filter(line__decision__case__patient=patient).count() == 3

    page.goto(f"/patients/{patient.pk}/")
    follow_up = page.locator("#patient-follow-up")
    expect(follow_up.locator("[data-delay=first-action]")).to_contain_text(
        re.compile("pas encore|not started")
    )
    follow_up.get_by_role("link", name=re.compile("Radiothérapie|Radiotherapy")).click()
    page.get_by_role("button", name=re.compile("Marquer fait|Mark done")).click()
    expect(page.locator("#action-status")).to_contain_text(re.compile("fait|done"))

    page.goto(f"/patients/{patient.pk}/")
    board = timezone.localtime(meeting.starts_at).date()
    days = (timezone.localdate() - board).days
    expect(page.locator("#patient-follow-up [data-delay=first-action]")).to_contain_text(
        re.compile(rf"^{days} (jour|day)")
    )
    rt = Action.objects.get(line__kind="radiotherapy")
    assert rt.status == "done" and rt.done_on == timezone.localdate()
