"""Implausible values are refused beside the field: clinical dates before 1900, score counts beyond what
the anatomy allows (Tokuhashi's vertebral-body count of 99,999,999 was accepted)."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from patients import models as m
from patients.validators import CLINICAL_DATE, not_before_1900
from scoring import registry
from tests.factories import LabFactory, PatientFactory, TreatmentFactory

pytestmark = pytest.mark.django_db

BEFORE_1900_FR = "Cette date est antérieure à 1900 : vérifiez l’année."


def clinical_date_fields():
    return [
        (model, field)
        for model in apps.get_app_config("patients").get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if type(field) is models.DateField
    ]


def test_every_clinical_date_field_refuses_dates_before_1900():
    fields = clinical_date_fields()
    assert len(fields) >= 11
    for model, field in fields:
        assert not_before_1900 in field.validators, f"{model.__name__}.{field.name}"
        assert all(validator in field.validators for validator in CLINICAL_DATE)
        with pytest.raises(ValidationError) as raised:
            field.run_validators(date(1899, 12, 31))
        assert raised.value.error_list[0].code == "date_before_1900"
        field.run_validators(date(1900, 1, 1))


@pytest.mark.parametrize(
    "kind, data",
    [
        ("lab", {"date": "1899-12-31", "calcium_mmol_l": "2.40"}),
        ("event", {"date": "0202-03-04", "kind": "pathological_fracture"}),
    ],
)
def test_the_record_form_says_so_beside_the_field_and_keeps_what_was_typed(
    client_for, clinician, patient, kind, data
):
    url = reverse("patients:record_add", args=[patient.pk, kind])
    response = client_for(clinician).post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [BEFORE_1900_FR]
    assert f'value="{data["date"]}"' in response.content.decode()
    assert 'min="1900-01-01"' in response.content.decode()


def test_a_birth_date_before_1900_is_refused(client_for, clinician):
    response = client_for(clinician).post(
        reverse("patients:create"),
        {
            "family_name": "Ancien",
            "given_names": "A",
            "birth_date": "1890-01-01",
            "sex": "male",
            "hospital_id": "X",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert response.context["form"].errors["birth_date"] == [BEFORE_1900_FR]
    assert not m.Patient.objects.filter(hospital_id="X").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda patient: m.Patient.objects.filter(pk=patient.pk).update(birth_date=date(1899, 1, 1)),
        lambda patient: LabFactory(patient=patient, date=date(1066, 10, 14)),
        lambda patient: TreatmentFactory(patient=patient, start_date=date(1899, 12, 31), end_date=None),
    ],
)
def test_the_database_refuses_them_too(patient, make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(patient)


def test_the_constraints_are_named_after_what_they_check():
    names = {
        constraint.name
        for model in apps.get_app_config("patients").get_models()
        for constraint in model._meta.constraints
    }
    assert {
        "patients_birth_date_from_1900",
        "patients_lab_date_from_1900",
        "patients_event_date_from_1900",
    } <= names


def test_every_numeric_score_item_has_a_plausible_maximum():
    unbounded = [
        f"{score.slug}.{item.slug}"
        for score in registry.all()
        for item in score.items
        if item.kind in ("integer", "number") and item.max_value is None
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    "item, top", [("vertebral_body_metastases", 29), ("extraspinal_bone_metastases", 200)]
)
def test_tokuhashi_counts_stop_at_the_anatomy(item, top):
    score = registry.get("tokuhashi")
    assert score.item(item).max_value == top
    assert score.validate({item: top}).get(item) is None
    assert item in score.validate({item: top + 1})


def test_an_implausible_count_gets_a_field_message_and_what_was_typed_is_kept(client_for, clinician, patient):
    url = reverse("patients:score", args=[patient.pk, "tokuhashi"])
    typed = {
        "karnofsky": "70",
        "extraspinal_bone_metastases": "1",
        "vertebral_body_metastases": "99999999",
        "visceral_metastases": "none",
        "primary_site": "lung",
        "frankel": "E",
        "save": "1",
    }
    response = client_for(clinician).post(url, typed, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert not m.ScoreAssessment.objects.exists()
    [message] = response.context["form"].errors["vertebral_body_metastases"]
    assert "99999999" in message and "de 1 à 29" in message
    page = response.content.decode()
    assert 'value="99999999"' in page and 'max="29"' in page


def test_an_anatomical_count_is_still_saved(client_for, clinician):
    patient = PatientFactory(centre=clinician.centre)
    url = reverse("patients:score", args=[patient.pk, "tokuhashi"])
    typed = {
        "karnofsky": "70",
        "extraspinal_bone_metastases": "0",
        "vertebral_body_metastases": "29",
        "visceral_metastases": "none",
        "primary_site": "lung",
        "frankel": "E",
        "save": "1",
    }
    assert client_for(clinician).post(url, typed).status_code == 302
    assert m.ScoreAssessment.objects.get().inputs["vertebral_body_metastases"] == 29
