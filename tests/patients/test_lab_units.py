"""A lab value typed in mg/dL instead of the form's unit: said beside the field, with the conversion."""

import pytest
from django.urls import reverse

from patients import models as m

pytestmark = pytest.mark.django_db


def post_lab(client, patient, language, **values):
    data = {"date": "2024-01-01", "albumin": "40", "notes": "à garder", **values}
    return client.post(
        reverse("patients:record_add", args=[patient.pk, "lab"]), data, HTTP_ACCEPT_LANGUAGE=language
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "9 ressemble à une valeur en mg/dL : soit 2,25 mmol/L. Saisissez la calcémie en mmol/L."),
        ("en", "9 looks like a value in mg/dL: that is 2.25 mmol/L. Enter the calcium in mmol/L."),
    ],
)
def test_calcium_in_mg_dl_is_recognised_and_converted(client_for, clinician, patient, language, message):
    response = post_lab(client_for(clinician), patient, language, calcium="9")
    assert response.status_code == 400
    assert response.context["form"].errors["calcium"] == [message]  # instead of "less than or equal to 5"
    page = response.content.decode()
    assert 'name="calcium" value="9"' in page and "à garder" in page
    assert not m.LabResult.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        (
            "fr",
            "1.2",
            "1,2 ressemble à une valeur en mg/dL : soit 106 µmol/L. Saisissez la créatinine en µmol/L.",
        ),
        ("en", "1.2", "1.2 looks like a value in mg/dL: that is 106 µmol/L. Enter the creatinine in µmol/L."),
        (
            "fr",
            "0.85",
            "0,85 ressemble à une valeur en mg/dL : soit 75 µmol/L. Saisissez la créatinine en µmol/L.",
        ),
    ],
)
def test_creatinine_in_mg_dl_is_recognised_and_converted(
    client_for, clinician, patient, language, typed, message
):
    response = post_lab(client_for(clinician), patient, language, creatinine=typed)
    assert response.status_code == 400
    assert response.context["form"].errors["creatinine"] == [message]
    assert f'name="creatinine" value="{typed}"' in response.content.decode()


@pytest.mark.parametrize(("field", "typed"), [("calcium", "50"), ("calcium", "0.5"), ("creatinine", "0.1")])
def test_values_implausible_in_both_units_get_only_the_range(client_for, clinician, patient, field, typed):
    response = post_lab(client_for(clinician), patient, "en", **{field: typed})
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert errors and not any("mg/dL" in error for error in errors)


def test_plausible_values_are_saved_without_a_unit_message(client_for, clinician, patient):
    response = post_lab(client_for(clinician), patient, "en", calcium="2.45", creatinine="80")
    assert response.status_code == 302
    assert m.LabResult.objects.get(patient=patient).calcium == m.LabResult._meta.get_field(
        "calcium"
    ).to_python("2.45")
