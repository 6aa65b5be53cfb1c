"""The board's trial register: each trial linked to guideline rules, shown beside the findings of those
rules while it is open (dossier, presentation mode, decision form, minute), read in one query per page."""

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from rcp.minutes import render_minutes_html
from rcp.models import CaseSubmission, Decision, Minute, Trial
from rcp.services import validate_decision
from tests.factories import (
    AssessmentFactory,
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LesionFactory,
    MeetingFactory,
    PrimaryTumourFactory,
    TrialFactory,
)
from tests.tasks import minute_pdf

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def board(centre):
    return BoardFactory(centre=centre)


@pytest.fixture
def meeting(board, chair, deputy):
    meeting = MeetingFactory(
        board=board, chair=chair, deputy=deputy, starts_at=timezone.now() - timedelta(hours=1)
    )
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty, guest_name=f"Dr {specialty}")
    return meeting


def oligometastatic_case(meeting):
    """A case on which SBRT-OLIGO fires: one rib lesion, stable disease, no visceral metastasis."""
    case = CaseFactory(meeting=meeting, patient__centre=meeting.board.centre)
    PrimaryTumourFactory(patient=case.patient)
    exam = ExamFactory(patient=case.patient)
    LesionFactory(exam=exam, site="rib", vertebral_level="", rib_number=8, side="left")
    AssessmentFactory(patient=case.patient, disease_status="stable")
    return case


@pytest.fixture
def case(meeting):
    return oligometastatic_case(meeting)


def finding_items(page):
    """{rule: the text of its finding's list item} of a page's findings."""
    return {
        rule: re.sub(r"<[^>]+>|\s+", " ", body)
        for rule, body in re.findall(r'<li data-rule="([^"]+)"[^>]*>(.*?)</li>', page, re.S)
    }


def dossier_page(client, case):
    return client.get(reverse("rcp:case", args=[case.pk]), **EN).content.decode()


# --- The register ------------------------------------------------------------------------------------------
def test_an_unknown_rule_is_refused_with_its_name(board):
    trial = Trial(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO", "SBRT-STEREO-OS"])
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            trial.full_clean()
        assert error.value.message_dict == {"rule_ids": ["Unknown guideline rule: SBRT-STEREO-OS."]}


@pytest.mark.parametrize(
    ("rule_ids", "message"),
    [
        ("SBRT-OLIGO", "Expected a list of guideline rule identifiers."),
        ([["SBRT-OLIGO"]], "Expected a list of guideline rule identifiers."),
        (["SBRT-OLIGO", "SBRT-OLIGO"], "Each guideline rule is listed once."),
    ],
)
def test_the_rules_of_a_trial_are_a_list_of_identifiers_each_once(board, rule_ids, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            Trial(board=board, name="STEREO-OS", rule_ids=rule_ids).full_clean()
        assert error.value.message_dict["rule_ids"] == [message]


def test_known_rules_are_accepted(board):
    Trial(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO", "RT-PAIN-SCHEME"]).full_clean()


def test_a_coordinator_adds_a_trial_linked_to_rules_stored_in_the_order_of_the_table(
    client_for, coordinator, board
):
    client = client_for(coordinator)
    url = reverse("rcp:trials", args=[board.pk])
    response = client.post(url, {"name": "STEREO-OS", "rule_ids": ["SBRT-OLIGO", "MSCC-EMERGENCY"]})
    assert response.status_code == 302
    assert Trial.objects.get(board=board).rule_ids == ["MSCC-EMERGENCY", "SBRT-OLIGO"]
    page = client.get(url, **EN).content.decode()
    assert "<code>SBRT-OLIGO</code> — Oligometastatic disease: stereotactic radiotherapy" in page


def test_a_chair_edits_the_rules_of_a_trial(client_for, chair, board):
    trial = TrialFactory(board=board, name="STEREO-OS", rule_ids=["RT-PAIN-SCHEME"])
    url = reverse("rcp:trial_edit", args=[board.pk, trial.pk])
    response = client_for(chair).post(url, {"name": "STEREO-OS", "rule_ids": ["SBRT-OLIGO"]})
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.rule_ids == ["SBRT-OLIGO"] and trial.active


def test_a_forged_rule_is_refused_beside_the_field_and_nothing_typed_is_lost(client_for, coordinator, board):
    trial = TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    url = reverse("rcp:trial_edit", args=[board.pk, trial.pk])
    data = {"name": "STEREO-OS 2", "description": "Phase III", "rule_ids": ["SBRT-OLIGO", "NO-SUCH-RULE"]}
    response = client_for(coordinator).post(url, data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "NO-SUCH-RULE is not one of the available choices" in page
    field = page[page.index("<fieldset") : page.index("</fieldset>")]
    assert 'id="id_rule_ids_error"' in field  # beside the checkboxes, inside their fieldset
    assert 'value="STEREO-OS 2"' in page and 'value="Phase III"' in page
    trial.refresh_from_db()
    assert (trial.name, trial.rule_ids) == ("STEREO-OS", ["SBRT-OLIGO"])


def test_the_rules_are_labelled_checkboxes_in_a_fieldset(client_for, coordinator, board):
    trial = TrialFactory(board=board, rule_ids=["SBRT-OLIGO"])
    page = client_for(coordinator).get(reverse("rcp:trial_edit", args=[board.pk, trial.pk]), **EN)
    page = page.content.decode()
    fieldset = page[page.index("<fieldset") : page.index("</fieldset>")]
    assert "Guideline rules" in fieldset[: fieldset.index("</legend>")]
    boxes = re.findall(r'<input type="checkbox"[^>]*value="([^"]+)"[^>]*id="([^"]+)"', fieldset)
    assert len(boxes) == 39
    for _rule, box_id in boxes:
        assert f'<label for="{box_id}"' in fieldset
    assert re.search(r'value="SBRT-OLIGO"[^>]*checked|checked[^>]*value="SBRT-OLIGO"', fieldset)


def test_the_register_is_kept_by_the_centres_coordinators_and_chairs(
    client_for, clinician, outsider, coordinator, board, centre
):
    trial = TrialFactory(board=board)
    url = reverse("rcp:trial_edit", args=[board.pk, trial.pk])
    assert client_for(clinician).post(url, {"name": "X", "rule_ids": ["SBRT-OLIGO"]}).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    elsewhere = TrialFactory(board=BoardFactory(centre=centre, name="RCP rachis"))
    other_url = reverse("rcp:trial_edit", args=[board.pk, elsewhere.pk])
    assert client_for(coordinator).get(other_url).status_code == 404  # not this board's trial
    trial.refresh_from_db()
    assert trial.rule_ids == []


# --- Beside the findings -----------------------------------------------------------------------------------
def test_an_open_trial_shows_beside_the_finding_of_its_rule_only(client_for, clinician, board, case):
    TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    TrialFactory(board=board, name="PAIN-RT", rule_ids=["MSCC-EMERGENCY"])  # a rule that does not fire
    items = finding_items(dossier_page(client_for(clinician), case))
    assert "Open trial: STEREO-OS" in items["SBRT-OLIGO"]
    assert [rule for rule, text in items.items() if "Open trial" in text] == ["SBRT-OLIGO"]
    assert "PAIN-RT" not in str(items)


def test_two_open_trials_of_one_rule_are_both_named_in_french(client_for, clinician, board, case):
    TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    TrialFactory(board=board, name="OLIGO-RT", rule_ids=["SBRT-OLIGO", "RT-PAIN-SCHEME"])
    page = client_for(clinician).get(reverse("rcp:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Essais ouverts : OLIGO-RT, STEREO-OS" in finding_items(page.content.decode())["SBRT-OLIGO"]


def test_a_trial_closed_on_the_register_page_is_no_longer_shown(
    client_for, clinician, coordinator, board, case
):
    trial = TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    assert "STEREO-OS" in finding_items(dossier_page(client_for(clinician), case))["SBRT-OLIGO"]
    client_for(coordinator).post(reverse("rcp:trials", args=[board.pk]), {"toggle": trial.pk})
    trial.refresh_from_db()
    assert not trial.active
    assert "STEREO-OS" not in finding_items(dossier_page(client_for(clinician), case))["SBRT-OLIGO"]


def test_another_boards_trial_never_shows(client_for, clinician, centre, other_centre, case):
    second_board = BoardFactory(centre=centre, name="RCP rachis")
    TrialFactory(board=second_board, name="OTHER-BOARD", rule_ids=["SBRT-OLIGO"])
    TrialFactory(board=BoardFactory(centre=other_centre), name="OTHER-CENTRE", rule_ids=["SBRT-OLIGO"])
    page = dossier_page(client_for(clinician), case)
    assert "SBRT-OLIGO" in finding_items(page)
    assert "OTHER-BOARD" not in page and "OTHER-CENTRE" not in page and "Open trial" not in page


def test_presentation_mode_and_the_decision_form_show_the_open_trial(client_for, chair, board, meeting, case):
    TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    client = client_for(chair)
    for url in (reverse("rcp:present", args=[meeting.pk, 1]), reverse("rcp:decision", args=[case.pk])):
        page = client.get(url, **EN).content.decode()
        assert "Open trial: STEREO-OS" in finding_items(page)["SBRT-OLIGO"], url


def test_the_patients_own_page_names_no_trial(client_for, clinician, board, case):
    """The patient's page belongs to no board: it shows the findings without a register."""
    TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    page = client_for(clinician).get(reverse("patients:detail", args=[case.patient.pk]), **EN)
    items = finding_items(page.content.decode())
    assert "SBRT-OLIGO" in items and "STEREO-OS" not in items["SBRT-OLIGO"]


# --- The minute --------------------------------------------------------------------------------------------
def test_the_minute_freezes_the_trials_shown_at_validation(client_for, chair, board, case):
    trial = TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    TrialFactory(board=board, name="CLOSED-TRIAL", rule_ids=["SBRT-OLIGO"], active=False)
    draft = Decision.objects.create(case=case, proposals={"surveillance": {}}, conforms=True)
    minute = validate_decision(decision=draft, user=chair)
    findings = {f["rule"]: f for f in minute.snapshot["findings"]}
    assert findings["SBRT-OLIGO"]["trials"] == ["STEREO-OS"]
    assert all(f["trials"] == [] for rule, f in findings.items() if rule != "SBRT-OLIGO")

    trial.active = False  # closed after the meeting: the minute still says what the board saw
    trial.save(update_fields=["active"])
    minute.refresh_from_db()
    assert "Essai ouvert : STEREO-OS" in render_minutes_html([minute.snapshot])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(minute_pdf(minute))).pages)
    assert "Essai ouvert : STEREO-OS" in " ".join(text.split())
    assert "CLOSED-TRIAL" not in text


def test_a_minute_frozen_before_the_register_renders_without_trials(board, case, chair):
    """Snapshots frozen before findings carried trials still render (nothing is added to them)."""
    draft = Decision.objects.create(case=case, proposals={"surveillance": {}}, conforms=True)
    snapshot = validate_decision(decision=draft, user=chair).snapshot
    for finding in snapshot["findings"]:
        del finding["trials"]
    html = render_minutes_html([snapshot])
    assert "Constats du référentiel" in html and "Essai ouvert" not in html


# --- Queries -----------------------------------------------------------------------------------------------
def trial_queries(captured):
    """The queries that read the register for the findings (the decision form's list of trials to
    propose is another one)."""
    return [
        q["sql"] for q in captured.captured_queries if 'FROM "rcp_trial" INNER JOIN "rcp_board"' in q["sql"]
    ]


def test_the_register_is_read_once_per_page_whatever_the_number_of_cases(
    django_assert_max_num_queries, client_for, clinician, board, meeting
):
    TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    TrialFactory(board=board, name="OLIGO-RT", rule_ids=["SBRT-OLIGO", "RT-PAIN-SCHEME"])
    client = client_for(clinician)
    url = reverse("rcp:meeting_dossier", args=[meeting.pk])
    oligometastatic_case(meeting)
    client.get(url, **EN)  # warm the session
    cache.clear()  # each dossier rendered afresh (the page caches them under their records' stamps)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url, **EN).content.decode()
    assert page.count("Open trials: OLIGO-RT, STEREO-OS") == 1
    for _ in range(9):
        oligometastatic_case(meeting)
    cache.clear()
    # The same queries for ten cases as for one; the register among them once.
    with django_assert_max_num_queries(len(one)) as ten:
        page = client.get(url, **EN).content.decode()
    assert page.count("Open trials: OLIGO-RT, STEREO-OS") == 10
    assert len(trial_queries(one)) == len(trial_queries(ten)) == 1


@pytest.mark.parametrize("page", ["case", "present", "decision"])
def test_one_case_pages_read_the_register_once(client_for, chair, board, meeting, case, page):
    TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    url = {
        "case": reverse("rcp:case", args=[case.pk]),
        "present": reverse("rcp:present", args=[meeting.pk, 1]),
        "decision": reverse("rcp:decision", args=[case.pk]),
    }[page]
    client = client_for(chair)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(trial_queries(captured)) == 1


def test_a_page_that_shows_no_finding_does_not_read_the_register(client_for, clinician, board, meeting, case):
    TrialFactory(board=board, name="STEREO-OS", rule_ids=["SBRT-OLIGO"])
    with CaptureQueriesContext(connection) as captured:
        assert client_for(clinician).get(reverse("rcp:meeting", args=[meeting.pk])).status_code == 200
    assert trial_queries(captured) == []


# --- Demo --------------------------------------------------------------------------------------------------
def test_demo_links_stereo_os_to_sbrt_oligo_once_and_shows_it_on_the_oligometastatic_case(client_for):
    call_command("demo_data")
    call_command("demo_data")
    (trial,) = Trial.objects.filter(name="STEREO-OS")
    assert trial.active and trial.rule_ids == ["SBRT-OLIGO"]
    case = CaseSubmission.objects.get(patient__hospital_id="DEMO-004")
    chair = case.meeting.chair
    minutes = Minute.objects.count()  # the demo's past meeting validated its decisions
    page = client_for(chair).get(reverse("rcp:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Essai ouvert : STEREO-OS" in finding_items(page.content.decode())["SBRT-OLIGO"]
    assert Minute.objects.count() == minutes and not Minute.objects.filter(decision__case=case).exists()
