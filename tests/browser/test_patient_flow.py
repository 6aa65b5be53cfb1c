import re

from playwright.sync_api import expect

from patients import models as m
from tests.factories import ExamFactory, LesionFactory, PatientFactory, PrimaryTumourFactory


def test_clinician_logs_in_opens_a_patient_and_adds_a_lesion(login, clinician):
    patient = PatientFactory(centre=clinician.centre, family_name="Navigateur", referring_physician=clinician)
    PrimaryTumourFactory(patient=patient)
    exam = ExamFactory(patient=patient, modality="spine_mri")
    LesionFactory(exam=exam, vertebral_level="T8")

    page = login(clinician)
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    page.get_by_role("link", name=re.compile("NAVIGATEUR")).click()
    expect(page.locator("#lesion-table")).to_contain_text("T8")

    page.get_by_role("link", name=re.compile("Ajouter une lésion|Add a lesion")).first.click()
    page.locator("select[name=site]").select_option("vertebra")
    page.locator("select[name=vertebral_level]").select_option("T11")
    page.locator("select[name=lesion_type]").select_option("lytic")
    page.locator("select[name=collapse]").select_option("under_50")
    page.locator("select[name=vertebral_level]").press("Tab")  # keyboard reachable
    page.get_by_role("button", name=re.compile("^(Enregistrer|Save)$")).click()

    expect(page.locator("#lesion-table")).to_contain_text("T11")
    assert m.LesionObservation.objects.filter(
        exam=exam, lesion__vertebral_level="T11", collapse="under_50"
    ).exists()


def test_bad_lesion_keeps_what_was_typed_and_says_why(login, clinician):
    patient = PatientFactory(centre=clinician.centre)
    exam = ExamFactory(patient=patient)
    page = login(clinician)
    page.goto(f"/patients/{patient.pk}/exam/{exam.pk}/lesions/add/")
    page.locator("select[name=site]").select_option("femur_shaft")
    page.locator("select[name=vertebral_level]").select_option("L2")
    page.locator("select[name=lesion_type]").select_option("blastic")
    page.locator("textarea[name=notes]").fill("note à conserver")
    page.get_by_role("button", name=re.compile("^(Enregistrer|Save)$")).click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("textarea[name=notes]")).to_have_value("note à conserver")
    expect(page.locator("select[name=lesion_type]")).to_have_value("blastic")
    assert not m.LesionObservation.objects.filter(exam=exam).exists()
