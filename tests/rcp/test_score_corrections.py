"""The corrections to the guideline's printed score tables (scores.md, "Known errors in the source
tables") wherever a score's result appears on the board's side: case and meeting dossiers (HTML and PDF),
presentation mode and the minute (snapshot, PDF, read view); and each lesion's own pain and status in
the minute."""

import io
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from patients import models as m
from rcp import services
from rcp.minutes import render_minute, render_minutes_html
from rcp.models import Minute
from scoring import registry
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PrimaryTumourFactory,
    started_meeting,
)
from tests.tasks import meeting_pdf, minute_pdf

pytestmark = pytest.mark.django_db

MIRELS = {"site": "lower_limb", "pain": "moderate", "lesion": "lytic", "size": "one_to_two_thirds"}
SINS = {
    "location": "junctional",
    "pain": "mechanical",
    "lesion": "lytic",
    "alignment": "normal",
    "collapse": "under_50",
    "posterolateral": "none",
}
TOKUHASHI = {
    "karnofsky": 70,
    "extraspinal_bone_metastases": 2,
    "vertebral_body_metastases": 1,
    "visceral_metastases": "none",
    "primary_site": "lung",
    "frankel": "E",
}
# One fragment of each correction, in each language, and the heading.
EN = {
    "mirels": "four items of 1 to 3 points range from 4 to 12",
    "tokuhashi": "lists five items; the revised score has six",
    "rades": "“compression vasculaire”",
}
FR = {
    "mirels": "quatre items de 1 à 3 points donnent un total de 4 à 12",
    "tokuhashi": "comporte cinq items ; le score révisé en compte six",
    "rades": "« compression vasculaire »",
}
HEADING_EN = "Corrections to the guideline's tables</h3>"
HEADING_FR = "Corrections des tableaux du référentiel"
PROPOSAL = {"free_text": "Radiothérapie antalgique.", "conforms": "true"}


@pytest.fixture
def meeting(centre, chair, deputy):
    meeting = started_meeting(centre=centre, chair=chair, deputy=deputy)
    return meeting


def add_case(meeting, *, femurs=1):
    """A case with a T11 lesion and `femurs` long-bone lesions (left femoral shaft, then right)."""
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    PrimaryTumourFactory(patient=case.patient)
    LesionFactory(exam=ExamFactory(patient=case.patient, modality="spine_mri"), vertebral_level="T11")
    for side in ("left", "right")[:femurs]:
        LesionFactory(exam=ExamFactory(patient=case.patient, modality="xray"), site="femur_shaft", side=side)
    AssessmentFactory(patient=case.patient, life_expectancy_months=Decimal("12"))
    LabFactory(patient=case.patient)
    return case


def lesion(case, site):
    return m.TrackedLesion.objects.get(
        patient=case.patient, site=site, **({"side": "left"} if site != "vertebra" else {})
    )


def save(case, slug, inputs, lesion=None):
    result = registry.get(slug).compute(**inputs)
    return m.ScoreAssessment.objects.record(result, patient=case.patient, lesion=lesion)


def score_everything(case):
    """Mirels on every femur, SINS on T11, Tokuhashi for the patient: two corrected scores, one not."""
    for tracked in m.TrackedLesion.objects.filter(patient=case.patient, site="femur_shaft"):
        save(case, "mirels", MIRELS, tracked)
    save(case, "sins", SINS, lesion(case, "vertebra"))
    save(case, "tokuhashi", TOKUHASHI)


def flat(text):
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


# Dossiers and presentation mode ---------------------------------------------------------------------


def test_the_case_dossier_explains_each_corrected_score_once(client_for, clinician, meeting):
    case = add_case(meeting, femurs=2)
    score_everything(case)
    page = client_for(clinician).get(reverse("rcp:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert html.count(HEADING_EN) == 1
    assert html.count(EN["mirels"]) == 1  # two femurs scored, one explanation
    assert html.count(EN["tokuhashi"]) == 1
    assert EN["rades"] not in html  # no Rades result: nothing to explain
    assert "every case above" not in html
    assert "OncoBFC/NEON/ONCORIF 2021 §3.8.3" in html and "OncoBFC/NEON/ONCORIF 2021 §3.5.2" in html


def test_no_correction_without_a_result_of_a_corrected_score(client_for, clinician, meeting):
    case = add_case(meeting)
    save(case, "sins", SINS, lesion(case, "vertebra"))  # SINS: the guideline's table is right
    client = client_for(clinician)
    html = client.get(reverse("rcp:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SINS" in html
    assert HEADING_EN not in html and all(text not in html for text in EN.values())
    present = client.get(reverse("rcp:present", args=[meeting.pk, 1]), HTTP_ACCEPT_LANGUAGE="en")
    assert HEADING_EN not in present.content.decode()


def test_presentation_mode_shows_the_corrections(client_for, clinician, meeting):
    score_everything(add_case(meeting))
    page = client_for(clinician).get(reverse("rcp:present", args=[meeting.pk, 1]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert html.count(HEADING_EN) == 1 and EN["mirels"] in html and EN["tokuhashi"] in html


def test_the_meeting_dossier_explains_them_once_after_the_last_case(
    client_for, clinician, meeting, django_assert_max_num_queries
):
    first, second, third = add_case(meeting), add_case(meeting), add_case(meeting)
    save(first, "mirels", MIRELS, lesion(first, "femur_shaft"))
    save(second, "mirels", MIRELS, lesion(second, "femur_shaft"))
    client = client_for(clinician)
    url = reverse("rcp:meeting_dossier", args=[meeting.pk])
    with django_assert_max_num_queries(30) as before:
        client.get(url)
    save(third, "tokuhashi", TOKUHASHI)
    save(third, "mirels", MIRELS, lesion(third, "femur_shaft"))
    with django_assert_max_num_queries(len(before)):  # explaining more scores costs no query
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count(HEADING_EN) == 1 and html.count(EN["mirels"]) == 1 and html.count(EN["tokuhashi"]) == 1
    assert html.index(EN["mirels"]) > html.index(f'id="dossier-{third.pk}"')  # after the last case
    assert "They apply to the scores of every case above." in html


def test_the_meeting_dossier_pdf_explains_them_once(client_for, clinician, meeting):
    for _ in range(2):
        save(case := add_case(meeting), "mirels", MIRELS, lesion(case, "femur_shaft"))
    response = meeting_pdf(client_for(clinician), meeting, "dossier")
    text = pdf_text(response.content)
    assert text.count(HEADING_FR) == 1 and text.count(FR["mirels"]) == 1
    assert "Elles valent pour les scores de tous les dossiers ci-dessus." in text
    assert FR["tokuhashi"] not in text


# The minute -----------------------------------------------------------------------------------------


def validate(client, case):
    response = client.post(
        reverse("rcp:decision", args=[case.pk]), {**PROPOSAL, "revision": 0, "validate": "1"}
    )
    assert response.status_code == 302
    return Minute.objects.get(decision__case=case)


def test_the_minute_freezes_the_corrections_in_french_and_prints_them_once(
    client_for, chair, meeting, tmp_path
):
    case = add_case(meeting, femurs=2)
    score_everything(case)
    minute = validate(client_for(chair), case)
    corrections = minute.snapshot["corrections"]
    assert [c["score"] for c in corrections] == ["mirels", "tokuhashi"]
    assert corrections[0]["items"] == [
        {
            "source": "OncoBFC/NEON/ONCORIF 2021 §3.5.2",
            "text": "Le référentiel indique un total de 3 à 12 : quatre items de 1 à 3 points donnent un "
            "total de 4 à 12.",
        }
    ]
    assert len(corrections[1]["items"]) == 2 and corrections[1]["name"].startswith(
        "Score de Tokuhashi révisé"
    )
    path = tmp_path / "minute.pdf"
    path.write_bytes(minute_pdf(minute))
    text = flat(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    )
    assert text.count(HEADING_FR) == 1
    assert text.count(FR["mirels"]) == 1 and text.count(FR["tokuhashi"]) == 1 and FR["rades"] not in text


def test_a_minute_without_a_corrected_score_has_no_corrections(client_for, chair, meeting):
    case = add_case(meeting)
    save(case, "sins", SINS, lesion(case, "vertebra"))
    minute = validate(client_for(chair), case)
    assert minute.snapshot["corrections"] == []
    assert HEADING_FR not in pdf_text(minute_pdf(minute))


def test_the_minute_freezes_and_prints_each_lesions_own_pain_and_status(client_for, chair, meeting):
    case = add_case(meeting)
    pain_date = timezone.localdate() - timedelta(days=3)
    m.TrackedLesion.objects.filter(patient=case.patient, site="vertebra").update(
        pain_nrs=7, pain_mechanical=True, pain_date=pain_date
    )
    m.TrackedLesion.objects.filter(patient=case.patient, site="femur_shaft").update(status="stabilised")
    minute = validate(client_for(chair), case)
    t11, femur = minute.snapshot["lesions"]
    assert {k: t11[k] for k in ("status", "status_label", "pain_nrs", "pain_mechanical", "pain_date")} == {
        "status": "active",
        "status_label": "Active",
        "pain_nrs": 7,
        "pain_mechanical": True,
        "pain_date": pain_date.isoformat(),
    }
    assert (femur["status_label"], femur["pain_nrs"], femur["pain_mechanical"]) == ("Stabilisée", None, None)
    text = pdf_text(minute_pdf(minute))
    assert "Douleur de la lésion" in text
    assert f"7/10, mécanique (le {pain_date:%d/%m/%Y})" in text
    assert "Stabilisée non renseignée" in text  # the femur: status, then its pain, unknown (not "none")


def test_unknown_mechanical_character_is_said_unknown_not_absent():
    html = render_minutes_html([minimal_snapshot(pain_nrs=4, pain_mechanical=None)])
    assert "4/10, caractère mécanique non renseigné" in html
    html = render_minutes_html([minimal_snapshot(pain_nrs=4, pain_mechanical=False)])
    assert "4/10, non mécanique" in html


def minimal_snapshot(**lesion):
    """A snapshot as validated by a chair: only what the minute's template reads."""
    base = {"site": "T11", "type": "Lytique", "exam": "IRM", "scores": []}
    return {
        "format": 2,
        "centre": {"name": "CHU", "finess": ""},
        "meeting": {
            "title": "RCP os",
            "starts_at": "2026-01-05T14:00:00+01:00",
            "place": "",
            "chair": "Dr A",
        },
        "participants": [],
        "quorum": {"ok": True, "present": [], "missing": [], "required": [], "override": ""},
        "patient": {
            "family_name": "X",
            "given_names": "Y",
            "birth_date": "1950-01-01",
            "age": 76,
            "sex": "Homme",
        },
        "case": {"question": "?", "reason": "Avis", "urgent": False, "presenting_physician": "Dr B"},
        "molecular": [],
        "sites": [],
        "lesions": [{**base, "status": "active", "status_label": "Active", "pain_date": None, **lesion}],
        "scores": [],
        "corrections": [],
        "treatments": [],
        "events": [],
        "findings": [],
        "skeleton_svg": "",
        "contradictions": [],
        "decision": {"version": 1, "proposals_text": [], "conforms": True},
        "validation": {"number": "2026-0001", "version": 1, "by": "Dr A", "at": "2026-01-05T15:00:00+01:00"},
        "supersedes": None,
    }


def as_format_1(snapshot: dict) -> dict:
    """The snapshot as the minutes validated before format 2 froze it."""
    old = {key: value for key, value in snapshot.items() if key != "corrections"}
    old["format"] = 1
    old["lesions"] = [
        {k: v for k, v in lesion.items() if k in ("site", "type", "exam", "scores")}
        for lesion in snapshot["lesions"]
    ]
    return old


def test_an_old_snapshot_without_pain_status_or_corrections_still_renders(
    client_for, chair, meeting, monkeypatch
):
    case = add_case(meeting)
    score_everything(case)
    build = services.build_snapshot
    monkeypatch.setattr(services, "build_snapshot", lambda **kwargs: as_format_1(build(**kwargs)))
    minute = validate(client_for(chair), case)
    assert "corrections" not in minute.snapshot and "status" not in minute.snapshot["lesions"][0]
    for text in (pdf_text(minute_pdf(minute)), pdf_text(render_minute(minute.snapshot))):
        assert "T11" in text and "Statut" not in text and "Douleur de la lésion" not in text
        assert HEADING_FR not in text
    read = client_for(chair).get(reverse("rcp:decision_read", args=[minute.decision.pk]))
    assert read.status_code == 200
    html = read.content.decode()
    assert 'id="minute"' in html and "T11" in html and "Douleur de la lésion" not in html


def test_the_decision_read_view_prints_the_frozen_corrections_and_lesion_state(client_for, chair, meeting):
    case = add_case(meeting)
    score_everything(case)
    m.TrackedLesion.objects.filter(patient=case.patient, site="vertebra").update(
        pain_nrs=5, pain_mechanical=False, pain_date=timezone.localdate()
    )
    minute = validate(client_for(chair), case)
    html = client_for(chair).get(reverse("rcp:decision_read", args=[minute.decision.pk])).content.decode()
    assert HEADING_FR in html and FR["mirels"] in html and "5/10, non mécanique" in html


def test_the_minute_keeps_its_french_corrections_whatever_the_readers_language(client_for, chair, meeting):
    case = add_case(meeting)
    save(case, "mirels", MIRELS, lesion(case, "femur_shaft"))
    minute = validate(client_for(chair), case)
    html = (
        client_for(chair)
        .get(reverse("rcp:decision_read", args=[minute.decision.pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert FR["mirels"] in html and EN["mirels"] not in html
