"""A busy database answers 409 with a message in the user's language, never a server error (SQLite's
single writer beyond the busy timeout; PostgreSQL's lock, deadlock and serialization failures)."""

import json
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.utils import ConnectionHandler
from django.urls import reverse

from patients import models as m
from rcp.middleware import is_busy_error

pytestmark = pytest.mark.django_db

BUSY_FR = (
    "La base de données est occupée, réessayez dans un instant ; "
    "rien n’a été perdu de ce qui a été enregistré."
)


@pytest.fixture
def locked_write(tmp_path):
    """A write to a file-based SQLite database whose write lock another connection holds, through a
    Django connection configured as the settings configure SQLite, with a tiny busy timeout."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    options = {"timeout": 0.05, "transaction_mode": "IMMEDIATE"}
    connections = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}}
    )

    def write(*args, **kwargs):
        with connections["default"].cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")

    yield write
    connections.close_all()
    holder.execute("ROLLBACK")
    holder.close()


def test_a_real_sqlite_lock_is_recognised_as_busy(locked_write):
    with pytest.raises(OperationalError) as raised:
        locked_write()
    assert is_busy_error(raised.value)


def test_a_locked_database_answers_409_with_the_message_and_what_was_typed(
    client_for, clinician, locked_write, monkeypatch
):
    monkeypatch.setattr("patients.views.save_record", locked_write)
    typed = {"family_name": "Occupé", "given_names": "Anne", "birth_date": "1961-04-05", "sex": "female"}
    response = client_for(clinician).post(
        reverse("patients:create"), {**typed, "hospital_id": "BUSY-1"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert BUSY_FR in page
    assert 'name="hospital_id" value="BUSY-1"' in page  # "Send what you typed again"
    assert 'name="family_name" value="Occupé"' in page
    assert not m.Patient.objects.filter(hospital_id="BUSY-1").exists()


def test_an_htmx_request_gets_a_fragment(client_for, clinician, patient, monkeypatch):
    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("patients.score_views.score_live", busy)
    response = client_for(clinician).post(
        reverse("patients:score", args=[patient.pk, "tokuhashi"]), {}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert response.content.decode().lstrip().startswith('<div class="alert')
    assert "<html" not in response.content.decode()


def test_other_database_errors_are_not_disguised(client_for, clinician, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: patients_patient")

    monkeypatch.setattr("patients.views.get_patient_for_user", broken)
    client = client_for(clinician)
    client.raise_request_exception = False
    assert client.get(reverse("patients:detail", args=[1])).status_code == 500


@pytest.mark.parametrize(
    "sqlstate, busy", [("40P01", True), ("55P03", True), ("40001", True), ("42P01", False)]
)
def test_postgresql_lock_failures_are_busy(sqlstate, busy):
    cause = type("PgError", (Exception,), {"sqlstate": sqlstate})()
    error = OperationalError("could not serialize")
    error.__cause__ = cause
    assert is_busy_error(error) is busy


def test_sqlite_waits_for_the_lock_and_begins_transactions_immediately(tmp_path):
    code = (
        "import json; from rcp.project import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": "/usr/bin:/bin"}
    default = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True
    )
    tuned = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "SQLITE_TIMEOUT": "3"},
        cwd=settings.BASE_DIR,
        capture_output=True,
    )
    assert json.loads(default.stdout) == {"timeout": 20.0, "transaction_mode": "IMMEDIATE"}
    assert json.loads(tuned.stdout)["timeout"] == 3.0
