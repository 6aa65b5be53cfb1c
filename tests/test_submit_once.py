"""A form that creates rows creates them once: the same one-time token sent twice (a double click, a
reload, the back button) gives one row, and the replay is led where the first submission went."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from rcp.accounts.models import SentForm
from rcp.accounts.once import FIELD, RETENTION, new_token
from rcp.models import Attendance, CaseSubmission, Meeting
from tests.factories import BoardFactory, ExamFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ALREADY_SENT_FR = "Ce formulaire avait déjà été envoyé : son contenu a été enregistré une fois, pas deux."


def send_twice(client, url, data):
    token = new_token()
    first = client.post(url, {**data, FIELD: token}, HTTP_ACCEPT_LANGUAGE="fr")
    second = client.post(url, {**data, FIELD: token}, HTTP_ACCEPT_LANGUAGE="fr")
    return first, second


def record_forms(patient):
    exam = ExamFactory(patient=patient)
    yield (
        reverse("patients:record_add", args=[patient.pk, "lab"]),
        m.LabResult,
        {
            "date": "2026-01-05",
            "calcium": "2.40",
        },
    )
    yield (
        reverse("patients:record_add", args=[patient.pk, "event"]),
        m.SkeletalEvent,
        {
            "date": "2026-01-05",
            "kind": "pathological_fracture",
        },
    )
    yield (
        reverse("patients:lesion_add", args=[patient.pk, exam.pk]),
        m.LesionObservation,
        {
            "site": "femur_shaft",
            "side": "left",
            "lesion_type": "lytic",
        },
    )


def test_a_new_patient_sent_twice_is_created_once_and_the_replay_lands_on_the_same_page(
    client_for, clinician
):
    client = client_for(clinician)
    data = {
        "family_name": "Double",
        "given_names": "Clic",
        "birth_date": "1961-04-05",
        "sex": "male",
        "hospital_id": "DBL-1",
    }
    first, second = send_twice(client, reverse("patients:create"), data)
    assert first.status_code == 302
    assert m.Patient.objects.filter(hospital_id="DBL-1").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert ALREADY_SENT_FR in client.get(second["Location"]).content.decode()


def test_every_record_kind_added_twice_is_added_once(client_for, clinician, patient):
    client = client_for(clinician)
    for url, model, data in record_forms(patient):
        first, second = send_twice(client, url, data)
        assert first.status_code == 302, (url, first.context and first.context["form"].errors)
        assert model.objects.count() == 1, url
        assert second.status_code == 302, url


def test_a_score_saved_twice_is_saved_once(client_for, clinician, patient):
    data = {
        "primary_growth": "rapid",
        "visceral_metastases": "none",
        "bone_metastases": "multiple",
        "save": "1",
    }
    first, second = send_twice(
        client_for(clinician), reverse("patients:score", args=[patient.pk, "tomita"]), data
    )
    assert (first.status_code, second.status_code) == (302, 302)
    assert m.ScoreAssessment.objects.count() == 1


def test_board_forms_sent_twice_create_once(client_for, coordinator, chair, clinician, patient, centre):
    meeting = MeetingFactory(board=BoardFactory(centre=centre), chair=chair)
    organiser = client_for(coordinator)
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    first, _second = send_twice(
        organiser,
        reverse("rcp:meeting_create"),
        {"title": "RCP rachis", "starts_at": starts, "chair": chair.pk},
    )
    assert first.status_code == 302, first.context and first.context["form"].errors
    assert Meeting.objects.filter(title="RCP rachis").count() == 1
    send_twice(
        organiser,
        reverse("rcp:attendance", args=[meeting.pk]),
        {"guest_name": "Dr Invité", "specialty": "pathology"},
    )
    assert Attendance.objects.filter(guest_name="Dr Invité").count() == 1
    data = {
        "patient": patient.pk,
        "meeting": meeting.pk,
        "question": "Radiothérapie ?",
        "reason": "pain",
        "presenting_physician": clinician.pk,
        "urgency": "routine",
    }
    first, _second = send_twice(client_for(clinician), reverse("rcp:case_create"), data)
    assert first.status_code == 302, first.context and first.context["form"].errors
    assert CaseSubmission.objects.filter(patient=patient).count() == 1


def test_a_form_sent_back_with_errors_can_be_corrected_and_sent_with_its_token(
    client_for, clinician, patient
):
    client = client_for(clinician)
    url = reverse("patients:record_add", args=[patient.pk, "lab"])
    token = new_token()
    assert client.post(url, {"date": "2026-01-05", FIELD: token}).status_code == 400
    assert client.post(url, {"date": "2026-01-05", "calcium": "2.4", FIELD: token}).status_code == 302
    assert m.LabResult.objects.count() == 1


def test_without_a_token_a_client_is_served_as_before(client_for, clinician, patient):
    client = client_for(clinician)
    url = reverse("patients:record_add", args=[patient.pk, "lab"])
    for _ in range(2):
        assert client.post(url, {"date": "2026-01-05", "calcium": "2.4"}).status_code == 302
    assert m.LabResult.objects.count() == 2 and not SentForm.objects.exists()


def test_every_creating_form_carries_a_fresh_token(client_for, clinician, coordinator, patient, centre):
    meeting = MeetingFactory(board=BoardFactory(centre=centre), chair=coordinator)
    pages = [
        (clinician, reverse("patients:create")),
        (clinician, reverse("patients:record_add", args=[patient.pk, "treatment"])),
        (clinician, reverse("patients:score", args=[patient.pk, "tokuhashi"])),
        (clinician, reverse("rcp:case_create")),
        (coordinator, reverse("rcp:meeting_create")),
        (coordinator, meeting.get_absolute_url()),
    ]
    tokens = set()
    for user, url in pages:
        page = client_for(user).get(url).content.decode()
        assert f'name="{FIELD}"' in page, url
        tokens.add(page.split(f'name="{FIELD}" value="')[1].split('"')[0])
    assert len(tokens) == len(pages)


def test_old_tokens_are_forgotten(client_for, clinician, patient):
    stale = SentForm.objects.create(token=new_token())
    SentForm.objects.filter(pk=stale.pk).update(sent_at=timezone.now() - RETENTION - timedelta(hours=1))
    send_twice(
        client_for(clinician),
        reverse("patients:record_add", args=[patient.pk, "lab"]),
        {"date": "2026-01-05", "calcium": "2.4"},
    )
    assert not SentForm.objects.filter(pk=stale.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_create_one_row(clinician, patient):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs a database that two connections share")
    url = reverse("patients:record_add", args=[patient.pk, "lab"])
    data = {"date": "2026-01-05", "calcium": "2.4", FIELD: new_token()}
    statuses = []
    barrier = threading.Barrier(2)

    def send():
        client = Client()
        client.force_login(clinician)
        barrier.wait()
        statuses.append(client.post(url, data).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 302]
    assert m.LabResult.objects.count() == 1
