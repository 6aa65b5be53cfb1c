"""The minute is a French document, whatever the chair's language: decimal commas in every number,
sources named in French, site labels that agree in gender; the decision form's dose help follows the
reader's language (in the form of a bone-modifying agent's line)."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rcp.models import Minute
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PrimaryTumourFactory,
    TreatmentFactory,
    propose,
    started_meeting,
)
from tests.tasks import minute_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(centre, chair, deputy):
    meeting = started_meeting(centre=centre, chair=chair, deputy=deputy)
    case = CaseFactory(meeting=meeting, patient__centre=centre, question="Conduite à tenir ?")
    patient = case.patient
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient, life_expectancy_months=Decimal("4.5"))
    LabFactory(patient=patient, calcium=Decimal("3.45"))  # albumin 40 g/L: corrected calcium 3.45 mmol/L
    exam = ExamFactory(patient=patient)
    LesionFactory(exam=exam, site="rib", rib_number=5, side="right")
    LesionFactory(exam=exam, site="femur_shaft", side="left")
    TreatmentFactory(
        patient=patient,
        category="radiotherapy",
        systemic_class="",
        name="",
        rt_dose_gy=Decimal("8.5"),
        rt_fractions=1,
    )
    return case


def validate(client, case):
    data = {"conforms": "true", "validate": "1", "revision": 0}
    return client.post(reverse("rcp:decision", args=[case.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_minute_pdf_is_french_with_decimal_commas_and_agreeing_site_labels(client_for, chair, case):
    propose(case, chair, "bma", action="start", drug="zoledronic_acid", interval_weeks="4")
    assert validate(client_for(chair), case).status_code == 302
    pdf = PdfReader(io.BytesIO(minute_pdf(Minute.objects.get())))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    for expected in (
        "calcémie corrigée 3,45 mmol/L",
        "Calcémie corrigée 3,45 mmol/L > 2,60 mmol/L",  # the finding
        "espérance de vie estimée 4,5 mois",
        "Radiothérapie — 8,5 Gy / 1 fr",
        "Référentiel régional d’oncologie thoracique",  # the finding's source
        "Côte 5 droite",
        "Fémur gauche — diaphyse",
    ):
        assert expected in text, expected
    assert re.search(r"Acide zolédronique ; \d(,\d)? mg ; toutes les 4 semaines", text)
    assert re.search(r"Dose d’acide zolédronique selon la clairance de \d+,\d mL/min", text)
    assert not re.search(r"\d\.\d+ ?(mg|mL/min|mmol/L|Gy|mois)\b", text)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", r"Clairance \d+,\d mL/min : acide zolédronique \d,\d mg \(RCP du produit\)"),
        ("en", r"Clearance \d+\.\d mL/min: zoledronic acid \d\.\d mg \(product label\)"),
    ],
)
def test_the_zoledronic_acid_dose_help_follows_the_readers_language(
    client_for, chair, case, language, expected
):
    page = client_for(chair).get(
        reverse("rcp:decision_line_new", args=[case.pk]), {"kind": "bma"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert re.search(expected, page.content.decode())
