"""Server time of the live score fragment. Timed only with `make bench` (pytest-benchmark); in the normal
suite it runs once as a plain test, so it never fails on a slow machine."""

import pytest
from django.urls import reverse

from tests.factories import ExamFactory, LesionFactory, PatientFactory

pytestmark = pytest.mark.django_db

SINS = {
    "location": "junctional",
    "pain": "mechanical",
    "lesion": "lytic",
    "alignment": "normal",
    "collapse": "under_50",
    "posterolateral": "unilateral",
}


def test_live_sins_fragment_server_time(benchmark, client_for, clinician):
    patient = PatientFactory(centre=clinician.centre)
    lesion = LesionFactory(exam=ExamFactory(patient=patient))
    client = client_for(clinician)
    url = reverse("patients:lesion_score", args=[patient.pk, lesion.lesion_id, "sins"])

    response = benchmark(client.post, url, SINS, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.context["result"].total == 11
