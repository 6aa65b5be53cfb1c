"""A patient search (name, IPP, INS, birth date) is POSTed: identifying terms never reach a URL."""

import pytest
from django.urls import reverse

from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_patients(centre):
    return (
        PatientFactory(centre=centre, family_name="Durand", hospital_id="IPP-1"),
        PatientFactory(centre=centre, family_name="Martin", hospital_id="IPP-2"),
    )


def names(response):
    return {patient.family_name for patient in response.context["page"].object_list}


def test_a_search_in_the_url_is_ignored(client_for, clinician, two_patients):
    response = client_for(clinician).get(reverse("patients:list"), {"q": "Durand"})
    assert response.status_code == 200
    assert names(response) == {"Durand", "Martin"}
    assert response.context["query"] == ""


def test_a_posted_search_filters_and_answers_in_place_without_a_redirect(client_for, clinician, two_patients):
    response = client_for(clinician).post(reverse("patients:list"), {"q": "IPP-1"})
    assert response.status_code == 200
    assert "Location" not in response
    assert names(response) == {"Durand"}
    assert 'value="IPP-1"' in response.content.decode()  # the box keeps what was typed


def test_the_search_form_posts_with_a_csrf_token(client_for, clinician):
    page = client_for(clinician).get(reverse("patients:list")).content.decode()
    form = page[page.index('role="search"') - 40 : page.index('id="patient-search"')]
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form


def test_search_results_are_paged_by_post_and_the_query_never_reaches_a_link(client_for, clinician, centre):
    PatientFactory.create_batch(30, centre=centre, family_name="Lefebvre")
    client = client_for(clinician)
    first = client.post(reverse("patients:list"), {"q": "Lefebvre"})
    page = first.content.decode()
    assert len(first.context["page"].object_list) == 25
    assert "Lefebvre" not in page.split('role="search"')[0]  # not in the head or any earlier link
    assert "q=" not in page  # no link nor action carries the query
    assert '<button class="page-link" type="submit" name="page" value="2">' in page
    second = client.post(reverse("patients:list"), {"q": "Lefebvre", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert names(second) == {"Lefebvre"}
