import re

from playwright.sync_api import expect

from patients import models as m
from tests.factories import (
    AssessmentFactory,
    ExamFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
)


def test_changing_a_sins_field_updates_total_and_band_without_a_page_load(login, clinician):
    patient = PatientFactory(centre=clinician.centre)
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient, pain_nrs=0)
    lesion = LesionFactory(
        exam=ExamFactory(patient=patient, modality="spine_mri"),
        vertebral_level="T6",
        lesion_type="blastic",
        collapse="none",
        posterolateral="none",
        alignment="normal",
    )
    m.TrackedLesion.objects.filter(pk=lesion.lesion_id).update(pain_nrs=0, pain_date=lesion.exam.date)
    page = login(clinician)
    page.goto(f"/patients/{patient.pk}/lesions/{lesion.lesion_id}/scores/sins/")
    # Prefilled from the record: T6 semi-rigid 1, pain-free 0, blastic 0, normal 0, no collapse 0, none 0.
    expect(page.locator("#score-total")).to_have_text("1")
    expect(page.locator(".score-card")).to_have_attribute("data-band", "stable")
    page.evaluate("window.__marker = 'same page'")

    page.locator("input[name=alignment][value=subluxation]").check()  # + 4
    page.locator("input[name=lesion][value=lytic]").check()  # + 2
    expect(page.locator("#score-total")).to_have_text("7")
    expect(page.locator(".score-card")).to_have_attribute("data-band", "indeterminate")
    expect(page.locator("#score-band")).to_contain_text("instable (7–12)")  # the word, not only the colour

    page.locator("input[name=collapse][value=over_50]").check()  # + 3
    page.locator("input[name=posterolateral][value=bilateral]").check()  # + 3
    expect(page.locator("#score-total")).to_have_text("13")
    expect(page.locator(".score-card")).to_have_attribute("data-band", "unstable")
    assert page.evaluate("window.__marker") == "same page"  # no page load happened

    page.get_by_role("button", name=re.compile("Enregistrer|Save")).click()
    expect(page.locator("#lesion-table")).to_contain_text("13")


def test_prefilled_radio_buttons_are_drawn_whole(login, clinician):
    """A prefilled radio keeps its round border on every side; the text inputs keep their left mark."""
    patient = PatientFactory(centre=clinician.centre)
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient, pain_nrs=0)
    lesion = LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="T6")
    page = login(clinician)
    page.goto(f"/patients/{patient.pk}/lesions/{lesion.lesion_id}/scores/sins/")
    radios = page.locator("input[type=radio][data-prefilled]")
    expect(radios.first).to_be_visible()
    widths = radios.evaluate_all(
        "els => els.map(e => [getComputedStyle(e).borderLeftWidth, getComputedStyle(e).borderRightWidth])"
    )
    assert widths and all(left == right for left, right in widths), widths
