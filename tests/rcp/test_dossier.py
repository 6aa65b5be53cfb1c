"""The case and meeting dossiers (HTML and PDF), the SVGs in them, and presentation mode."""

import io
import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from pypdf import PdfReader

from patients import models as m
from tests.factories import (
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    EventFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MeetingFactory,
    PrimaryTumourFactory,
    TreatmentFactory,
    days_ago,
)
from tests.tasks import meeting_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(centre, chair):
    return MeetingFactory(board=BoardFactory(centre=centre), chair=chair)


def add_case(meeting, level="T11", **kwargs):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre, **kwargs)
    PrimaryTumourFactory(patient=case.patient)
    exam = ExamFactory(patient=case.patient, modality="spine_mri")
    LesionFactory(
        exam=exam,
        vertebral_level=level,
        lesion_type="lytic",
        collapse="under_50",
        posterolateral="none",
        alignment="normal",
    )
    AssessmentFactory(patient=case.patient, pain_nrs=6, pain_mechanical=True)
    LabFactory(patient=case.patient)
    TreatmentFactory(patient=case.patient)
    return case


def svg_elements(html):
    start = html.index("<svg")
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])


def test_case_dossier_shows_the_record_question_and_a_lesion_at_its_level(client_for, clinician, meeting):
    case = add_case(meeting, level="T11", question="Radiothérapie de T11 ?")
    response = client_for(clinician).get(reverse("rcp:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Radiothérapie de T11 ?" in page
    assert "osimertinib" in page and "Adenocarcinoma (8140/3)" in page
    svg = svg_elements(page)
    marks = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("data-level") == "T11"]
    assert marks, "the T11 lesion is drawn at T11"


def test_other_centre_gets_404_on_dossiers_and_presentation(client_for, outsider, meeting):
    case = add_case(meeting)
    client = client_for(outsider)
    for url in (
        reverse("rcp:case", args=[case.pk]),
        reverse("rcp:meeting_dossier", args=[meeting.pk]),
        reverse("rcp:meeting_document", args=[meeting.pk, "dossier"]),
        reverse("rcp:present", args=[meeting.pk, 1]),
    ):
        assert client.get(url).status_code == 404, url


def test_meeting_dossier_of_30_cases_keeps_a_constant_number_of_queries(
    django_assert_max_num_queries, client_for, clinician, meeting
):
    client = client_for(clinician)
    url = reverse("rcp:meeting_dossier", args=[meeting.pk])
    counts = {}
    for target in (1, 30):
        while meeting.agenda().count() < target:
            add_case(meeting, level=["T11", "L2", "C5"][meeting.agenda().count() % 3])
        started = time.perf_counter()
        with django_assert_max_num_queries(30) as captured:
            response = client.get(url)
        counts[target] = (len(captured), time.perf_counter() - started)
        assert response.status_code == 200
        assert len(response.context["agenda"]) == target
    assert counts[1][0] == counts[30][0]
    print(f"meeting dossier queries: {counts[30][0]}; server time for 30 cases: {counts[30][1]:.2f} s")


def test_meeting_dossier_pdf_reads_back(client_for, clinician, meeting):
    first = add_case(meeting, level="T11")
    second = add_case(meeting, level="L2")
    response = meeting_pdf(client_for(clinician), meeting, "dossier")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert first.patient.family_name.upper() in text and second.patient.family_name.upper() in text
    assert f"page 1/{len(reader.pages)}" in text.replace(" /", "/")
    assert reader.metadata.title.startswith("Dossier")


def test_presentation_shows_one_case_with_its_number(client_for, clinician, meeting):
    add_case(meeting)
    second = add_case(meeting, reason="cord_compression", urgency="urgent")
    client = client_for(clinician)
    response = client.get(reverse("rcp:present", args=[meeting.pk, 2]))
    page = response.content.decode()
    assert response.context["dossier"].case == second
    assert "2 / 2" in page
    assert 'id="nav-main"' not in page  # no application chrome
    assert client.get(reverse("rcp:present", args=[meeting.pk, 3])).status_code == 404


def test_urgent_findings_come_first_in_presentation(client_for, clinician, meeting):
    case = add_case(meeting)
    EventFactory(patient=case.patient, kind="cord_compression", date=days_ago(0))
    page = client_for(clinician).get(reverse("rcp:present", args=[meeting.pk, 1])).content.decode()
    assert page.index('data-rule="MSCC-EMERGENCY"') < page.index("dossier-grid")


def test_correcting_a_lesion_in_presentation_refreshes_its_score(client_for, clinician, meeting):
    case = add_case(meeting, level="T11")
    lesion = m.LesionObservation.objects.get(exam__patient=case.patient)
    client = client_for(clinician)
    sins_url = reverse("patients:lesion_score", args=[case.patient.pk, lesion.lesion_id, "sins"])
    client.post(
        sins_url,
        {
            "location": "junctional",
            "pain": "mechanical",
            "lesion": "lytic",
            "alignment": "normal",
            "collapse": "under_50",
            "posterolateral": "none",
            "save": "1",
        },
    )
    assert m.ScoreAssessment.objects.get().total == 10
    url = reverse("rcp:present_lesion", args=[meeting.pk, 1, lesion.pk])
    assert "lesion_type" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    response = client.post(
        url,
        {
            "site": "vertebra",
            "vertebral_level": "T11",
            "lesion_type": "blastic",
            "collapse": "under_50",
            "posterolateral": "none",
            "alignment": "normal",
            "soft_tissue_extension": "unknown",
            "fracture": "unknown",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "case-changed" in response["HX-Trigger"]
    latest = m.ScoreAssessment.objects.order_by("-pk").first()
    assert (latest.total, latest.band) == (8, "indeterminate")
    assert m.ScoreAssessment.objects.count() == 2  # the old result is kept


def test_viewer_cannot_correct_from_presentation(client_for, viewer, meeting):
    case = add_case(meeting)
    lesion = m.LesionObservation.objects.get(exam__patient=case.patient)
    url = reverse("rcp:present_lesion", args=[meeting.pk, 1, lesion.pk])
    assert client_for(viewer).get(url).status_code == 403


def test_a_missing_lab_is_added_from_the_side_panel_and_the_findings_refresh(client_for, clinician, meeting):
    add_case(meeting)
    url = reverse("rcp:present_record", args=[meeting.pk, 1, "lab"])
    client = client_for(clinician)
    assert 'name="calcium"' in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    refused = client.post(url, {"date": "2999-01-01", "calcium": "3.9"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and 'value="3.9"' in refused.content.decode()
    from django.utils import timezone

    response = client.post(
        url,
        {"date": timezone.localdate().isoformat(), "calcium": "3.90", "albumin": "40"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "case-changed" in response["HX-Trigger"]
    page = client.get(reverse("rcp:present", args=[meeting.pk, 1]), {"part": "case"}, HTTP_HX_REQUEST="true")
    assert 'data-rule="CA-CRISIS"' in page.content.decode()
    # Only the parts a board adds during the meeting: not, say, a molecular alteration.
    assert client.get(reverse("rcp:present_record", args=[meeting.pk, 1, "molecular"])).status_code == 404


def tables(captured) -> list[str]:
    """The table each query reads or writes, in order (not those of its subqueries, aliased U0…)."""
    return [re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"(?! U\d)', query["sql"])[1] for query in captured]


def test_a_meeting_dossier_asked_again_reads_no_record(
    django_assert_max_num_queries, client_for, clinician, meeting
):
    """Each case's dossier is kept under its record's stamp: the page asked again reads the agenda, the
    stamps and what else a dossier shows, whatever the number of cases, and no table of the records."""
    client = client_for(clinician)
    url = reverse("rcp:meeting_dossier", args=[meeting.pk])
    read = {}
    for target in (1, 12):
        while meeting.agenda().count() < target:
            add_case(meeting, level=["T11", "L2", "C5"][meeting.agenda().count() % 3])
        client.get(url)  # renders the new cases' dossiers
        with django_assert_max_num_queries(10) as captured:
            assert client.get(url).content.decode().count('class="dossier') >= target
        read[target] = tables(captured)
    assert (
        read[1]
        == read[12]
        == [
            "django_session",
            "accounts_user",  # with the user's centre
            "auth_permission",  # the user's and their groups' permissions, at once
            "rcp_meeting",
            "rcp_casesubmission",  # the agenda, with its patients
            "patients_patient",  # those the user may read, with their records' stamps
            "rcp_casesubmission",  # the cases discussed before (the history of each dossier)
            "rcp_trial",  # the board's open trials
            "accounts_accesslog",  # one row per dossier shown, in one INSERT
        ]
    )


def test_the_meeting_page_asked_again_reads_no_record(
    django_assert_max_num_queries, client_for, clinician, meeting
):
    """The agenda's urgent findings and gaps are kept under each record's stamp."""
    client = client_for(clinician)
    url = reverse("rcp:meeting", args=[meeting.pk])
    read = {}
    for target in (1, 12):
        while meeting.agenda().count() < target:
            add_case(meeting, level=["T11", "L2", "C5"][meeting.agenda().count() % 3])
        client.get(url)
        with django_assert_max_num_queries(9) as captured:
            assert client.get(url).content.decode().count('class="agenda-case') == target
        read[target] = tables(captured)
    assert (
        read[1]
        == read[12]
        == [
            "django_session",
            "accounts_user",
            "auth_permission",
            "rcp_meeting",  # with its board, centre, chair and deputy
            "rcp_attendance",
            "rcp_casesubmission",  # the agenda
            "patients_patient",  # the stamps
            "rcp_casesubmission",  # the cases waiting for a meeting
        ]
    )


def test_the_agenda_shows_a_new_urgent_finding_at_once(client_for, clinician, meeting):
    case = add_case(meeting, level="T11")
    client = client_for(clinician)
    url = reverse("rcp:meeting", args=[meeting.pk])
    assert "⚠" not in client.get(url).content.decode()
    # A write to the record gives it a new stamp: the page reads it afresh.
    EventFactory(patient=case.patient, kind="cord_compression", date=days_ago(0))
    assert "⚠" in client.get(url).content.decode()
