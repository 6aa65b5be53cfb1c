"""A lesion's finding names its lesion beside it wherever the board reads the findings: case dossier,
meeting dossier PDF, presentation mode, decision form and minute."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rcp.models import Minute
from tests.factories import (
    CaseFactory,
    ExamFactory,
    LesionFactory,
    PrimaryTumourFactory,
    started_meeting,
)
from tests.tasks import meeting_pdf, minute_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(centre, chair, deputy):
    meeting = started_meeting(centre=centre, chair=chair, deputy=deputy)
    case = CaseFactory(meeting=meeting, patient__centre=centre)
    PrimaryTumourFactory(patient=case.patient)
    exam = ExamFactory(patient=case.patient, modality="spine_mri")
    LesionFactory(exam=exam, vertebral_level="L2", bilsky="0")
    LesionFactory(exam=exam, vertebral_level="T11", bilsky="3")  # BILSKY-HIGH, on T11 only
    return case


def finding_item(html, rule):
    item = html[html.index(f'data-rule="{rule}"') :]
    return item[: item.index("</li>")]


def test_the_lesion_is_named_beside_its_finding_on_every_screen(client_for, chair, case):
    client = client_for(chair)
    pages = {
        "dossier": reverse("rcp:case", args=[case.pk]),
        "presentation": reverse("rcp:present", args=[case.meeting.pk, 1]),
        "decision form": reverse("rcp:decision", args=[case.pk]),
    }
    for where, url in pages.items():
        item = finding_item(client.get(url).content.decode(), "BILSKY-HIGH")
        assert 'data-lesion="T11"' in item and '<span class="finding-lesion badge">T11</span>' in item, where
        message = item[item.index('class="finding-message">') :]
        assert "T11" not in message[: message.index("</span>")], where  # named once, by its badge


def test_the_lesion_is_named_beside_its_finding_in_the_dossier_pdf_and_the_minute(client_for, chair, case):
    client = client_for(chair)
    response = meeting_pdf(client, case.meeting, "dossier")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # The label once, then the message without the label that opens it when it stands alone.
    assert "T11 Grade de Bilsky 3 : compression" in " ".join(text.split())
    client.post(
        reverse("rcp:decision", args=[case.pk]),
        {
            "conforms": "true",
            "free_text": "RT.",
            "revision": 0,
            "validate": "1",
            "contradictions_confirmed": "on",
        },
    )
    minute = Minute.objects.get()
    [finding] = [f for f in minute.snapshot["findings"] if f["rule"] == "BILSKY-HIGH"]
    assert finding["lesion"] == "T11"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(minute_pdf(minute))).pages).split()
    )
    assert "[T11] Grade de Bilsky 3 : compression" in text
    assert finding["message"].startswith("T11 : grade de Bilsky 3")  # the snapshot's message stands alone
