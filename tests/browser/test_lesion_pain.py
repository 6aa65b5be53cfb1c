"""A lesion's own pain: edited on the lesion's page, it changes that lesion's SINS and no other's."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from patients import models as m
from scoring import registry
from tests.factories import (
    AssessmentFactory,
    ExamFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
)


def test_editing_a_lesions_pain_changes_its_sins_and_only_its_sins(login, clinician):
    patient = PatientFactory(centre=clinician.centre)
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient, pain_nrs=8, pain_mechanical=True)  # the patient's: no lesion's
    exam = ExamFactory(patient=patient, modality="spine_mri")
    rows = {}
    for level, location in (("T4", "semi_rigid"), ("L2", "mobile")):
        observation = LesionFactory(
            exam=exam, vertebral_level=level, collapse="none", posterolateral="none", alignment="normal"
        )
        rows[level] = observation.lesion
        inputs = {"location": location, "pain": "none", "lesion": "lytic", "alignment": "normal",
                  "collapse": "none", "posterolateral": "none"}  # fmt: skip
        result = registry.get("sins").compute(**inputs)
        m.ScoreAssessment.objects.record(result, patient=patient, lesion=observation.lesion)
    page = login(clinician)
    page.goto(patient.get_absolute_url())
    t4, l2 = page.locator(f"#lesion-{rows['T4'].pk}"), page.locator(f"#lesion-{rows['L2'].pk}")
    expect(t4).to_contain_text("SINS 3")  # semi-rigid 1, lytic 2
    expect(l2).to_contain_text("SINS 4")  # mobile 2, lytic 2

    l2.get_by_role("link", name="L2", exact=True).click()
    page.locator("input[name=pain_nrs]").fill("7")
    page.locator("select[name=pain_mechanical]").select_option("true")
    page.locator("input[name=pain_date]").fill(timezone.localdate().isoformat())
    page.locator("#lesion-pain-form button[type=submit]").click()
    expect(page.locator(".alert-success, .alert-info").first).to_contain_text("L2")

    page.goto(patient.get_absolute_url())
    expect(l2).to_contain_text("SINS 7")  # + 3 for its mechanical pain
    expect(l2).to_contain_text(re.compile("7/10"))
    expect(t4).to_contain_text("SINS 3")  # unchanged: the pain is L2's, not the patient's
