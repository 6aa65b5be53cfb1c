"""The shared cast of test users (style.md #11): a clinician, coordinator, chair and viewer of centre A,
and an outsider, a clinician of centre B. Each is a fixture; `client_for(user)` logs one in.
The static files are collected once per test process with the production storage (`collected_static`)."""

from unittest import mock

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client, override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from rcp.accounts.security import second_factor_required
from tests.factories import CentreFactory, PatientFactory, PrimaryTumourFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """The static files as in production: `collectstatic` with the manifest storage of the settings into
    a temporary STATIC_ROOT, once per test process (each pytest-xdist worker has its own temporary
    directory), served by WhiteNoise from there. `{% static %}` gives hashed names, as in production.

    Only the gzip and Brotli copies are skipped: they change no name or URL and would add some 15 s per
    process; CI's deploy check (.ci/deploy-smoke) runs the full collectstatic."""
    root = tmp_path_factory.mktemp("static_root")
    with override_settings(STATIC_ROOT=root):
        assert isinstance(storages["staticfiles"], CompressedManifestStaticFilesStorage)
        with mock.patch.object(CompressedManifestStaticFilesStorage, "compress_files", return_value=()):
            call_command("collectstatic", "--noinput", verbosity=0)
        yield root


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
def deputy(centre):
    """A second member of centre A with the chair role, to be a meeting's deputy chair."""
    return UserFactory(username="deputy", centre=centre, specialty="radiation_oncology", role="chair")


@pytest.fixture
def viewer(centre):
    return UserFactory(username="viewer", centre=centre, specialty="radiology", role="viewer")


@pytest.fixture
def outsider(other_centre):
    return UserFactory(username="outsider", centre=other_centre, role="clinician")


@pytest.fixture
def client_for():
    """A client logged in as `user`; for a user who must use a second factor (chairs, deputies, staff),
    with the session verified by one, as after the login's second step."""

    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        fresh = type(user).objects.get(pk=user.pk)  # no permission cache left on the test's object
        if second_factor_required(fresh):
            verify_second_factor(client, user)
        return client

    return login


def verify_second_factor(client, user):
    """Give `user` an authenticator app if they have none and mark the client's session verified by it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def admin_client(admin_user, client_for):
    """pytest-django's admin client, with its second factor verified (the admin requires one)."""
    return client_for(admin_user)


@pytest.fixture
def patient(centre, clinician):
    patient = PatientFactory(centre=centre, referring_physician=clinician)
    PrimaryTumourFactory(patient=patient)
    return patient
