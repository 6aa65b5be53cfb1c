"""The decision page: the conformity answer shown as saved, and autosaves that fail (conflict, invalid
input, a decision validated meanwhile) answered with what was not saved and nothing typed lost."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from patients.record import PatientRecord
from rcp.models import Decision, Minute
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    PrimaryTumourFactory,
    started_meeting,
)

pytestmark = pytest.mark.django_db

PROPOSAL = {"free_text": "Radiothérapie antalgique.", "conforms": "true"}


@pytest.fixture
def case(centre, chair, clinician):
    meeting = started_meeting(centre=centre, chair=chair, deputy=clinician)
    case = CaseFactory(meeting=meeting, patient__centre=centre, question="Que faire pour T11 ?")
    PrimaryTumourFactory(patient=case.patient)
    LesionFactory(exam=ExamFactory(patient=case.patient, modality="spine_mri"), vertebral_level="T11")
    AssessmentFactory(patient=case.patient, life_expectancy_months=Decimal("12"))
    LabFactory(patient=case.patient)
    return case


def url(case):
    return reverse("rcp:decision", args=[case.pk])


def checked_conformity(response) -> str | None:
    """The value of the conformity radio button the page shows checked (None if none is)."""
    radios = re.findall(r"<input[^>]*name=\"conforms\"[^>]*>", response.content.decode())
    assert len(radios) == 3, radios
    checked = [re.search(r'value="([^"]*)"', radio)[1] for radio in radios if " checked" in radio]
    assert len(checked) <= 1
    return checked[0] if checked else None


@pytest.mark.parametrize(("saved", "shown"), [(True, "true"), (False, "false"), (None, "")])
def test_the_saved_conformity_answer_is_checked_when_the_draft_is_reopened(
    client_for, chair, case, saved, shown
):
    Decision.objects.create(
        case=case, conforms=saved, deviation_reason="patient_choice" if saved is False else ""
    )
    response = client_for(chair).get(url(case))
    assert checked_conformity(response) == shown


def test_saving_the_page_again_keeps_the_conformity_answer(client_for, chair, case):
    client = client_for(chair)
    client.post(url(case), {**PROPOSAL, "revision": 0, "save": "1"})
    assert Decision.objects.get().conforms is True
    # What the browser sends back when the reopened page is saved again: the checked radio's value.
    response = client.get(url(case))
    assert checked_conformity(response) == "true"
    data = {**PROPOSAL, "conforms": checked_conformity(response), "revision": 1, "free_text": "Suite."}
    client.post(url(case), data, HTTP_HX_REQUEST="true")
    assert Decision.objects.get().conforms is True


def test_an_amendment_starts_with_the_validated_conformity_answer(client_for, chair, case):
    client = client_for(chair)
    client.post(url(case), {**PROPOSAL, "revision": 0, "validate": "1"})
    first = Minute.objects.get().decision
    client.post(reverse("rcp:decision_amend", args=[first.pk]))
    response = client.get(url(case))
    assert response.context["form"].instance.version == 2
    assert checked_conformity(response) == "true"


def autosave(client, case, data, revision):
    return client.post(url(case), {**data, "revision": revision, "autosave": "1"}, HTTP_HX_REQUEST="true")


@pytest.fixture
def draft(client_for, chair, case):
    """A draft saved by the chair (revision 1), then saved again (revision 2) after the deputy opened it."""
    assert autosave(client_for(chair), case, {**PROPOSAL, "free_text": "Début"}, 0).status_code == 200
    autosave(client_for(chair), case, {**PROPOSAL, "free_text": "Texte du président"}, 1)
    return Decision.objects.get()


def test_a_conflicting_autosave_shows_their_version_beside_what_was_typed(client_for, clinician, case, draft):
    response = autosave(client_for(clinician), case, {**PROPOSAL, "free_text": "Texte de l’adjoint"}, 1)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Texte du président" in html and "Texte de l’adjoint" in html  # theirs beside mine
    assert 'name="keep_mine" value="2"' in html  # save mine over their revision
    assert 'data-use-theirs="free_text" data-values="[&quot;Texte du président&quot;]"' in html
    assert 'data-use-theirs="conforms"' not in html  # only the fields that differ
    draft.refresh_from_db()
    assert draft.free_text == "Texte du président" and draft.revision == 2


def test_keep_mine_saves_over_the_version_shown(client_for, clinician, case, draft):
    data = {**PROPOSAL, "free_text": "Texte fusionné", "revision": 1, "keep_mine": "2"}
    response = client_for(clinician).post(url(case), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.free_text == "Texte fusionné" and draft.revision == 3 and draft.updated_by == clinician


def test_keep_mine_after_a_third_save_is_a_conflict_again(client_for, chair, clinician, case, draft):
    autosave(client_for(chair), case, {**PROPOSAL, "free_text": "Encore le président"}, 2)
    data = {**PROPOSAL, "free_text": "Texte fusionné", "revision": 1, "keep_mine": "2"}
    response = client_for(clinician).post(url(case), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "Encore le président" in response.content.decode()
    assert Decision.objects.get().free_text == "Encore le président"


def test_a_page_saved_with_what_was_already_saved_is_not_a_conflict(client_for, chair, case, draft):
    # The page's "save" button sent right after its own autosave: the same content, an older revision.
    data = {**PROPOSAL, "free_text": "Texte du président", "revision": 1, "save": "1"}
    response = client_for(chair).post(url(case), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 3


def test_a_page_saved_in_conflict_comes_back_with_what_was_typed(client_for, clinician, case, draft):
    data = {**PROPOSAL, "free_text": "Texte de l’adjoint", "revision": 1, "save": "1"}
    response = client_for(clinician).post(url(case), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert response.context["form"]["free_text"].value() == "Texte de l’adjoint"  # nothing typed lost
    assert 'id="draft-conflict"' in html and "Texte du président" in html
    assert Decision.objects.get().free_text == "Texte du président"


def test_an_autosave_after_validation_shows_what_was_typed_and_saves_nothing(
    client_for, chair, clinician, case, draft
):
    client_for(chair).post(
        url(case), {**PROPOSAL, "free_text": "Texte du président", "revision": 2, "validate": "1"}
    )
    assert Minute.objects.count() == 1
    response = autosave(client_for(clinician), case, {**PROPOSAL, "free_text": "Ajout tardif"}, 2)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ajout tardif" in html and 'role="alert"' in html and "keep_mine" not in html
    response = client_for(clinician).post(url(case), {**PROPOSAL, "free_text": "Ajout tardif", "revision": 2})
    assert response.status_code == 409 and "Ajout tardif" in response.content.decode()
    assert Decision.objects.count() == 1 and Decision.objects.get().free_text == "Texte du président"


def test_an_invalid_autosave_says_which_field_and_why(client_for, chair, case, draft):
    data = {**PROPOSAL, "conforms": "false", "deviation_reason": "other", "deviation_text": ""}
    response = autosave(client_for(chair), case, data, 2)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "data-saved-revision" not in html
    assert 'href="#id_deviation_text"' in html


def test_an_autosave_saves_the_draft_without_building_the_dossier(
    client_for, chair, case, draft, monkeypatch, django_assert_max_num_queries
):
    def refuse(*args, **kwargs):
        raise AssertionError("the autosave built the dossier")

    client = client_for(chair)
    monkeypatch.setattr("rcp.views.decisions.dossiers", refuse)
    monkeypatch.setattr(PatientRecord, "load_many", refuse)
    # Session, user, second-factor device, the user's and their groups' permissions; the case with its
    # patient and meeting, its decisions, the centre for the follow-up physicians' choice; then, in a
    # savepoint, the meeting (still open?), the draft locked, the immutability guard's check, the update.
    with django_assert_max_num_queries(14):
        response = autosave(client, case, {**PROPOSAL, "free_text": "Suite"}, draft.revision)
    assert response.status_code == 200
    assert f'data-saved-revision="{draft.revision + 1}"' in response.content.decode()
    assert Decision.objects.get().free_text == "Suite"
