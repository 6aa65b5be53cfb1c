"""The board sees what its minute freezes: the dossier (screen, presentation) and the minute render the
same summary of the record (patients.summary) through the same includes; a snapshot is that summary
plus the board's parts; older snapshots (formats 1 and 2) still print exactly what they printed.

tests/rcp/data/snapshot_format2.json was validated by the code of snapshot format 2 (demo patient
DEMO-003, a decision with a contradiction confirmed); snapshot_format1.json is the same without what
format 2 added (the lesions' status and own pain, the table corrections, the trials beside findings).
Each .txt is the text the format-2 template printed of it."""

import copy
import io
import json
import re
from collections import Counter
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from patients.summary import record_summary
from rcp.dossier import dossiers
from rcp.minutes import SNAPSHOT_FORMAT, upgrade
from rcp.models import Decision, Minute
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PrimaryTumourFactory,
    propose,
    started_meeting,
)
from tests.tasks import minute_pdf

DATA = Path(__file__).parent / "data"
# The format-2 template's words the current one words otherwise: the column "Lésion" is "Siège" (as on
# screen), an urgent finding is under the heading "Urgent" rather than prefixed "URGENT —".
RENAMED = Counter({"Lésion": 1, "URGENT": 1})


def stored(n) -> dict:
    return json.loads((DATA / f"snapshot_format{n}.json").read_text())


def minute_text(snapshot) -> str:
    with translation.override("fr"):
        html = render_to_string("rcp/includes/minute_body.html", {"s": snapshot})
    html = re.sub(r"<svg.*?</svg>|<span class=\"visually-hidden\">.*?</span>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def words(text) -> Counter:
    return Counter(re.findall(r"\w[\w/,.%–-]*\w|\w", text))


@pytest.mark.parametrize("n", [1, 2])
def test_an_older_minute_prints_what_it_printed_and_nothing_more(n):
    snapshot = stored(n)
    printed = (DATA / f"snapshot_format{n}.txt").read_text()
    text = minute_text(snapshot)
    assert words(printed) - words(text) == RENAMED
    for unprinted in ("Karnofsky", "IMC", "normale", "converti", "Marche"):
        assert unprinted not in text, unprinted
    assert ("Douleur de la lésion" in text) is (n == 2)
    assert ("Corrections des tableaux du référentiel" in text) is (n == 2)


@pytest.mark.parametrize("n", [1, 2])
def test_upgrade_is_pure_and_gives_the_current_shape(n):
    snapshot = stored(n)
    before = copy.deepcopy(snapshot)
    upgraded = upgrade(snapshot)
    assert snapshot == before  # a stored snapshot is never rewritten (the chain hash covers it)
    assert (upgraded["format"], upgraded["upgraded_from"]) == (SNAPSHOT_FORMAT, n)
    assert "assessment" not in upgraded and upgraded["status"]["ecog"] == 3
    assert upgraded["status"]["karnofsky"] is None  # frozen by format 2, never printed by it
    assert upgraded["patient"]["referring_physician"] == before["case"]["referring_physician"]
    assert upgraded["events"] == [{"date": "2026-11-30", "kind": "", "label": "Compression médullaire"}]
    assert upgrade(upgraded) is upgraded
    assert json.loads(json.dumps(upgraded)) == upgraded


@pytest.fixture
def case(centre, chair, deputy):
    meeting = started_meeting(centre=centre, chair=chair, deputy=deputy)
    case = CaseFactory(meeting=meeting, patient__centre=centre, question="Conduite à tenir ?")
    patient = case.patient
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(
        patient=patient,
        ecog=None,
        karnofsky=60,
        weight_kg=Decimal("50.0"),
        height_cm=170,
        ambulatory_status="walking_with_aid",
    )
    LabFactory(patient=patient)
    LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="T6", bilsky="3")
    return case


# The same facts, in French, on the screen and in the minute.
FACTS = (
    "ECOG 2 (converti depuis le Karnofsky)",
    "Karnofsky 60 %",
    "IMC 17,3 kg/m²",
    "marche avec aide",
    "Compression médullaire.",
    "Bilsky 3.",
)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_minute_freezes_and_prints_what_the_dossier_shows(client_for, chair, case):
    client = client_for(chair)
    screen = " ".join(
        unescape(
            re.sub(
                r"<[^>]+>",
                " ",
                client.get(reverse("rcp:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode(),
            )
        ).split()
    )
    propose(case, chair, "surveillance")
    revision = Decision.objects.get(case=case).revision
    data = {"conforms": "true", "validate": "1", "revision": revision}
    assert (
        client.post(reverse("rcp:decision", args=[case.pk]), data, HTTP_ACCEPT_LANGUAGE="en").status_code
        == 302
    )
    minute = Minute.objects.get()
    printed = pdf_text(minute_pdf(minute))
    for fact in FACTS:
        assert fact in screen, fact
        assert fact in printed, fact
    # The snapshot's record part is the summary the dossier renders (in French), key for key.
    [dossier] = dossiers(chair, [case])
    with translation.override("fr"):
        summary = record_summary(dossier.record.reworded())
    snapshot = minute.snapshot
    assert snapshot["format"] == SNAPSHOT_FORMAT
    for key, value in summary.items():
        if key == "findings":  # the board's open trials are added beside each finding
            assert [{k: v for k, v in f.items() if k != "trials"} for f in snapshot[key]] == value
        else:
            assert snapshot[key] == value, key
    assert snapshot["status"]["karnofsky"] == 60 and snapshot["status"]["ecog_converted"] is True


def test_the_fiche_rcp_reads_a_format_3_snapshot():
    from rcp.interop.frcp import _other_data
    from rcp.interop.snapshot import MinuteSnapshot

    snapshot = upgrade(stored(2))
    snapshot["status"].update(karnofsky_range=[30, 40], karnofsky_converted=True, bmi=17.3)
    doc = MinuteSnapshot(snapshot)
    assert doc.referring.name == "Paul Pneumologue"
    data = dict(_other_data(doc))
    assert data["Événements osseux"] == [("30/11/2026 Compression médullaire", "")]
    status = dict(data["État clinique (30/11/2026)"])
    assert status["Indice de Karnofsky"] == "30–40 (converti depuis l’ECOG)"
    assert status["Indice de masse corporelle (kg/m²)"] == "17.3"
