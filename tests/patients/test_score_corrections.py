"""The corrections to the guideline's printed score tables on the record's pages: the score form, the
patient page (once per score kind, only for the scores with a saved result) and a lesion's page."""

import pytest
from django.urls import reverse

from patients import models as m
from scoring import registry
from tests.factories import ExamFactory, LesionFactory, PatientFactory, PrimaryTumourFactory

pytestmark = pytest.mark.django_db

HEADING = "Corrections to the guideline's tables</h3>"
MIRELS_EN = "four items of 1 to 3 points range from 4 to 12"
TOKUHASHI_EN = "lists five items; the revised score has six"
MIRELS = {"site": "lower_limb", "pain": "moderate", "lesion": "lytic", "size": "one_to_two_thirds"}
TOKUHASHI = {
    "karnofsky": 70,
    "extraspinal_bone_metastases": 2,
    "vertebral_body_metastases": 1,
    "visceral_metastases": "none",
    "primary_site": "lung",
    "frankel": "E",
}


@pytest.fixture
def patient(centre, clinician):
    """Two femoral lesions and one vertebral lesion."""
    patient = PatientFactory(centre=centre, referring_physician=clinician)
    PrimaryTumourFactory(patient=patient)
    exam = ExamFactory(patient=patient, modality="ct")
    LesionFactory(exam=exam, vertebral_level="T11")
    LesionFactory(exam=exam, site="femur_shaft", side="left")
    LesionFactory(exam=exam, site="femur_shaft", side="right")
    return patient


def save(patient, slug, inputs, lesion=None):
    m.ScoreAssessment.objects.record(registry.get(slug).compute(**inputs), patient=patient, lesion=lesion)


def get(client, name, *args):
    return client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize(
    ("slug", "expected", "absent"),
    [("tokuhashi", TOKUHASHI_EN, MIRELS_EN), ("tomita", None, TOKUHASHI_EN)],
)
def test_the_score_form_shows_its_own_corrections(client_for, clinician, patient, slug, expected, absent):
    html = get(client_for(clinician), "patients:score", patient.pk, slug)
    assert (HEADING in html) is (expected is not None)
    assert expected is None or expected in html
    assert absent not in html


def test_the_live_result_fragment_keeps_the_corrections(client_for, clinician, patient):
    femur = m.TrackedLesion.objects.filter(patient=patient, site="femur_shaft").first()
    url = reverse("patients:lesion_score", args=[patient.pk, femur.pk, "mirels"])
    response = client_for(clinician).post(url, MIRELS, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'data-band="high"' in html and MIRELS_EN in html and "OncoBFC/NEON/ONCORIF 2021 §3.5.2" in html


def test_the_patient_page_explains_the_saved_corrected_scores_once(client_for, clinician, patient):
    client = client_for(clinician)
    html = get(client, "patients:detail", patient.pk)
    assert HEADING not in html  # nothing computed yet: nothing to explain
    for femur in m.TrackedLesion.objects.filter(patient=patient, site="femur_shaft"):
        save(patient, "mirels", MIRELS, femur)
    html = get(client, "patients:detail", patient.pk)
    assert html.count(HEADING) == 1 and html.count(MIRELS_EN) == 1 and TOKUHASHI_EN not in html
    save(patient, "tokuhashi", TOKUHASHI)
    html = get(client, "patients:detail", patient.pk)
    assert html.count(HEADING) == 1 and html.count(MIRELS_EN) == 1 and html.count(TOKUHASHI_EN) == 1


def test_a_lesion_page_explains_its_own_corrected_scores(client_for, clinician, patient):
    left, right = m.TrackedLesion.objects.filter(patient=patient, site="femur_shaft").order_by("side")
    save(patient, "mirels", MIRELS, left)
    client = client_for(clinician)
    assert MIRELS_EN in get(client, "patients:lesion_detail", patient.pk, left.pk)
    assert HEADING not in get(client, "patients:lesion_detail", patient.pk, right.pk)
