import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from patients import models as m
from tests.factories import LabFactory

pytestmark = pytest.mark.django_db


def test_history_shows_who_changed_what_before_and_after(client_for, clinician, patient):
    client = client_for(clinician)
    lab = LabFactory(patient=patient)
    url = reverse("patients:record_edit", args=[patient.pk, "lab", lab.pk])
    client.post(url, {"date": lab.date.isoformat(), "calcium": "2.75", "albumin": "40", "creatinine": "80"})
    response = client.get(reverse("patients:history", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="en")
    entries = response.context["entries"]
    change = next(e for e in entries if e.action == "changed")
    assert change.user == clinician
    assert [(c.before, c.after) for c in change.changes if c.field.startswith("calcium")] == [
        ("2.40", "2.75")
    ]
    assert "Paul Pneumo" in response.content.decode()


def test_admin_changes_are_recorded_with_the_admin_user(admin_client, patient):
    admin_user = m.Patient.history.model._meta.get_field("history_user").related_model.objects.get(
        username="admin"
    )
    admin_user.centre = patient.centre
    admin_user.save()
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    data = {
        "centre": patient.centre.pk,
        "hospital_id": patient.hospital_id,
        "ins": "",
        "family_name": "Renamed",
        "given_names": patient.given_names,
        "birth_date": patient.birth_date.isoformat(),
        "sex": patient.sex,
        "referring_physician": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = patient.history.first()
    assert latest.family_name == "Renamed"
    assert latest.history_user == admin_user
    assert m.Patient in site._registry


def change_physician_and_birth_date(patient, physician):
    from datetime import date

    patient.referring_physician = physician
    patient.birth_date = date(1958, 11, 15)
    patient.save()


@pytest.mark.parametrize(
    ("language", "birth_dates", "yes"),
    [("fr", ("14 mars 1958", "15 novembre 1958"), "Oui"), ("en", ("March 14, 1958", "Nov. 15, 1958"), "Yes")],
)
def test_history_names_people_and_writes_dates_in_the_active_language(
    client_for, clinician, patient, language, birth_dates, yes
):
    from tests.factories import UserFactory

    other = UserFactory(centre=patient.centre, first_name="Anne", last_name="Onco", role="clinician")
    change_physician_and_birth_date(patient, other)
    LabFactory(patient=patient, calcium="2.75")
    m.ClinicalAssessment.objects.create(
        patient=patient, date=patient.birth_date, ecog=1, pain_mechanical=True
    )
    response = client_for(clinician).get(
        reverse("patients:history", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    entries = response.context["entries"]
    physician = next(
        c for e in entries for c in e.changes if c.before and c.field.startswith(("médecin", "referring"))
    )
    assert (physician.before, physician.after) == ("Paul Pneumo", "Anne Onco")
    birth = next(
        c
        for e in entries
        for c in e.changes
        if c.before and c.field.startswith(("date de naiss", "date of birth"))
    )
    assert (birth.before, birth.after) == birth_dates
    calcium = next(c for e in entries for c in e.changes if c.field.startswith("calc"))
    assert calcium.after == ("2,75" if language == "fr" else "2.75")
    assessment = next(
        e for e in entries if e.changes and e.obj.startswith(("Évaluation", "Bilan", "Assessment"))
    )
    assert birth_dates[1] in assessment.obj
    assert "1958-11-15" not in response.content.decode()
    assert any(c.after == yes for c in assessment.changes)


# Tracked lesions and their treatments, told in sentences


def history_entries(client, patient, language="en"):
    response = client.get(reverse("patients:history", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE=language)
    return response.context["entries"], response.content.decode()


def test_a_surgery_that_stabilises_a_lesion_is_told_in_a_sentence(client_for, clinician, patient):
    from datetime import date

    from tests.factories import ExamFactory, LesionFactory

    l2 = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="L2").lesion
    client = client_for(clinician)
    response = client.post(
        reverse("patients:record_add", args=[patient.pk, "treatment"]),
        {"category": "surgery", "surgery_type": "stabilisation", "start_date": "2026-11-03",
         f"lesion_{l2.pk}": "on", f"outcome_{l2.pk}": "stabilised"},
    )  # fmt: skip
    assert response.status_code == 302
    entries, page = history_entries(client, patient, "fr")
    assert "Lésion L2 : statut stabilisé (chirurgie du 03/11/2026)" in page
    link = next(e for e in entries if e.summary.startswith("Lésion L2 : statut stabilisé"))
    assert link.user == clinician and link.changes == []
    assert any(e.summary == "Lésion L2 : statut actif → stabilisé" for e in entries)
    assert date(2026, 11, 3).isoformat() not in page


def test_an_outcome_changed_and_a_link_removed_are_told(client_for, clinician, patient):
    from patients.services import link_treated_lesions
    from tests.factories import ExamFactory, LesionFactory, TreatmentFactory

    exam = ExamFactory(patient=patient)
    femur = LesionFactory(exam=exam, site="femur_shaft", vertebral_level="", side="left").lesion
    t9 = LesionFactory(exam=exam, vertebral_level="T9").lesion
    treatment = TreatmentFactory(patient=patient, category="interventional", systemic_class="",
                                 ir_procedure="cementoplasty")  # fmt: skip
    link_treated_lesions(treatment=treatment, lesions=[femur, t9], user=clinician)
    link_treated_lesions(
        treatment=treatment, lesions=[femur], user=clinician, outcomes={femur.pk: "stabilised"}
    )
    entries, _page = history_entries(client_for(clinician), patient)
    summaries = [e.summary for e in entries]
    when = treatment.start_date.strftime("%m/%d/%Y")
    assert (
        f"Lesion Femur — shaft (left): treated, now stabilised (interventional radiology of {when})"
        in summaries
    )
    assert f"Lesion T9: no longer linked to the treatment interventional radiology of {when}" in summaries
    assert f"Lesion T9: treated (interventional radiology of {when})" in summaries


def test_a_lesion_corrected_by_hand_shows_what_changed_and_why(client_for, clinician, patient):
    from patients.services import correct_lesion
    from tests.factories import ExamFactory, LesionFactory

    lesion = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="L2").lesion
    correct_lesion(lesion=lesion, site="vertebra", vertebral_level="L3", rib_number=None, side="",
                   status="resected", reason="Niveau relu sur l’IRM", user=clinician)  # fmt: skip
    entries, page = history_entries(client_for(clinician), patient, "fr")
    entry = next(e for e in entries if e.reason)
    assert entry.summary == "Lésion L3 : siège L2 → L3 ; statut actif → réséqué"
    assert entry.user == clinician
    assert "Motif : Niveau relu sur l’IRM" in page


def test_a_lesions_pain_is_told_with_its_date(client_for, clinician, patient):
    from datetime import date

    from tests.factories import ExamFactory, LesionFactory

    lesion = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="L2").lesion
    lesion.pain_nrs, lesion.pain_mechanical, lesion.pain_date = 7, True, date(2026, 11, 3)
    lesion.save()
    entries, _page = history_entries(client_for(clinician), patient, "fr")
    assert "Lésion L2 : douleur inconnue → 7/10, mécanique, 03/11/2026" in [e.summary for e in entries]


def test_a_merge_and_a_moved_observation_name_both_lesions(client_for, clinician, patient):
    from patients.services import merge_lesions, move_observation
    from tests.factories import ExamFactory, LesionFactory, TrackedLesionFactory

    t11 = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="T11").lesion
    twin = TrackedLesionFactory(patient=patient, vertebral_level="T11")
    exam = ExamFactory(patient=patient, modality="spine_mri")
    observation = LesionFactory(exam=exam, lesion=twin)
    t12 = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level="T12").lesion
    move_observation(observation=observation, lesion=t12, reason="mauvais niveau", user=clinician)
    merge_lesions(kept=t11, absorbed=twin, reason="doublon", user=clinician)
    entries, _page = history_entries(client_for(clinician), patient)
    summaries = [e.summary for e in entries]
    assert "Lesion T11 (2) merged into lesion T11" in summaries
    assert f"Observation of {exam} moved from lesion T11 (2) to lesion T12" in summaries
    merged = next(e for e in entries if e.summary.startswith("Lesion T11 (2) merged"))
    assert (merged.user, merged.reason) == (clinician, "doublon")
