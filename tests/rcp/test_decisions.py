"""Decisions and minutes: quorum, chair-only validation, the PDF read back, immutability, amendments,
concurrent drafts, and text that tries to make the renderer fetch something."""

import hashlib
import io
import json
import logging
import re
import socket
import subprocess
import time
import urllib.request
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from patients.models import LesionObservation
from rcp.minutes import render_meeting_minutes, render_minutes_html
from rcp.models import Decision, ImmutableError, Minute, MinutePdf
from rcp.services import validate_decision
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PrimaryTumourFactory,
    UserFactory,
    propose,
    started_meeting,
)
from tests.tasks import meeting_pdf, minute_pdf, run_tasks

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "free_text": "Radiothérapie antalgique puis dénosumab.",
    "conforms": "true",
    "discussion_type": "first",
    "trial_proposed": "false",
    "patient_informed": "to_do",
    "patient_informed_by": "Dr Référent",
    "general_practitioner": "Dr Généraliste, Lyon",
    "distribution": "Dr Généraliste\nDr Référent",
}


def propose_rt_and_denosumab(case, user):
    """The lines of PROPOSAL's text: 8 Gy in 1 fraction on T11, denosumab every 4 weeks."""
    [t11] = case.patient.tracked_lesions.all()
    propose(case, user, "radiotherapy", lesions=[t11], intent="analgesic", technique="3d", schedule="8x1")
    propose(case, user, "bma", action="start", drug="denosumab", interval_weeks="4")


@pytest.fixture
def meeting(centre, chair, deputy):
    meeting = started_meeting(centre=centre, chair=chair, deputy=deputy)
    return meeting


@pytest.fixture
def case(meeting):
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre, question="Que faire pour T11 ?")
    PrimaryTumourFactory(patient=case.patient)
    LesionFactory(exam=ExamFactory(patient=case.patient, modality="spine_mri"), vertebral_level="T11")
    AssessmentFactory(patient=case.patient, life_expectancy_months=Decimal("12"))
    LabFactory(patient=case.patient)
    return case


def url(case):
    return reverse("rcp:decision", args=[case.pk])


def post(client, case, data, *, revision=0, **extra):
    return client.post(url(case), {**data, "revision": revision}, **extra)


def validate(client, case, data=PROPOSAL, revision=0):
    return post(client, case, {**data, "validate": "1"}, revision=revision)


def test_chair_validates_and_the_minute_reads_back(client_for, chair, case):
    propose_rt_and_denosumab(case, chair)
    response = validate(client_for(chair), case)
    assert response.status_code == 302
    minute = Minute.objects.get()
    decision = minute.decision
    assert decision.status == "validated" and decision.validated_by == chair
    run_tasks()
    rendered = MinutePdf.objects.get(minute=minute)
    assert rendered.sha256 == hashlib.sha256(bytes(rendered.pdf)).hexdigest()

    pdf = bytes(client_for(chair).get(reverse("rcp:minute_pdf", args=[minute.pk])).getvalue())
    assert hashlib.sha256(pdf).hexdigest() == rendered.sha256
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    patient = case.patient
    for expected in (
        patient.family_name.upper(),
        patient.hospital_id,
        "Que faire pour T11 ?",
        "RCP os",
        "Quorum atteint",
        "Oncologie radiothérapie",
        "Radiothérapie — T11 : 8 Gy en 1 fraction ; Conformationnelle 3D ; Antalgique",
        "Traitement anti-résorptif : Débuter ; Dénosumab ; 120 mg ; toutes les 4 semaines",
        "Type de discussion : Première présentation",
        "Inclusion dans un essai clinique proposée : non",
        "Patient informé de la proposition : à faire (par Dr Référent)",
        "Médecin traitant : Dr Généraliste, Lyon",
        "Diffusion du compte rendu : Dr Généraliste ; Dr Référent",
        "Conformité au référentiel : oui",
        chair.display_name,
        minute.number,
        "version 1",
        case.presenting_physician.display_name,
    ):
        assert expected in text, expected
    pages = len(reader.pages)
    for number in range(1, pages + 1):
        page_text = reader.pages[number - 1].extract_text()
        assert f"page {number}/{pages}" in page_text
        assert patient.hospital_id in page_text  # identity on every page header
    raw_xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in raw_xmp or "<pdfaid:part>3</pdfaid:part>" in raw_xmp
    assert 'pdfaid:conformance="B"' in raw_xmp or "<pdfaid:conformance>B</pdfaid:conformance>" in raw_xmp
    attached = json.loads(reader.attachments["decision.json"][0])
    assert attached == minute.snapshot["decision"]
    [t11] = case.patient.tracked_lesions.all()
    assert [(line["kind"], line["lesion_ids"], line["details"]) for line in attached["lines"]] == [
        (
            "radiotherapy",
            [t11.pk],
            {"intent": "analgesic", "technique": "3d", "schedule": "8x1", "dose_gy": 8, "fractions": 1},
        ),
        ("bma", [], {"action": "start", "drug": "denosumab", "dose_mg": 120, "interval_weeks": 4}),
    ]
    assert "proposals" not in attached  # the JSON of the decisions recorded before lines existed


def test_pdftotext_reads_the_minute(client_for, chair, case, tmp_path):
    validate(client_for(chair), case)
    path = tmp_path / "minute.pdf"
    path.write_bytes(minute_pdf(Minute.objects.get()))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Compte rendu de réunion de concertation pluridisciplinaire" in text


def test_minute_validated_with_the_hashed_static_storage_embeds_its_font(
    client_for, chair, case, tmp_path, caplog, collected_static
):
    # As in production: {% static %} gives the hashed names collectstatic wrote into STATIC_ROOT.
    stylesheet = staticfiles_storage.url("css/print.css")
    assert re.fullmatch(r"/static/css/print\.[0-9a-f]{12}\.css", stylesheet)
    assert (collected_static / stylesheet.removeprefix("/static/")).is_file()
    with caplog.at_level(logging.WARNING, logger="rcp.pdf"):
        assert validate(client_for(chair), case).status_code == 302
        pdf = minute_pdf(Minute.objects.get())
    assert [record.getMessage() for record in caplog.records if record.name == "rcp.pdf"] == []
    path = tmp_path / "minute.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0].split("+", 1)[-1].replace("-", "") for line in fonts.splitlines()[2:]]
    assert "AtkinsonHyperlegible" in names and "AtkinsonHyperlegibleBold" in names


def test_only_the_chair_or_deputy_validates(client_for, coordinator, deputy, case):
    response = validate(client_for(coordinator), case)
    assert response.status_code == 403
    assert not Decision.objects.exists() and not Minute.objects.exists()  # a refused validation saves nothing
    assert validate(client_for(deputy), case).status_code == 302  # the deputy


def test_viewer_cannot_record_a_decision(client_for, viewer, case):
    assert client_for(viewer).get(url(case)).status_code == 200
    assert post(client_for(viewer), case, PROPOSAL).status_code == 403


def test_no_quorum_blocks_validation_unless_the_chair_says_why(client_for, chair, case):
    case.meeting.attendances.filter(specialty="orthopaedic_surgery").update(present=False)
    client = client_for(chair)
    response = validate(client, case)
    assert response.status_code == 400
    assert "quorum_override" in response.context["form"].errors
    revision = Decision.objects.get().revision
    response = validate(
        client,
        case,
        {**PROPOSAL, "quorum_override": "Compression médullaire, chirurgien injoignable"},
        revision=revision,
    )
    assert response.status_code == 302
    snapshot = Minute.objects.get().snapshot
    assert snapshot["quorum"]["ok"] is False and "injoignable" in snapshot["quorum"]["override"]


def test_a_deviation_needs_its_reason(client_for, chair, case):
    client = client_for(chair)
    response = validate(client, case, {**PROPOSAL, "conforms": "false"})
    assert "deviation_reason" in response.context["form"].errors
    response = validate(
        client,
        case,
        {**PROPOSAL, "conforms": "false", "deviation_reason": "patient_choice"},
        revision=Decision.objects.get().revision,
    )
    assert response.status_code == 302
    assert Minute.objects.get().snapshot["decision"]["deviation_reason"] == "patient_choice"


def test_a_proposal_against_a_warning_asks_for_confirmation(client_for, chair, case):
    case.patient.clinicalassessments.update(life_expectancy_months=Decimal("1"))
    client = client_for(chair)
    [t11] = case.patient.tracked_lesions.all()
    propose(case, chair, "surgery", lesions=[t11], procedures=["decompression", "stabilisation"])
    surgery = PROPOSAL
    response = validate(client, case, surgery)
    assert "contradictions_confirmed" in response.context["form"].errors
    assert "6 weeks" in " ".join(response.context["contradictions"]) or "6 semaines" in " ".join(
        response.context["contradictions"]
    )
    response = validate(
        client, case, {**surgery, "contradictions_confirmed": "on"}, revision=Decision.objects.get().revision
    )
    assert response.status_code == 302


def test_calcium_supplements_with_hypercalcaemia_ask_for_confirmation_and_the_minute_names_each_lesion(
    client_for, chair, case
):
    LesionObservation.objects.filter(exam__patient=case.patient).update(bilsky="3")
    client = client_for(chair)
    # A line written before the hypercalcaemia was known (the form now refuses calcium with it).
    propose(case, chair, "bma", action="start", drug="denosumab", interval_weeks="4", calcium_vitamin_d="on")
    case.patient.labresults.update(calcium=Decimal("2.90"), albumin=Decimal("40"))
    supplements = PROPOSAL
    response = validate(client, case, supplements)
    assert "contradictions_confirmed" in response.context["form"].errors
    assert any("2,90 mmol/L" in item for item in response.context["contradictions"])
    response = validate(
        client,
        case,
        {**supplements, "contradictions_confirmed": "on"},
        revision=Decision.objects.get().revision,
    )
    assert response.status_code == 302
    snapshot = Minute.objects.get().snapshot
    assert {"rule": "BILSKY-HIGH", "lesion": "T11"}.items() <= next(
        f for f in snapshot["findings"] if f["rule"] == "BILSKY-HIGH"
    ).items()
    assert all("lesion" in f for f in snapshot["findings"])
    [line] = snapshot["decision"]["lines"]
    assert line["details"]["calcium_vitamin_d"] is True and line["details"]["drug"] == "denosumab"
    assert '<strong class="finding-lesion">[T11]</strong>' in render_minutes_html([snapshot])


def test_validated_decision_and_minute_never_change(client_for, chair, case):
    validate(client_for(chair), case)
    decision, minute = Decision.objects.get(), Minute.objects.get()
    decision.free_text = "changed"
    with pytest.raises(ImmutableError):
        decision.save()
    with pytest.raises(ImmutableError):
        decision.delete()
    with pytest.raises(ImmutableError):
        Decision.objects.filter(pk=decision.pk).update(free_text="changed")
    with pytest.raises(ImmutableError):
        Decision.objects.all().delete()
    minute.sha256 = "0" * 64
    with pytest.raises(ImmutableError):
        minute.save()
    with pytest.raises(ImmutableError):
        minute.delete()
    with pytest.raises(ImmutableError):
        Minute.objects.update(sha256="0")
    with pytest.raises(ImmutableError):
        Minute.objects.all().delete()
    run_tasks()
    rendered = MinutePdf.objects.get(minute=minute)
    rendered.sha256 = "0" * 64
    with pytest.raises(ImmutableError):
        rendered.save()
    with pytest.raises(ImmutableError):
        rendered.delete()
    with pytest.raises(ImmutableError):
        MinutePdf.objects.update(sha256="0")
    # The view refuses too: the page shows the validated version, no form to post.
    response = post(client_for(chair), case, {**PROPOSAL, "free_text": "changed"}, revision=decision.revision)
    assert response.context["form"] is None
    decision.refresh_from_db()
    assert decision.free_text == PROPOSAL["free_text"]


def test_admin_cannot_change_or_delete_validated_decisions_and_minutes(admin_client, client_for, chair, case):
    validate(client_for(chair), case)
    decision, minute = Decision.objects.get(), Minute.objects.get()
    assert (
        admin_client.post(
            reverse("admin:rcp_decision_change", args=[decision.pk]), {"free_text": "x"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:rcp_decision_delete", args=[decision.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(reverse("admin:rcp_minute_delete", args=[minute.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        admin_client.post(reverse("admin:rcp_minute_change", args=[minute.pk]), {"number": "x"}).status_code
        == 403
    )
    assert Minute.objects.get().number == minute.number


def test_an_amendment_is_a_new_version_and_the_old_one_is_kept(client_for, chair, case):
    client = client_for(chair)
    propose_rt_and_denosumab(case, chair)
    validate(client, case)
    first = Minute.objects.get()
    client.post(reverse("rcp:decision_amend", args=[first.decision.pk]))
    draft = Decision.objects.get(status="draft")
    copied = [
        (line.kind, line.details, [lesion.pk for lesion in line.lesions.all()]) for line in draft.lines.all()
    ]
    kept = [
        (line.kind, line.details, [lesion.pk for lesion in line.lesions.all()])
        for line in first.decision.lines.all()
    ]
    assert draft.version == 2 and copied == kept and len(copied) == 2
    bma = draft.lines.get(kind="bma")
    client.post(reverse("rcp:decision_line_remove", args=[case.pk, bma.pk]))
    propose(case, chair, "bma", action="start", drug="zoledronic_acid", interval_weeks="12")
    response = validate(client, case, PROPOSAL, revision=draft.revision)
    assert "amendment_reason" in response.context["form"].errors
    validate(
        client,
        case,
        {**PROPOSAL, "amendment_reason": "Erreur de saisie"},
        revision=Decision.objects.get(status="draft").revision,
    )
    assert [line["kind"] for line in Minute.objects.get(version=2).snapshot["decision"]["lines"]] == [
        "radiotherapy",
        "bma",
    ]
    assert Minute.objects.get(version=1).decision.lines.get(kind="bma").details["drug"] == "denosumab"
    second = Minute.objects.get(version=2)
    assert second.number == first.number
    assert second.snapshot["supersedes"] == {"number": first.number, "version": 1}
    first_pdf = minute_pdf(first)
    assert Minute.objects.count() == 2 and minute_pdf(Minute.objects.get(version=1)) == first_pdf
    page = client.get(reverse("rcp:patient_minutes", args=[case.patient.pk]), HTTP_ACCEPT_LANGUAGE="en")
    groups = page.context["groups"]
    assert [m.version for m in groups[first.number]] == [2, 1]
    assert "superseded" in page.content.decode()
    pages = PdfReader(io.BytesIO(minute_pdf(second))).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Erreur de saisie" in text and "remplace la version 1" in text


def test_two_people_editing_one_draft_do_not_overwrite_each_other(client_for, chair, clinician, case):
    first, second = client_for(chair), client_for(clinician)
    post(first, case, {**PROPOSAL, "free_text": "Version du président"}, HTTP_HX_REQUEST="true")
    revision = Decision.objects.get().revision
    # Both opened the draft at this revision; the first saves, then the second.
    assert (
        post(
            first,
            case,
            {**PROPOSAL, "free_text": "Président, suite"},
            revision=revision,
            HTTP_HX_REQUEST="true",
        ).status_code
        == 200
    )
    response = post(
        second, case, {**PROPOSAL, "free_text": "Adjoint"}, revision=revision, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert Decision.objects.get().free_text == "Président, suite"


def test_autosave_keeps_a_draft_as_the_board_talks(client_for, chair, case):
    response = post(client_for(chair), case, {"free_text": "Début de discussion"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'name="revision" value="1"' in response.content.decode()
    assert Decision.objects.get().free_text == "Début de discussion"


def test_text_cannot_make_the_renderer_fetch_anything(client_for, chair, case, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the renderer tried to reach the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    hostile = '<img src="http://127.0.0.1:9/tracker.png"> <link rel="stylesheet" href="file:///etc/passwd">'
    case.question = hostile
    case.save()
    validate(client_for(chair), case, {**PROPOSAL, "free_text": hostile})
    minute = Minute.objects.get()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(minute_pdf(minute))).pages)
    assert '<img src="http://127.0.0.1:9/tracker.png">' in text  # shown as text, escaped
    assert "root:x:0" not in text


def test_another_centre_gets_404_on_minutes(client_for, chair, outsider, case):
    validate(client_for(chair), case)
    minute = Minute.objects.get()
    client = client_for(outsider)
    assert client.get(reverse("rcp:minute_pdf", args=[minute.pk])).status_code == 404
    assert client.get(reverse("rcp:minute_pdf_status", args=[minute.pk])).status_code == 404
    for kind in ("minutes", "dossier"):
        assert client.get(reverse("rcp:meeting_document", args=[case.meeting.pk, kind])).status_code == 404
        assert client.post(reverse("rcp:meeting_document", args=[case.meeting.pk, kind])).status_code == 404
    assert client.get(reverse("rcp:patient_minutes", args=[case.patient.pk])).status_code == 404
    assert client.get(url(case)).status_code == 404


def test_meeting_minutes_gather_every_validated_case(client_for, chair, case, meeting):
    other = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre, question="Deuxième cas ?")
    client = client_for(chair)
    validate(client, case)
    validate(client, other)
    response = meeting_pdf(client, meeting, "minutes")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert case.patient.family_name.upper() in text and "Deuxième cas ?" in text
    assert len(reader.pages) >= 2


def test_minute_numbers_follow_each_other_without_gaps(client_for, chair, meeting):
    client = client_for(chair)
    cases = [CaseFactory(meeting=meeting, patient__centre=meeting.board.centre) for _ in range(3)]
    for case in cases:
        validate(client, case)
    numbers = sorted(Minute.objects.values_list("number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3]


def test_validation_is_all_or_nothing(chair, case, monkeypatch):
    from django.test import Client

    Client().force_login(chair)
    draft = Decision.objects.create(case=case, proposals={"surveillance": {}}, conforms=True)

    def broken(**kwargs):
        raise RuntimeError("task queue down")

    # The minute's render is queued in the validation's transaction: no minute without it, nor the reverse.
    monkeypatch.setattr("rcp.services.request_minute_pdf", broken)
    with pytest.raises(RuntimeError):
        validate_decision(decision=draft, user=chair)
    draft.refresh_from_db()
    assert draft.is_draft and not Minute.objects.exists() and not DBTaskResult.objects.exists()


def test_validation_refuses_an_empty_decision(chair, case):
    draft = Decision.objects.create(case=case, conforms=True)
    with pytest.raises(ValidationError) as error:
        validate_decision(decision=draft, user=chair)
    assert "free_text" in error.value.message_dict


def test_time_and_size_of_one_minute_and_a_30_case_meeting(client_for, chair, case):
    """Figures, not a pass or fail on time: validation (no rendering in it any more), the worker's render
    of one minute, and of a meeting's minutes of 30 cases."""
    draft = Decision.objects.create(case=case, proposals={"surveillance": {}}, conforms=True)
    started = time.perf_counter()
    minute = validate_decision(decision=draft, user=chair)
    validation = time.perf_counter() - started
    run_tasks()  # the first render loads the fonts and the stylesheets
    second = minute_pdf_timing(minute)
    started = time.perf_counter()
    pdf = render_meeting_minutes([minute.snapshot] * 30, title="30 cases", author="test")
    thirty = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages >= 30
    print(
        f"validation: {validation * 1000:.0f} ms; one minute rendered: {second:.2f} s, "
        f"{len(bytes(MinutePdf.objects.get().pdf)) / 1024:.0f} KiB; "
        f"30-case minutes: {thirty:.2f} s, {len(pdf) / 1024:.0f} KiB, {pages} pages"
    )


def minute_pdf_timing(minute) -> float:
    from rcp.minutes import render_minute

    started = time.perf_counter()
    render_minute(minute.snapshot)
    return time.perf_counter() - started


def test_permission_for_minutes_comes_with_the_roles(viewer):
    assert viewer.has_perm("rcp.view_minute")
    assert not Permission.objects.filter(codename="change_minute", group__name="viewer").exists()


def test_unknown_user_cannot_validate(case):
    stranger = UserFactory(username="stranger", centre=case.patient.centre, role="chair")
    draft = Decision.objects.create(case=case, proposals={"surveillance": {}}, conforms=True)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        validate_decision(decision=draft, user=stranger)


def test_zoledronic_acid_gets_its_dose_for_the_current_clearance(client_for, chair, case):
    # Creatinine 80 µmol/L, 70 kg, woman born in 1958: Cockcroft–Gault about 66 mL/min → 4 mg.
    client = client_for(chair)
    page = client.get(
        reverse("rcp:decision_line_new", args=[case.pk]), {"kind": "bma"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "zoledronic acid 4.0 mg (product label)" in page
    line = propose(case, chair, "bma", action="start", drug="zoledronic_acid", interval_weeks="4")
    assert line.details["dose_mg"] == 4.0  # left empty: the dose computed for the clearance
    validate(client, case)
    dose = Minute.objects.get().snapshot["decision"]["zoledronic_acid"]
    assert dose["dose_mg"] == 4.0 and dose["clearance_ml_min"] > 60


def test_renal_failure_says_zoledronic_acid_is_not_recommended(client_for, chair, case):
    case.patient.labresults.update(creatinine=Decimal("300"))
    page = (
        client_for(chair)
        .get(reverse("rcp:decision_line_new", args=[case.pk]), {"kind": "bma"}, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "zoledronic acid is not recommended; prefer denosumab" in page
