import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from rcp.models import Minute, MinutePdf
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
)
from tests.tasks import run_tasks


def test_record_a_decision_in_presentation_mode_validate_and_download_the_minute(login, chair):
    meeting = MeetingFactory(
        board=BoardFactory(centre=chair.centre), chair=chair, starts_at=timezone.now() - timedelta(hours=1)
    )
    for specialty in ("medical_oncology", "radiation_oncology", "spine_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    patient = PatientFactory(centre=chair.centre, family_name="Decide")
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient)
    LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="L2")
    CaseFactory(meeting=meeting, patient=patient, question="Radiothérapie de L2 ?")

    page = login(chair)
    page.goto(f"/meetings/{meeting.pk}/present/1/")
    page.locator("#present-decision").click()
    expect(page.locator("h1")).to_contain_text("DECIDE")
    page.locator("input[name=p_radiotherapy]").check()
    page.locator("input[name=p_radiotherapy_site]").fill("L2")
    page.locator("select[name=p_radiotherapy_scheme]").select_option("20x5")
    page.locator("textarea[name=free_text]").fill("Radiothérapie 20 Gy en 5 fractions sur L2.")
    page.locator("input[name=conforms][value=true]").check()
    expect(page.locator("#draft-status")).to_contain_text(re.compile("enregistré|saved"))  # autosaved

    page.get_by_role("button", name=re.compile("Valider|Validate")).click()
    expect(page.locator("#validated-versions")).to_be_visible()
    expect(page.locator("#validated-versions .minute-pdf-pending")).to_be_visible()  # until the worker ran
    run_tasks()
    page.reload()
    with page.expect_download() as download_info:
        page.locator("#validated-versions a[download]").first.click()
    path = download_info.value.path()
    pdf = path.read_bytes()
    minute = Minute.objects.get()
    assert pdf == bytes(MinutePdf.objects.get(minute=minute).pdf)
    assert pdf.startswith(b"%PDF-1.7")
    page.get_by_role("link", name=re.compile("Retour au mode présentation|Back to presentation")).click()
    expect(page.locator("#present-count")).to_contain_text("1 / 1")
