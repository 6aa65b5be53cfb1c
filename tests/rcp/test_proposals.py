"""Proposal lines (issue 12): one form per kind and its checks (plausible dose and fractions, lesions of the
patient only, stereotactic radiotherapy refused under SBRT-CONTRAINDICATED unless confirmed, no calcium
with hypercalcaemia, the zoledronic acid dose for the clearance), the services (drafts only, frozen once
validated, copied by an amendment), the conformity check reading the lines, the decisions recorded before
the lines, and the decision page's htmx section."""

import datetime
import importlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from patients.record import PatientRecord
from rcp.conformity import contradictions
from rcp.minutes import decision_data
from rcp.models import Decision, ImmutableError, Minute, ProposalLine
from rcp.proposals import Context, decision_rows, details_form
from rcp.services import add_proposal_line, amend_decision, remove_proposal_line, update_proposal_line
from scoring.rules import Finding
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
    TrackedLesionFactory,
    TreatmentFactory,
    propose,
    started_meeting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(centre, chair, deputy):
    meeting = started_meeting(centre=centre, chair=chair, deputy=deputy)
    case = CaseFactory(meeting=meeting, patient__centre=centre, question="T8 et fémur gauche ?")
    PrimaryTumourFactory(patient=case.patient)
    exam = ExamFactory(patient=case.patient, modality="spine_mri")
    LesionFactory(exam=exam, vertebral_level="T8")
    LesionFactory(exam=exam, site="femur_shaft", side="left")
    AssessmentFactory(patient=case.patient, life_expectancy_months=Decimal("12"))
    LabFactory(patient=case.patient)  # about 66 mL/min: zoledronic acid 4 mg
    return case


def lesions(case):
    """(T8, left femur) of the case's patient."""
    by_site = {lesion.site: lesion for lesion in case.patient.tracked_lesions.all()}
    return by_site["vertebra"], by_site["femur_shaft"]


def form_for(case, user, kind, *, findings=None, **fields):
    record = PatientRecord.load(user, case.patient_id)
    context = Context.of(record)
    if findings is not None:
        context.findings = findings
    data = {f"line-{name}": value for name, value in fields.items()}
    return details_form(kind, data, context=context)


def finding(rule):
    return Finding(rule=rule, level="info", message="", source="", figures={"corrected_calcium": 2.9})


RT = {"intent": "analgesic", "technique": "3d"}


# --- one form per kind -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"schedule": "other", "dose_gy": "90", "fractions": "10"}, "dose_gy"),  # over 80 Gy
        ({"schedule": "other", "dose_gy": "30", "fractions": "45"}, "fractions"),  # over 40 fractions
        ({"schedule": "other", "dose_gy": "30", "fractions": "1"}, "fractions"),  # 30 Gy in one fraction
        ({"schedule": "other", "dose_gy": "10", "fractions": "10"}, "fractions"),  # 1 Gy a fraction
        ({"schedule": "other", "dose_gy": "30"}, "fractions"),  # the fractions missing
        ({"schedule": ""}, "schedule"),
    ],
)
def test_an_implausible_radiotherapy_schedule_is_refused_beside_its_field(case, chair, fields, error_field):
    t8, _femur = lesions(case)
    form = form_for(case, chair, "radiotherapy", lesions=[t8.pk], **RT, **fields)
    assert not form.is_valid()
    assert error_field in form.errors


@pytest.mark.parametrize(
    ("schedule", "dose", "fractions", "technique"),
    [("8x1", 8, 1, "3d"), ("20x5", 20, 5, "3d"), ("sbrt_27x3", 27, 3, "sbrt"), ("16x1", 16, 1, "3d")],
)
def test_a_listed_schedule_gives_its_dose_and_fractions(case, chair, schedule, dose, fractions, technique):
    t8, _femur = lesions(case)
    form = form_for(case, chair, "radiotherapy", lesions=[t8.pk], **RT, schedule=schedule)
    assert form.is_valid(), form.errors
    details = form.details()
    assert (details["dose_gy"], details["fractions"], details["technique"]) == (dose, fractions, technique)


def test_another_schedule_is_recorded_as_typed(case, chair):
    t8, _femur = lesions(case)
    form = form_for(
        case, chair, "radiotherapy", lesions=[t8.pk], **RT, schedule="other", dose_gy="36", fractions="12"
    )
    assert form.is_valid(), form.errors
    assert form.details()["dose_gy"] == 36.0 and form.details()["fractions"] == 12


def test_a_line_names_lesions_of_this_patient_only(case, chair):
    stranger = TrackedLesionFactory(patient=PatientFactory(centre=case.patient.centre), vertebral_level="L1")
    form = form_for(case, chair, "radiotherapy", lesions=[stranger.pk], **RT, schedule="8x1")
    assert not form.is_valid() and "lesions" in form.errors
    # The service checks it too, whatever the form let through.
    t8, _femur = lesions(case)
    form = form_for(case, chair, "radiotherapy", lesions=[t8.pk], **RT, schedule="8x1")
    assert form.is_valid()
    form.cleaned_data["lesions"] = [stranger.pk]
    with pytest.raises(ValidationError) as error:
        add_proposal_line(case=case, form=form, user=chair)
    assert "lesions" in error.value.message_dict
    assert not ProposalLine.objects.exists()


def test_a_radiotherapy_or_surgery_line_needs_its_lesions(case, chair):
    assert "lesions" in form_for(case, chair, "radiotherapy", **RT, schedule="8x1").errors
    assert "lesions" in form_for(case, chair, "surgery", procedures=["decompression"]).errors
    assert form_for(case, chair, "exams", exam="spine_mri").is_valid()  # an examination may name none


def test_stereotactic_radiotherapy_is_refused_under_its_contraindication_unless_confirmed(case, chair):
    t8, _femur = lesions(case)
    contraindicated = [finding("SBRT-CONTRAINDICATED")]
    sbrt = {**RT, "schedule": "sbrt_27x3"}
    form = form_for(case, chair, "radiotherapy", findings=contraindicated, lesions=[t8.pk], **sbrt)
    assert not form.is_valid() and "technique" in form.errors
    form = form_for(
        case, chair, "radiotherapy", findings=contraindicated, lesions=[t8.pk], **sbrt, confirmed="on"
    )
    assert form.is_valid(), form.errors
    assert form.details()["confirmed"] is True
    # Without the contraindication, nothing to confirm (and no confirmation is recorded).
    form = form_for(case, chair, "radiotherapy", findings=[], lesions=[t8.pk], **sbrt, confirmed="on")
    assert form.is_valid() and "confirmed" not in form.details()


def test_a_lesion_irradiated_before_makes_the_line_a_re_irradiation_with_its_course(case, chair):
    t8, femur = lesions(case)
    course = TreatmentFactory(
        patient=case.patient,
        category="radiotherapy",
        systemic_class="",
        name="",
        rt_dose_gy=Decimal("8"),
        rt_fractions=1,
        start_date=datetime.date(2024, 3, 1),
    )
    course.lesions.add(t8)
    with translation.override("en"):
        form = form_for(case, chair, "radiotherapy", lesions=[t8.pk], **RT, schedule="20x5")
        assert form.is_valid(), form.errors
        details = form.details()
        assert details["reirradiation"] is True
        assert details["previous"] == ["T8: Radiotherapy — 8 Gy / 1 fr on 01/03/2024"]
        fresh = form_for(case, chair, "radiotherapy", lesions=[femur.pk], **RT, schedule="8x1")
        assert fresh.is_valid() and "reirradiation" not in fresh.details()


def test_the_zoledronic_acid_dose_is_the_one_computed_unless_a_reason_is_given(case, chair):
    bma = {"action": "start", "drug": "zoledronic_acid", "interval_weeks": "4"}
    form = form_for(case, chair, "bma", **bma)
    assert form.is_valid(), form.errors
    assert form.details()["dose_mg"] == 4.0
    form = form_for(case, chair, "bma", **bma, dose_mg="3.5")
    assert not form.is_valid() and "dose_reason" in form.errors
    form = form_for(case, chair, "bma", **bma, dose_mg="3.5", dose_reason="créatinine en hausse")
    assert form.is_valid(), form.errors
    assert form.details()["dose_mg"] == 3.5 and form.details()["dose_reason"] == "créatinine en hausse"
    denosumab = form_for(case, chair, "bma", action="start", drug="denosumab", interval_weeks="4")
    assert denosumab.is_valid() and denosumab.details()["dose_mg"] == 120


def test_calcium_and_vitamin_d_are_never_proposed_with_hypercalcaemia(case, chair):
    bma = {"action": "start", "drug": "denosumab", "interval_weeks": "4", "calcium_vitamin_d": "on"}
    assert form_for(case, chair, "bma", findings=[], **bma).is_valid()
    for rule in ("CA-HIGH", "CA-CRISIS"):
        form = form_for(case, chair, "bma", findings=[finding(rule)], **bma)
        assert not form.is_valid() and "calcium_vitamin_d" in form.errors


def test_holding_or_stopping_the_agent_needs_its_reason_and_no_dose(case, chair):
    form = form_for(case, chair, "bma", action="hold", drug="zoledronic_acid")
    assert not form.is_valid() and "stop_reason" in form.errors
    form = form_for(case, chair, "bma", action="stop", drug="denosumab", stop_reason="ostéonécrose")
    assert form.is_valid(), form.errors
    assert form.details() == {"action": "stop", "drug": "denosumab", "stop_reason": "ostéonécrose"}


def test_surgery_records_several_procedures_but_one_kind_of_resection(case, chair):
    t8, _femur = lesions(case)
    both = form_for(case, chair, "surgery", lesions=[t8.pk], procedures=["decompression", "stabilisation"])
    assert both.is_valid() and both.details()["procedures"] == ["decompression", "stabilisation"]
    resections = ["resection_en_bloc", "resection_intralesional"]
    assert "procedures" in form_for(case, chair, "surgery", lesions=[t8.pk], procedures=resections).errors
    nailing = form_for(case, chair, "surgery", lesions=[t8.pk], procedures=["decompression"], aim="curative")
    assert "aim" in nailing.errors  # prophylactic or curative: an osteosynthesis


# --- the services ---------------------------------------------------------------------------------------


def test_the_first_line_creates_the_draft_and_the_next_ones_follow_it(case, chair):
    t8, femur = lesions(case)
    first = propose(case, chair, "radiotherapy", lesions=[t8], **RT, schedule="sbrt_27x3")
    second = propose(
        case, chair, "radiotherapy", lesions=[femur], intent="postoperative", technique="3d", schedule="8x1"
    )
    draft = Decision.objects.get()
    assert draft.is_draft and [first.position, second.position] == [1, 2]
    assert list(first.lesions.all()) == [t8]
    assert {row.history_user for row in first.history.all()} == {chair}


def test_changing_and_removing_a_line(case, chair):
    t8, femur = lesions(case)
    line = propose(case, chair, "radiotherapy", lesions=[t8], **RT, schedule="8x1")
    form = form_for(case, chair, "radiotherapy", lesions=[t8.pk, femur.pk], **RT, schedule="30x10")
    assert form.is_valid()
    update_proposal_line(line=line, form=form, user=chair)
    line.refresh_from_db()
    assert line.details["dose_gy"] == 30 and set(line.lesions.all()) == {t8, femur}
    other = form_for(case, chair, "exams", exam="ct")
    assert other.is_valid()
    with pytest.raises(ValidationError):  # another kind is another line
        update_proposal_line(line=line, form=other, user=chair)
    remove_proposal_line(line=line, user=chair)
    assert not ProposalLine.objects.exists()


def test_a_viewer_records_no_line(case, chair, viewer):
    form = form_for(case, chair, "exams", exam="ct")
    assert form.is_valid()
    with pytest.raises(PermissionDenied):
        add_proposal_line(case=case, form=form, user=viewer)


def test_the_lines_of_a_validated_decision_never_change_and_an_amendment_copies_them(client_for, case, chair):
    t8, _femur = lesions(case)
    line = propose(case, chair, "radiotherapy", lesions=[t8], **RT, schedule="8x1")
    propose(case, chair, "exams", exam="spine_mri")
    response = client_for(chair).post(
        reverse("rcp:decision", args=[case.pk]), {"conforms": "true", "revision": 0, "validate": "1"}
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    line.details = {"dose_gy": 30}
    with pytest.raises(ImmutableError):
        line.save()
    with pytest.raises(ImmutableError):
        line.delete()
    with pytest.raises(ImmutableError):
        ProposalLine.objects.filter(decision=decision).update(details={})
    with pytest.raises(ImmutableError):
        ProposalLine.objects.all().delete()
    form = form_for(case, chair, "exams", exam="ct")
    assert form.is_valid()
    with pytest.raises(ValidationError):  # no line is added to a validated decision: amend it
        add_proposal_line(case=case, form=form, user=chair)

    amendment = amend_decision(decision=decision, user=chair)
    copies = list(amendment.lines.all())
    assert [(c.kind, c.position, c.details) for c in copies] == [
        (original.kind, original.position, original.details) for original in decision.lines.all()
    ]
    assert list(copies[0].lesions.all()) == [t8]
    add_proposal_line(case=case, form=form, user=chair)
    assert decision.lines.count() == 2 and amendment.lines.count() == 3


def test_a_closed_meetings_draft_takes_no_new_line(case, chair):
    propose(case, chair, "exams", exam="ct")
    case.meeting.status, case.meeting.closed_at = "closed", timezone.now()
    case.meeting.save()
    form = form_for(case, chair, "exams", exam="fdg_pet")
    assert form.is_valid()
    from rcp.meetings import MeetingClosed

    with pytest.raises(MeetingClosed):
        add_proposal_line(case=case, form=form, user=chair)


# --- conformity reads the lines -----------------------------------------------------------------------


def rows(*lines):
    return [{"kind": kind, "lesions": labels, "details": details} for kind, labels, details in lines]


def test_a_cementoplasty_is_checked_against_the_lesions_its_line_names():
    facts = {"today": datetime.date(2025, 6, 15), "analgesia_failure": True}
    cement = finding("CEMENTOPLASTY-CONTRAINDICATED")
    cement = Finding(rule=cement.rule, level="info", message="", source="", lesion="T8")
    with translation.override("en"):
        on_t8 = contradictions(
            rows(("interventional", ["T8"], {"procedure": "vertebroplasty"})), [cement], facts
        )
        on_l2 = contradictions(
            rows(("interventional", ["L2"], {"procedure": "kyphoplasty"})), [cement], facts
        )
    assert on_t8 == ["Cementoplasty is proposed although it is contraindicated for T8."]
    assert on_l2 == []


def test_an_ablation_is_checked_against_the_lesions_its_line_names():
    facts = {
        "today": datetime.date(2025, 6, 15),
        "lesions": [
            {"label": "T8", "region": "spine", "bilsky": "2"},
            {"label": "Left femur", "region": "long_bone", "mirels": 7},
        ],
    }
    with translation.override("en"):
        t8 = contradictions(rows(("interventional", ["T8"], {"procedure": "cryoablation"})), [], facts)
        femur = contradictions(
            rows(("interventional", ["Left femur"], {"procedure": "microwave"})), [], facts
        )
    assert len(t8) == 1 and "T8: Bilsky grade 2" in t8[0]
    assert femur == []


def test_a_confirmed_stereotactic_line_needs_no_second_confirmation_but_stays_on_the_minute():
    sbrt = rows(("radiotherapy", ["T8"], {"technique": "sbrt", "confirmed": True}))
    fired = [finding("SBRT-CONTRAINDICATED")]
    assert len(contradictions(sbrt, fired, {})) == 1
    assert contradictions(sbrt, fired, {}, to_confirm=True) == []
    unconfirmed = rows(("radiotherapy", ["T8"], {"technique": "sbrt"}))
    assert len(contradictions(unconfirmed, fired, {}, to_confirm=True)) == 1


def test_zoledronic_acid_held_is_no_contradiction_under_renal_failure():
    held = rows(("bma", [], {"action": "hold", "drug": "zoledronic_acid", "stop_reason": "rein"}))
    started = rows(("bma", [], {"action": "start", "drug": "zoledronic_acid"}))
    facts = {"creatinine_clearance": 25}
    assert contradictions(held, [], facts) == []
    assert len(contradictions(started, [], facts)) == 1


# --- what the minute prints, and the decisions from before the lines -------------------------------------


def test_the_minute_prints_every_line_with_its_lesions_dose_and_schedule(client_for, case, chair):
    t8, femur = lesions(case)
    propose(
        case, chair, "radiotherapy", lesions=[t8], intent="ablative", technique="sbrt", schedule="sbrt_27x3"
    )
    propose(
        case, chair, "radiotherapy", lesions=[femur], intent="postoperative", technique="3d", schedule="8x1"
    )
    propose(
        case,
        chair,
        "bma",
        action="start",
        drug="denosumab",
        interval_weeks="4",
        calcium_vitamin_d="on",
        dental_first="on",
    )
    data = {"conforms": "true", "revision": 0, "validate": "1", "trial_proposed": "false"}
    assert client_for(chair).post(reverse("rcp:decision", args=[case.pk]), data).status_code == 302
    snapshot = Minute.objects.get().snapshot
    assert snapshot["format"] == 3
    assert snapshot["decision"]["proposals_text"] == [
        "Radiothérapie — T8 : 27 Gy en 3 fractions ; Stéréotaxique (SBRT) ; Ablative",
        "Radiothérapie — Fémur gauche — diaphyse : 8 Gy en 1 fraction ; Conformationnelle 3D ; "
        "Postopératoire",
        "Traitement anti-résorptif : Débuter ; Dénosumab ; 120 mg ; toutes les 4 semaines ; avec calcium et "
        "vitamine D ; bilan dentaire préalable",
    ]
    html = render_to_string("rcp/includes/minute_body.html", {"s": snapshot})
    for text in snapshot["decision"]["proposals_text"]:
        assert text in html


def test_a_decision_from_before_the_lines_keeps_printing(case, chair):
    legacy = {
        "radiotherapy": {"site": "T11", "scheme": "8x1"},
        "bma": {"agent": "zoledronic_acid", "supplements": "calcium_vitamin_d"},
        "exams": {"which": ["bone_scan", "spine_mri"]},
        "surveillance": {},
    }
    decision = Decision.objects.create(case=case, proposals=legacy, conforms=True)
    record = PatientRecord.load(chair, case.patient_id)
    with translation.override("en"):
        texts = [row["text"] for row in decision_rows(decision, record.lesions)]
        data = decision_data(decision, record.facts, record.lesions)
    assert texts == [
        "Radiotherapy: T11; 8 Gy in 1 fraction",
        "Bone-modifying agent: Start; Zoledronic acid; with calcium and vitamin D",
        "Examination: Bone scan",
        "Examination: Whole-spine MRI",
        "Surveillance",
    ]
    assert data["proposals"] == legacy and data["zoledronic_acid"]["dose_mg"] == 4.0
    # A snapshot frozen before the lines (format 2) prints its words as it did.
    old = json.loads((Path(__file__).parent / "data" / "snapshot_format2.json").read_text())
    old["decision"] = {"version": 1, "proposals_text": ["Radiothérapie : T11 ; 8 Gy × 1"], "conforms": True}
    html = render_to_string("rcp/includes/minute_body.html", {"s": old})
    assert "Radiothérapie : T11 ; 8 Gy × 1" in html and "Type de discussion" not in html


def test_the_migration_turns_a_drafts_proposals_into_lines_and_leaves_validated_ones(case, chair):
    draft = Decision.objects.create(
        case=case, proposals={"radiotherapy": {"site": "T11", "scheme": "30x10"}, "surveillance": {}}
    )
    migration = importlib.import_module("rcp.migrations.0010_proposal_lines_and_fiche_rcp")
    migration.drafts_to_lines(apps, None)
    draft.refresh_from_db()
    assert draft.proposals == {}
    assert [(line.kind, line.details) for line in draft.lines.all()] == [
        ("radiotherapy", {"dose_gy": 30, "fractions": 10, "note": "T11"}),
        ("surveillance", {}),
    ]


# --- the decision page ---------------------------------------------------------------------------------


def test_a_line_is_added_changed_and_removed_from_the_page_with_htmx(client_for, case, chair):
    client = client_for(chair)
    t8, _femur = lesions(case)
    new = reverse("rcp:decision_line_new", args=[case.pk])
    editor = client.get(new, {"kind": "radiotherapy"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    html = editor.content.decode()
    assert editor.status_code == 200 and 'id="line-editor"' in html and "Lesions concerned" in html
    bad = {
        "kind": "radiotherapy",
        "save": "1",
        "line-lesions": [t8.pk],
        "line-intent": "analgesic",
        "line-technique": "3d",
        "line-schedule": "other",
        "line-dose_gy": "30",
        "line-fractions": "1",
    }
    response = client.post(new, bad, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400 and "not a plausible schedule" in html
    assert 'value="30"' in html  # nothing typed is lost
    assert not ProposalLine.objects.exists()
    good = {**bad, "line-fractions": "10"}
    response = client.post(new, good, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and "Radiotherapy — T8: 30 Gy in 10 fractions" in html
    line = ProposalLine.objects.get()
    edit = reverse("rcp:decision_line_edit", args=[case.pk, line.pk])
    assert 'value="30.0"' in client.get(edit, HTTP_HX_REQUEST="true").content.decode()
    response = client.post(
        edit, {**good, "line-dose_gy": "36", "line-fractions": "12"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.details["dose_gy"] == 36
    remove = reverse("rcp:decision_line_remove", args=[case.pk, line.pk])
    response = client.post(remove, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "No proposal line yet." in response.content.decode()
    assert not ProposalLine.objects.exists()


def test_without_javascript_a_line_posts_and_the_page_comes_back(client_for, case, chair):
    client = client_for(chair)
    new = reverse("rcp:decision_line_new", args=[case.pk])
    response = client.post(new, {"kind": "exams", "save": "1", "line-exam": "spine_mri", "present": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("rcp:decision", args=[case.pk]) + "?present=2#proposals"
    assert ProposalLine.objects.get().details == {"exam": "spine_mri"}


def test_another_patients_line_is_not_found(client_for, case, chair, centre):
    line = propose(case, chair, "exams", exam="ct")
    other = CaseFactory(meeting=case.meeting, patient__centre=centre)
    edit = reverse("rcp:decision_line_edit", args=[other.pk, line.pk])
    assert client_for(chair).get(edit).status_code == 404


def test_the_decision_page_does_not_query_more_with_more_lines(
    client_for, case, chair, django_assert_max_num_queries
):
    t8, femur = lesions(case)
    client = client_for(chair)
    propose(case, chair, "radiotherapy", lesions=[t8], **RT, schedule="8x1")
    url = reverse("rcp:decision", args=[case.pk])
    client.get(url)
    with django_assert_max_num_queries(100) as one_line:
        assert client.get(url).status_code == 200
    for _ in range(5):
        propose(case, chair, "radiotherapy", lesions=[t8, femur], **RT, schedule="20x5")
        propose(case, chair, "exams", exam="ct")
    # The lines of the draft and their lesions: two queries, whatever their number.
    with django_assert_max_num_queries(len(one_line)):
        response = client.get(url)
    assert response.content.decode().count('class="list-group-item') == 11


def test_raw_sql_cannot_add_change_or_delete_a_validated_decisions_line(client_for, case, chair):
    line = propose(case, chair, "exams", exam="ct")
    data = {"conforms": "true", "revision": 0, "validate": "1"}
    assert client_for(chair).post(reverse("rcp:decision", args=[case.pk]), data).status_code == 302
    for sql, params in (
        ("UPDATE rcp_proposalline SET details = '{}' WHERE id = %s", [line.pk]),
        ("DELETE FROM rcp_proposalline WHERE id = %s", [line.pk]),
        (
            "INSERT INTO rcp_proposalline (decision_id, position, kind, details) "
            "VALUES (%s, 9, 'exams', '{}')",
            [line.decision_id],
        ),
    ):
        with (
            pytest.raises(IntegrityError, match="rcp integrity"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    assert ProposalLine.objects.get().details == {"exam": "ct"}
