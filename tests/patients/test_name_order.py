"""Names in the order a French reader expects (accents and case ignored first), on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from patients import models as m
from rcp.forms import CaseForm
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NAMES = ["Zola", "Échantillon", "Eve", "ébène", "de la Tour", "Dupont", "Œdipe", "Oudin", "Martin"]
FRENCH_ORDER = ["de la Tour", "Dupont", "ébène", "Échantillon", "Eve", "Martin", "Œdipe", "Oudin", "Zola"]


@pytest.fixture
def named_patients(centre):
    return [PatientFactory(centre=centre, family_name=name) for name in NAMES]


def test_alphabetical_ignores_accents_and_case_before_the_letters(named_patients, centre):
    names = list(m.Patient.objects.filter(centre=centre).alphabetical().values_list("family_name", flat=True))
    assert names == FRENCH_ORDER


def test_same_family_name_is_ordered_by_given_names(centre):
    for given in ["Émile", "Zoé", "eric", "Adèle"]:
        PatientFactory(centre=centre, family_name="Durand", given_names=given)
    given = list(m.Patient.objects.filter(centre=centre).alphabetical().values_list("given_names", flat=True))
    assert given == ["Adèle", "Émile", "eric", "Zoé"]


def test_patient_list_sorted_by_name(client_for, clinician, named_patients):
    response = client_for(clinician).get(reverse("patients:list"), {"sort": "name"})
    shown = [patient.family_name for patient in response.context["page"].object_list]
    assert shown == FRENCH_ORDER
    page = response.content.decode()
    assert page.index("ÉCHANTILLON") < page.index("ZOLA")


def test_case_form_offers_patients_in_french_order(clinician, named_patients):
    form = CaseForm(user=clinician)
    assert [patient.family_name for patient in form.fields["patient"].queryset] == FRENCH_ORDER


def test_name_order_survives_paging_and_searching(client_for, clinician, centre):
    for n in range(30):
        PatientFactory(centre=centre, family_name=f"Nom{n}", given_names="Jeanne")
    client = client_for(clinician)
    first = client.get(reverse("patients:list"), {"sort": "name"})
    assert 'href="?sort=name&amp;page=2"' in first.content.decode()
    second = client.get(reverse("patients:list"), {"sort": "name", "page": 2})
    assert [p.family_name for p in second.context["page"].object_list] == [f"Nom{n}" for n in range(25, 30)]
    found = client.post(reverse("patients:list"), {"q": "Jeanne", "sort": "name", "page": 2})
    assert [p.family_name for p in found.context["page"].object_list] == [f"Nom{n}" for n in range(25, 30)]
    assert 'name="sort" value="name"' in found.content.decode()
