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


def test_record_a_three_line_decision_in_presentation_mode_validate_and_download_the_minute(login, chair):
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

    def add_line(kind):
        page.locator("#id_new_kind").select_option(kind)
        page.get_by_role("button", name="Ajouter la ligne").click()
        expect(page.locator("#line-editor")).to_be_visible()
        return page.locator("#line-editor")

    editor = add_line("radiotherapy")
    expect(editor).to_contain_text("Nouvelle ligne : Radiothérapie")
    editor.get_by_label("L2").check()
    editor.get_by_label("Intention").select_option("analgesic")
    editor.get_by_label("Technique").select_option("3d")
    editor.get_by_label("Schéma").select_option("other")
    editor.get_by_label("Dose totale (Gy)").fill("30")
    editor.get_by_label("Fractions").fill("1")
    editor.get_by_role("button", name="Enregistrer la ligne").click()
    # Refused beside its field; what was typed stays.
    expect(page.locator("#line-editor")).to_contain_text("n’est pas un schéma plausible")
    expect(page.locator("#line-editor").get_by_label("Dose totale (Gy)")).to_have_value("30")
    page.locator("#line-editor").get_by_label("Fractions").fill("10")
    page.locator("#line-editor").get_by_role("button", name="Enregistrer la ligne").click()
    lines = page.locator("#proposal-lines")
    expect(lines).to_contain_text("Radiothérapie — L2 : 30 Gy en 10 fractions")

    editor = add_line("bma")
    editor.get_by_label("Médicament").select_option("denosumab")
    editor.get_by_label("Intervalle").select_option("4")
    editor.get_by_label("Bilan dentaire préalable").check()
    # Saved from the keyboard: the button is reached and pressed like any other.
    editor.get_by_role("button", name="Enregistrer la ligne").focus()
    page.keyboard.press("Enter")
    expect(lines).to_contain_text("Dénosumab ; 120 mg ; toutes les 4 semaines ; bilan dentaire préalable")

    editor = add_line("exams")
    editor.get_by_label("Examen").select_option("spine_mri")
    editor.get_by_role("button", name="Enregistrer la ligne").click()
    expect(lines.locator("li")).to_have_count(3)

    page.locator("textarea[name=free_text]").fill("Avis du radiothérapeute sur le schéma.")
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
    assert [line["kind"] for line in minute.snapshot["decision"]["lines"]] == ["radiotherapy", "bma", "exams"]
    page.get_by_role("link", name=re.compile("Retour au mode présentation|Back to presentation")).click()
    expect(page.locator("#present-count")).to_contain_text("1 / 1")
