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


def change_physician_and_birth_date(patient, physician):
    from datetime import date

    patient.referring_physician = physician
    patient.birth_date = date(1958, 11, 15)
    patient.save()


@pytest.mark.parametrize(
    ("language", "birth_dates", "yes"),
    [("fr", ("14 mars 1958", "15 novembre 1958"), "Oui"), ("en", ("March 14, 1958", "Nov. 15, 1958"), "Yes")],
)
def test_history_names_people_and_writes_dates_in_the_active_language(
    client_for, clinician, patient, language, birth_dates, yes
):
    from tests.factories import UserFactory

    other = UserFactory(centre=patient.centre, first_name="Anne", last_name="Onco", role="clinician")
    change_physician_and_birth_date(patient, other)
    LabFactory(patient=patient, calcium="2.75")
    m.ClinicalAssessment.objects.create(
        patient=patient, date=patient.birth_date, ecog=1, pain_mechanical=True
    )
    response = client_for(clinician).get(
        reverse("patients:history", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    entries = response.context["entries"]
    physician = next(
        c for e in entries for c in e.changes if c.before and c.field.startswith(("médecin", "referring"))
    )
    assert (physician.before, physician.after) == ("Paul Pneumo", "Anne Onco")
    birth = next(
        c
        for e in entries
        for c in e.changes
        if c.before and c.field.startswith(("date de naiss", "date of birth"))
    )
    assert (birth.before, birth.after) == birth_dates
    calcium = next(c for e in entries for c in e.changes if c.field.startswith("calc"))
    assert calcium.after == ("2,75" if language == "fr" else "2.75")
    assessment = next(
        e for e in entries if e.changes and e.obj.startswith(("Évaluation", "Bilan", "Assessment"))
    )
    assert birth_dates[1] in assessment.obj
    assert "1958-11-15" not in response.content.decode()
    assert any(c.after == yes for c in assessment.changes)
