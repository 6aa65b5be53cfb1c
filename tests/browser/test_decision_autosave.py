"""The decision form in a browser: the conformity answer survives saving, reloading and autosaving; an
autosave that fails (someone else saved: 409; the server down: 5xx; no network) says so, keeps what was
typed, lets the user merge or retry, and shows "saved" only once the server has acknowledged it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rcp.models import Decision, Minute
from tests.factories import (
    AssessmentFactory,
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
)

SAVED = "#draft-status [data-saved-revision]"


@pytest.fixture
def case(chair, clinician):
    meeting = MeetingFactory(
        board=BoardFactory(centre=chair.centre),
        chair=chair,
        deputy=clinician,
        starts_at=timezone.now() - timedelta(hours=1),
    )
    for specialty in ("medical_oncology", "radiation_oncology", "spine_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty)
    patient = PatientFactory(centre=chair.centre, family_name="Autosave")
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient)
    LesionFactory(exam=ExamFactory(patient=patient, modality="spine_mri"), vertebral_level="L2")
    return CaseFactory(meeting=meeting, patient=patient, question="Radiothérapie de L2 ?")


def decision_url(case):
    return f"/cases/{case.pk}/decision/"


def test_the_conformity_answer_survives_save_reload_autosave_and_validation(login, chair, case):
    page = login(chair)
    page.goto(decision_url(case))
    yes = page.locator("input[name=conforms][value=true]")
    page.locator("textarea[name=free_text]").fill("Surveillance.")
    yes.check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".messages")).to_contain_text("Brouillon enregistré.")
    expect(yes).to_be_checked()  # as saved, after the page came back
    assert Decision.objects.get().conforms is True

    page.reload()
    expect(yes).to_be_checked()
    page.locator("textarea[name=free_text]").fill("Surveillance clinique et IRM à 3 mois.")
    expect(page.locator(SAVED)).to_be_visible()  # autosaved
    decision = Decision.objects.get()
    assert decision.conforms is True and decision.free_text.startswith("Surveillance clinique")

    page.reload()
    expect(yes).to_be_checked()
    page.get_by_role("button", name=re.compile("Valider")).click()
    expect(page.locator("#validated-versions")).to_be_visible()
    assert Minute.objects.get().snapshot["decision"]["conforms"] is True


def test_an_autosave_conflict_shows_their_text_keeps_mine_and_saves_the_merge(login, chair, clinician, case):
    draft = Decision.objects.create(
        case=case,
        proposals={"surveillance": {}},
        free_text="Début",
        conforms=True,
        revision=1,
        updated_by=chair,
    )
    page = login(clinician)
    page.goto(decision_url(case))
    textarea = page.locator("textarea[name=free_text]")
    expect(textarea).to_have_value("Début")
    # The chair saves from another screen after the deputy opened the page.
    Decision.objects.filter(pk=draft.pk).update(
        free_text="Texte du président.", revision=2, updated_at=timezone.now()
    )

    textarea.fill("Texte de l’adjoint.")
    conflict = page.locator("#draft-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_have_attribute("role", "alert")
    expect(conflict.locator("tr[data-field=free_text] .conflict-theirs")).to_have_text("Texte du président.")
    expect(conflict.locator("tr[data-field=free_text] .conflict-yours")).to_have_text("Texte de l’adjoint.")
    expect(textarea).to_have_value("Texte de l’adjoint.")  # nothing typed is lost
    expect(page.locator(SAVED)).to_have_count(0)
    textarea.fill("Texte de l’adjoint, encore.")  # the autosave waits for the user's choice
    page.wait_for_timeout(1500)
    assert Decision.objects.get().free_text == "Texte du président."

    conflict.get_by_role("button", name="Reprendre la sienne").click()
    expect(textarea).to_have_value("Texte du président.")
    textarea.fill("Texte du président. Complément de l’adjoint.")
    page.get_by_role("button", name="Enregistrer ma version à la place de la sienne").click()
    expect(page.locator(".messages")).to_contain_text("Brouillon enregistré.")
    draft.refresh_from_db()
    assert draft.free_text == "Texte du président. Complément de l’adjoint."
    assert draft.revision == 3 and draft.updated_by == clinician
    expect(page.locator("textarea[name=free_text]")).to_have_value(draft.free_text)


def test_a_server_error_is_shown_the_text_kept_and_saved_on_retry(login, chair, case):
    page = login(chair)
    page.goto(decision_url(case))

    def server_down(route):
        if route.request.method == "POST":
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>")
        else:
            route.continue_()

    page.route(f"**{decision_url(case)}", server_down)
    textarea = page.locator("textarea[name=free_text]")
    textarea.fill("Paragraphe tapé pendant la panne.")
    alert = page.locator("#draft-status [role=alert]")
    expect(alert).to_contain_text("Échec de l’enregistrement du brouillon (erreur 500)")
    expect(alert).to_contain_text("Nouvel essai dans")
    expect(page.locator(SAVED)).to_have_count(0)
    expect(textarea).to_have_value("Paragraphe tapé pendant la panne.")
    assert not Decision.objects.exists()

    page.unroute(f"**{decision_url(case)}", server_down)
    alert.get_by_role("button", name="Réessayer maintenant").click()
    expect(page.locator(SAVED)).to_be_visible()
    expect(page.locator("#draft-status [role=alert]")).to_have_count(0)
    assert Decision.objects.get().free_text == "Paragraphe tapé pendant la panne."


def test_a_lost_connection_is_retried_by_itself(login, chair, case):
    page = login(chair)
    page.goto(decision_url(case))

    def offline(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**{decision_url(case)}", offline)
    page.locator("textarea[name=free_text]").fill("Texte tapé hors ligne.")
    expect(page.locator("#draft-status [role=alert]")).to_contain_text("le serveur est injoignable")
    page.unroute(f"**{decision_url(case)}", offline)
    expect(page.locator(SAVED)).to_be_visible(timeout=15_000)  # the next attempt, 2 s later, succeeds
    assert Decision.objects.get().free_text == "Texte tapé hors ligne."
