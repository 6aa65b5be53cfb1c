"""The decision read on screen: every version as a page with the same body as the PDF minute, from the
frozen snapshot once validated, from the live record for a draft (marked so); scoped to the centre."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rcp.minutes import render_minutes_html
from rcp.models import Decision, Minute
from tests.factories import (
    AssessmentFactory,
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MeetingFactory,
    PrimaryTumourFactory,
)

pytestmark = pytest.mark.django_db

PROPOSAL = {"free_text": "Radiothérapie antalgique.", "conforms": "true"}


@pytest.fixture
def case(centre, chair):
    meeting = MeetingFactory(
        board=BoardFactory(centre=centre), chair=chair, starts_at=timezone.now() - timedelta(hours=1)
    )
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty, guest_name=f"Dr {specialty}")
    case = CaseFactory(meeting=meeting, patient__centre=centre, question="Que faire pour T11 ?")
    PrimaryTumourFactory(patient=case.patient)
    LesionFactory(exam=ExamFactory(patient=case.patient, modality="spine_mri"), vertebral_level="T11")
    AssessmentFactory(patient=case.patient, life_expectancy_months=Decimal("12"))
    LabFactory(patient=case.patient)
    return case


def save(client, case, data, *, validate=False):
    revision = Decision.objects.filter(case=case, status="draft").values_list("revision", flat=True).first()
    data = {**data, "revision": revision or 0, "validate" if validate else "save": "1"}
    response = client.post(reverse("rcp:decision", args=[case.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Decision.objects.filter(case=case).order_by("version").last()


def amend(client, case, reason):
    latest = Decision.objects.filter(case=case).order_by("version").last()
    client.post(reverse("rcp:decision_amend", args=[latest.pk]))
    return save(client, case, {**PROPOSAL, "amendment_reason": reason}, validate=True)


def read(client, decision, **extra):
    return client.get(reverse("rcp:decision_read", args=[decision.pk]), **extra)


def minute_section(html: str) -> str:
    [section] = re.findall(r'<section class="minute".*?</section>', html, re.S)
    return section


def test_a_validated_version_reads_as_its_minute_even_after_the_record_changed(client_for, chair, case):
    client = client_for(chair)
    decision = save(client, case, PROPOSAL, validate=True)
    case.question = "Question réécrite après la RCP"
    case.save()
    response = read(client, decision)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Que faire pour T11 ?" in html and "Question réécrite" not in html
    assert "Conformité au référentiel : <strong>oui</strong>" in html
    # The very body of the PDF minute, rendered from the same snapshot.
    snapshot = Minute.objects.get().snapshot
    assert minute_section(html) == minute_section(render_minutes_html([snapshot]))
    assert 'id="draft-warning"' not in html


def test_a_draft_reads_from_the_live_record_marked_not_validated(client_for, chair, case):
    client = client_for(chair)
    decision = save(client, case, {**PROPOSAL, "free_text": "Projet en discussion"})
    case.question = "Question précisée pendant la RCP"
    case.save()
    html = read(client, decision, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Draft — not validated (version 1)." in html
    assert "Projet — non validé" in html and "PROJET NON VALIDÉ" in html
    assert "Projet en discussion" in html and "Question précisée pendant la RCP" in html
    assert "Validé par" not in html
    assert not Minute.objects.exists()  # reading a draft freezes nothing


def test_every_version_is_listed_and_readable(client_for, chair, case):
    client = client_for(chair)
    first = save(client, case, PROPOSAL, validate=True)
    second = amend(client, case, "Erreur de saisie")
    client.post(reverse("rcp:decision_amend", args=[second.pk]))
    draft = Decision.objects.get(status="draft")
    html = read(client, first).content.decode()
    for version in (first, second, draft):
        assert reverse("rcp:decision_read", args=[version.pk]) in html or version == first
    assert 'id="superseded"' in html
    assert "remplace la version 1" in read(client, second).content.decode()
    latest = client.get(reverse("rcp:case_decision_read", args=[case.pk]))
    assert latest.context["decision"] == draft
    assert "amendement du compte rendu" in latest.content.decode()


def test_the_viewer_reads_the_decision_and_the_decision_page_shows_it(client_for, chair, viewer, case):
    decision = save(client_for(chair), case, PROPOSAL, validate=True)
    assert read(client_for(viewer), decision).status_code == 200
    page = client_for(viewer).get(reverse("rcp:decision", args=[case.pk])).content.decode()
    assert 'id="latest-minute"' in page and "Radiothérapie antalgique." in page
    assert reverse("rcp:decision_read", args=[decision.pk]) in page


def test_another_centre_gets_404(client_for, chair, outsider, case):
    decision = save(client_for(chair), case, PROPOSAL)
    client = client_for(outsider)
    assert read(client, decision).status_code == 404
    assert client.get(reverse("rcp:case_decision_read", args=[case.pk])).status_code == 404
    save(client_for(chair), case, PROPOSAL, validate=True)
    assert read(client, decision).status_code == 404


def test_a_case_without_decision_says_so(client_for, chair, case):
    response = client_for(chair).get(reverse("rcp:case_decision_read", args=[case.pk]))
    assert response.status_code == 200 and 'id="no-decision"' in response.content.decode()


def test_the_patient_page_the_case_page_and_presentation_mode_link_to_it(client_for, chair, case):
    client = client_for(chair)
    decision = save(client, case, PROPOSAL, validate=True)
    minutes = client.get(reverse("rcp:patient_minutes", args=[case.patient.pk]), HTTP_HX_REQUEST="true")
    assert reverse("rcp:decision_read", args=[decision.pk]) in minutes.content.decode()
    read_latest = reverse("rcp:case_decision_read", args=[case.pk])
    assert read_latest in client.get(reverse("rcp:case", args=[case.pk])).content.decode()
    present = client.get(reverse("rcp:present", args=[case.meeting.pk, 1])).content.decode()
    assert f"{read_latest}?present=1" in present


def test_reading_a_version_costs_the_same_queries_however_many_versions(
    client_for, chair, case, django_assert_max_num_queries
):
    client = client_for(chair)
    first = save(client, case, PROPOSAL, validate=True)
    read(client, first)  # warm the session and caches
    # Beside what every page costs (session, user, the navigation bar): the decision with its case, the
    # versions, the snapshot of the one shown.
    with django_assert_max_num_queries(15) as queries:
        assert read(client, first).status_code == 200
        one_version = len(queries)
    second = amend(client, case, "Erreur de saisie")
    third = amend(client, case, "Autre erreur")
    for version in (first, second, third):
        with django_assert_max_num_queries(one_version):
            assert read(client, version).status_code == 200


def test_reading_a_draft_costs_the_same_queries_however_many_versions(
    client_for, chair, case, django_assert_max_num_queries
):
    client = client_for(chair)
    draft = save(client, case, PROPOSAL)
    read(client, draft)  # warm the session and caches
    with django_assert_max_num_queries(40) as queries:  # the dossier, as the decision page loads it
        assert read(client, draft).status_code == 200
        one_version = len(queries)
    save(client, case, PROPOSAL, validate=True)
    amend(client, case, "Erreur de saisie")
    client.post(reverse("rcp:decision_amend", args=[Decision.objects.order_by("version").last().pk]))
    draft = Decision.objects.get(status="draft")
    with django_assert_max_num_queries(one_version):
        assert read(client, draft).status_code == 200


def test_a_draft_of_a_case_back_on_the_waiting_list_says_why_it_cannot_be_shown(client_for, chair, case):
    decision = save(client_for(chair), case, PROPOSAL)
    type(case).objects.filter(pk=case.pk).update(meeting=None, status="submitted")
    response = read(client_for(chair), decision)
    assert response.status_code == 200 and 'id="no-meeting"' in response.content.decode()
