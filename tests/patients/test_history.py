import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from patients import models as m
from tests.factories import LabFactory

pytestmark = pytest.mark.django_db


def test_history_shows_who_changed_what_before_and_after(client_for, clinician, patient):
    client = client_for(clinician)
    lab = LabFactory(patient=patient)
    url = reverse("patients:record_edit", args=[patient.pk, "lab", lab.pk])
    client.post(url, {"date": lab.date.isoformat(), "calcium": "2.75", "albumin": "40", "creatinine": "80"})
    response = client.get(reverse("patients:history", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="en")
    entries = response.context["entries"]
    change = next(e for e in entries if e.action == "changed")
    assert change.user == clinician
    assert [(c.before, c.after) for c in change.changes if c.field.startswith("calcium")] == [
        ("2.40", "2.75")
    ]
    assert "Paul Pneumo" in response.content.decode()


def test_admin_changes_are_recorded_with_the_admin_user(admin_client, patient):
    admin_user = m.Patient.history.model._meta.get_field("history_user").related_model.objects.get(
        username="admin"
    )
    admin_user.centre = patient.centre
    admin_user.save()
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    data = {
        "centre": patient.centre.pk,
        "hospital_id": patient.hospital_id,
        "ins": "",
        "family_name": "Renamed",
        "given_names": patient.given_names,
        "birth_date": patient.birth_date.isoformat(),
        "sex": patient.sex,
        "referring_physician": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = patient.history.first()
    assert latest.family_name == "Renamed"
    assert latest.history_user == admin_user
    assert m.Patient in site._registry
