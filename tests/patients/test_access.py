"""Centre isolation and roles: another centre's patient answers 404, a viewer's write answers 403."""

import pytest
from django.urls import reverse

from tests.factories import ExamFactory, LabFactory, LesionFactory, PatientFactory

pytestmark = pytest.mark.django_db


def read_urls(patient):
    return [
        reverse("patients:detail", args=[patient.pk]),
        reverse("patients:history", args=[patient.pk]),
    ]


def write_urls(patient):
    exam = ExamFactory(patient=patient)
    lesion = LesionFactory(exam=exam)
    lab = LabFactory(patient=patient)
    return [
        reverse("patients:edit", args=[patient.pk]),
        reverse("patients:tumour", args=[patient.pk]),
        reverse("patients:record_add", args=[patient.pk, "assessment"]),
        reverse("patients:record_edit", args=[patient.pk, "lab", lab.pk]),
        reverse("patients:lesion_add", args=[patient.pk, exam.pk]),
        reverse("patients:lesion_edit", args=[patient.pk, lesion.pk]),
    ]


def test_every_page_needs_a_login(client, patient):
    for url in [reverse("patients:list"), *read_urls(patient), *write_urls(patient)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_another_centres_patient_answers_404_for_reads_and_writes(client_for, outsider, patient):
    client = client_for(outsider)
    for url in [*read_urls(patient), *write_urls(patient)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"family_name": "X"}).status_code == 404, url


def test_another_centres_patient_is_not_listed_nor_found_by_search(client_for, outsider, patient):
    client = client_for(outsider)
    assert list(client.post(reverse("patients:list"), {"q": patient.family_name}).context["page"]) == []
    assert patient.family_name.upper() not in client.get(reverse("patients:list")).content.decode()


def test_viewer_reads_but_every_write_answers_403(client_for, viewer, patient):
    client = client_for(viewer)
    for url in read_urls(patient):
        assert client.get(url).status_code == 200, url
    for url in [*write_urls(patient), reverse("patients:create")]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"family_name": "X"}).status_code == 403, url


def test_viewer_sees_no_edit_links(client_for, viewer, patient):
    page = client_for(viewer).get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert reverse("patients:edit", args=[patient.pk]) not in page
    assert reverse("patients:create") not in client_for(viewer).get(reverse("patients:list")).content.decode()


@pytest.mark.parametrize("role", ["clinician", "coordinator", "chair"])
def test_board_roles_may_edit_the_record(request, client_for, patient, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("patients:edit", args=[patient.pk])).status_code == 200


def test_a_lesion_of_another_patient_cannot_be_reached_through_my_patient(client_for, clinician, patient):
    stranger = PatientFactory(centre=patient.centre)
    lesion = LesionFactory(exam=ExamFactory(patient=stranger))
    url = reverse("patients:lesion_edit", args=[patient.pk, lesion.pk])
    assert client_for(clinician).get(url).status_code == 404


def test_unknown_record_kind_answers_404(client_for, clinician, patient):
    assert client_for(clinician).get(f"/patients/{patient.pk}/nonsense/add/").status_code == 404
