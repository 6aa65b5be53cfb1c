"""One service saves a lesion's observation (patients.services.save_observation), whichever page the
clinician edits it from: history user, the patient's last activity, the lesion's saved scores recomputed,
all or nothing."""

from datetime import timedelta
from unittest import mock

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from patients.forms import LesionObservationForm
from patients.services import save_observation
from scoring import registry
from tests.factories import (
    BoardFactory,
    CaseFactory,
    ExamFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
)

pytestmark = pytest.mark.django_db

# A lytic T11 lesion scores SINS 10 (junctional 3, mechanical pain 3, lytic 2, collapse under 50 % 2);
# read as blastic it scores 8.
SINS = {"location": "junctional", "pain": "mechanical", "lesion": "lytic", "alignment": "normal",
        "collapse": "under_50", "posterolateral": "none"}  # fmt: skip
CORRECTION = {
    "lesion_type": "blastic",
    "collapse": "under_50",
    "posterolateral": "none",
    "alignment": "normal",
    "soft_tissue_extension": "unknown",
    "fracture": "unknown",
    "size_mm": "22",
}
A_WHILE_AGO = timezone.now() - timedelta(days=30)


def scored_observation(centre):
    """A patient's T11 observation whose lesion has a saved SINS of 10; the patient untouched for a month."""
    patient = PatientFactory(centre=centre)
    exam = ExamFactory(patient=patient, modality="spine_mri")
    observation = LesionFactory(exam=exam, vertebral_level="T11", lesion_type="lytic", collapse="under_50",
                                posterolateral="none", alignment="normal")  # fmt: skip
    m.ScoreAssessment.objects.record(
        registry.get("sins").compute(**SINS), patient=patient, lesion=observation.lesion
    )
    m.Patient.objects.filter(pk=patient.pk).update(updated_at=A_WHILE_AGO)
    return observation


def correction_form(observation, data=CORRECTION):
    form = LesionObservationForm(data, instance=m.LesionObservation.objects.get(pk=observation.pk))
    assert form.is_valid(), form.errors
    return form


def outcome(observation):
    """What a correction leaves behind, comparable between two patients."""
    observation = m.LesionObservation.objects.get(pk=observation.pk)
    fields = model_to_dict(observation, exclude=["id", "exam", "lesion"])
    newest = m.ScoreAssessment.objects.filter(lesion=observation.lesion).order_by("-pk")
    return {
        "fields": fields,
        "history_user": observation.history.first().history_user,
        "scores": [(a.total, a.band) for a in newest],
        "patient_touched": observation.exam.patient.updated_at > A_WHILE_AGO,
    }


def test_a_correction_is_attributed_recomputes_the_lesions_scores_and_marks_the_patient(centre, clinician):
    observation = scored_observation(centre)
    before = outcome(observation)
    saved = save_observation(form=correction_form(observation), user=clinician)
    assert saved.pk == observation.pk
    assert outcome(observation) == {
        "fields": {**before["fields"], "lesion_type": "blastic", "size_mm": 22},
        "history_user": clinician,
        "scores": [(8, "indeterminate"), (10, "indeterminate")],  # the old result is kept
        "patient_touched": True,
    }
    assert m.ScoreAssessment.objects.order_by("-pk").first().created_by == clinician


def test_a_new_observation_of_a_tracked_lesion_recomputes_its_scores(centre, clinician):
    observation = scored_observation(centre)
    later = ExamFactory(patient=observation.exam.patient, modality="spine_mri", date=timezone.localdate())
    form = LesionObservationForm({**CORRECTION, "lesion": observation.lesion_id},
                                 instance=m.LesionObservation(exam=later))  # fmt: skip
    assert form.is_valid(), form.errors
    added = save_observation(form=form, user=clinician)
    assert added.exam == later and added.history.get().history_user == clinician
    assert m.ScoreAssessment.objects.filter(lesion=observation.lesion).first().total == 8


def test_a_failure_while_recomputing_leaves_the_observation_as_it_was(centre, clinician):
    observation = scored_observation(centre)
    form = correction_form(observation)
    with (
        mock.patch.object(m.ScoreAssessment.objects, "record", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        save_observation(form=form, user=clinician)
    observation.refresh_from_db()
    assert observation.lesion_type == "lytic" and observation.history.count() == 1
    assert m.ScoreAssessment.objects.count() == 1
    assert m.Patient.objects.get(pk=observation.exam.patient_id).updated_at == A_WHILE_AGO


def test_the_patient_page_and_presentation_mode_end_a_correction_the_same(
    client_for, centre, clinician, chair
):
    on_page, in_presentation = scored_observation(centre), scored_observation(centre)
    client = client_for(clinician)

    url = reverse("patients:lesion_edit", args=[on_page.exam.patient_id, on_page.pk])
    assert client.post(url, CORRECTION).status_code == 302

    meeting = MeetingFactory(board=BoardFactory(centre=centre), chair=chair)
    CaseFactory(meeting=meeting, patient=in_presentation.exam.patient, position=1)
    url = reverse("rcp:present_lesion", args=[meeting.pk, 1, in_presentation.pk])
    assert client.post(url, CORRECTION, HTTP_HX_REQUEST="true").status_code == 200

    assert outcome(on_page) == outcome(in_presentation)
    assert outcome(on_page)["scores"][0] == (8, "indeterminate")
    assert outcome(on_page)["patient_touched"] and outcome(on_page)["history_user"] == clinician
