"""The shared cast of test users (style.md #11): a clinician, coordinator, chair and viewer of centre A,
and an outsider, a clinician of centre B. Each is a fixture; `client_for(user)` logs one in."""

import pytest
from django.test import Client

from tests.factories import CentreFactory, PatientFactory, PrimaryTumourFactory, UserFactory


@pytest.fixture
def centre(db):
    return CentreFactory(name="Centre A")


@pytest.fixture
def other_centre(db):
    return CentreFactory(name="Centre B")


@pytest.fixture
def clinician(centre):
    return UserFactory(
        username="clinician", first_name="Paul", last_name="Pneumo", centre=centre, role="clinician"
    )


@pytest.fixture
def coordinator(centre):
    return UserFactory(username="coordinator", centre=centre, specialty="", role="coordinator")


@pytest.fixture
def chair(centre):
    return UserFactory(username="chair", centre=centre, specialty="medical_oncology", role="chair")


@pytest.fixture
def viewer(centre):
    return UserFactory(username="viewer", centre=centre, specialty="radiology", role="viewer")


@pytest.fixture
def outsider(other_centre):
    return UserFactory(username="outsider", centre=other_centre, role="clinician")


@pytest.fixture
def client_for():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def patient(centre, clinician):
    patient = PatientFactory(centre=centre, referring_physician=clinician)
    PrimaryTumourFactory(patient=patient)
    return patient
