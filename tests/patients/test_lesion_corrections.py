"""Correcting tracked lesions: a site or status corrected by hand, a duplicate merged, an observation
moved to the right lesion. The services first, then the page and who may use it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from patients.record import PatientRecord
from patients.services import correct_lesion, link_treated_lesions, merge_lesions, move_observation
from scoring import registry
from tests.factories import ExamFactory, LesionFactory, PatientFactory, TreatmentFactory

pytestmark = pytest.mark.django_db

SINS_INPUTS = {"location": "mobile", "pain": "none", "lesion": "lytic", "alignment": "normal",
               "collapse": "none", "posterolateral": "none"}  # fmt: skip


def ago(days):
    return timezone.localdate() - timedelta(days=days)


def sins(patient, lesion, **inputs):
    result = registry.get("sins").compute(**{**SINS_INPUTS, **inputs})
    return m.ScoreAssessment.objects.record(result, patient=patient, lesion=lesion)


def surgery(patient, lesions, outcomes, user=None):
    treatment = TreatmentFactory(patient=patient, category="surgery", systemic_class="",
                                 surgery_type="osteosynthesis", start_date=ago(20))  # fmt: skip
    link_treated_lesions(treatment=treatment, lesions=lesions, user=user, outcomes=outcomes)
    return treatment


@pytest.fixture
def duplicates(patient):
    """One lesion recorded twice: L1 on a CT, and "L2" on an MRI that was the same vertebra."""
    l1 = LesionFactory(
        exam=ExamFactory(patient=patient, modality="ct", date=ago(40)), vertebral_level="L1"
    ).lesion
    mri = ExamFactory(patient=patient, modality="spine_mri", date=ago(10))
    l2 = LesionFactory(exam=mri, vertebral_level="L2", bilsky="1b", cord_compression=False).lesion
    return l1, l2


# Services


def test_merge_moves_observations_treatments_and_scores_and_deletes_the_duplicate(
    clinician, patient, duplicates
):
    l1, l2 = duplicates
    score = sins(patient, l2)
    treatment = surgery(patient, [l2], {l2.pk: "stabilised"})
    merge_lesions(kept=l1, absorbed=l2, reason="Même vertèbre sur le scanner et l'IRM", user=clinician)
    assert not m.TrackedLesion.objects.filter(pk=l2.pk).exists()
    assert m.LesionObservation.objects.filter(lesion=l1).count() == 2
    assert list(treatment.treated_lesions.values_list("lesion_id", "outcome")) == [(l1.pk, "stabilised")]
    score.refresh_from_db()
    assert score.lesion_id == l1.pk  # the saved score stays, about the kept lesion
    l1.refresh_from_db()
    assert l1.status == "stabilised"  # the stabilisation recorded on the duplicate stands


def test_after_a_merge_the_facts_see_one_lesion_with_the_findings_of_both(clinician, patient, duplicates):
    l1, l2 = duplicates
    sins(patient, l2)
    merge_lesions(kept=l1, absorbed=l2, reason="doublon", user=clinician)
    record = PatientRecord(PatientRecord.queryset().get(pk=patient.pk))
    facts = record.facts
    assert facts["bone_lesion_count"] == 1 and [lesion["label"] for lesion in facts["lesions"]] == ["L1"]
    assert facts["lesions"][0]["bilsky"] == "1b"  # read from the MRI observation, moved
    assert record.latest_scores.get(("sins", l1.pk)) is not None


def test_merge_records_each_move_and_the_deletion_with_user_reason_and_kept_lesion(
    clinician, patient, duplicates
):
    l1, l2 = duplicates
    merge_lesions(kept=l1, absorbed=l2, reason="doublon", user=clinician)
    deletion = m.TrackedLesion.history.filter(id=l2.pk, history_type="-").get()
    assert (deletion.merged_into, deletion.history_user, deletion.history_change_reason) == (
        l1.pk,
        clinician,
        "doublon",
    )
    moved = m.LesionObservation.history.filter(lesion_id=l1.pk, history_type="~").get()
    assert (moved.history_user, moved.history_change_reason) == (clinician, "doublon")


def test_a_treatment_linked_to_both_keeps_one_link_with_the_outcome_that_says_more(
    clinician, patient, duplicates
):
    l1, l2 = duplicates
    treatment = surgery(patient, [l1, l2], {l1.pk: "treated", l2.pk: "stabilised"})
    merge_lesions(kept=l1, absorbed=l2, reason="doublon", user=clinician)
    assert list(treatment.treated_lesions.values_list("lesion_id", "outcome")) == [(l1.pk, "stabilised")]


def test_merge_takes_the_duplicates_pain_when_the_kept_lesion_has_none(clinician, patient, duplicates):
    l1, l2 = duplicates
    m.TrackedLesion.objects.filter(pk=l2.pk).update(pain_nrs=6, pain_mechanical=True, pain_date=ago(3))
    merge_lesions(kept=l1, absorbed=m.TrackedLesion.objects.get(pk=l2.pk), reason="doublon", user=clinician)
    l1.refresh_from_db()
    assert (l1.pain_nrs, l1.pain_mechanical, l1.pain_date) == (6, True, ago(3))


def test_merge_refuses_the_same_lesion_and_another_patients(clinician, patient, duplicates):
    l1, _l2 = duplicates
    with pytest.raises(ValidationError):
        merge_lesions(kept=l1, absorbed=l1, reason="x", user=clinician)
    stranger = LesionFactory(exam=ExamFactory(patient=PatientFactory(centre=patient.centre))).lesion
    with pytest.raises(ValueError):
        merge_lesions(kept=l1, absorbed=stranger, reason="x", user=clinician)
    assert m.TrackedLesion.objects.filter(pk=stranger.pk).exists()


def test_a_merge_that_would_lose_a_spinal_finding_is_refused_and_changes_nothing(
    clinician, patient, duplicates
):
    _l1, l2 = duplicates
    femur = LesionFactory(exam=ExamFactory(patient=patient), site="femur_shaft", vertebral_level="",
                          side="left").lesion  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        merge_lesions(kept=femur, absorbed=l2, reason="erreur", user=clinician)
    assert "absorbed" in refused.value.message_dict
    assert m.LesionObservation.objects.filter(lesion=l2).count() == 1


def test_correcting_the_site_keeps_observations_treatments_and_scores_attached(
    clinician, patient, duplicates
):
    _l1, l2 = duplicates
    score = sins(patient, l2)
    treatment = surgery(patient, [l2], {l2.pk: "treated"})
    corrected = correct_lesion(lesion=l2, site="vertebra", vertebral_level="L3", rib_number=None, side="",
                               status="active", reason="niveau relu", user=clinician)  # fmt: skip
    assert corrected.vertebral_level == "L3"
    assert m.LesionObservation.objects.filter(lesion=l2).count() == 1
    assert list(treatment.lesions.all()) == [l2]
    score.refresh_from_db()
    assert score.lesion_id == l2.pk
    latest = l2.history.first()
    assert (latest.history_user, latest.history_change_reason) == (clinician, "niveau relu")


def test_correcting_the_site_recomputes_the_saved_scores_with_it(clinician, patient, duplicates):
    _l1, l2 = duplicates
    sins(patient, l2, location="mobile")  # L2: mobile spine, 2 points
    correct_lesion(lesion=l2, site="vertebra", vertebral_level="L1", rib_number=None, side="",
                   status="active", reason="niveau relu", user=clinician)  # fmt: skip
    newest = m.ScoreAssessment.objects.filter(lesion=l2).first()
    assert newest.inputs["location"] == "junctional"  # L1 is junctional (T11–L1), 3 points
    assert m.ScoreAssessment.objects.filter(lesion=l2).count() == 2  # the old one is kept


def test_a_site_the_taxonomy_refuses_is_an_error_by_field(clinician, patient, duplicates):
    l1, _l2 = duplicates
    with pytest.raises(ValidationError) as refused:
        correct_lesion(lesion=l1, site="humerus_shaft", vertebral_level="", rib_number=None, side="",
                       status="active", reason="x", user=clinician)  # fmt: skip
    assert "side" in refused.value.message_dict
    l1.refresh_from_db()
    assert l1.site == "vertebra"


def test_a_correction_needs_a_reason(clinician, patient, duplicates):
    l1, _l2 = duplicates
    with pytest.raises(ValidationError) as refused:
        correct_lesion(lesion=l1, site="vertebra", vertebral_level="L4", rib_number=None, side="",
                       status="active", reason=" ", user=clinician)  # fmt: skip
    assert "reason" in refused.value.message_dict


def test_moving_an_observation_files_it_under_the_other_lesion(clinician, patient, duplicates):
    l1, l2 = duplicates
    observation = l1.observations.get()
    move_observation(observation=observation, lesion=l2, reason="mauvais niveau", user=clinician)
    observation.refresh_from_db()
    assert observation.lesion_id == l2.pk
    assert m.TrackedLesion.objects.filter(pk=l1.pk).exists()  # the emptied lesion stays until merged
    assert observation.history.first().history_change_reason == "mauvais niveau"


def test_an_observation_moves_only_within_its_patient(clinician, patient, duplicates):
    l1, _l2 = duplicates
    stranger = LesionFactory(exam=ExamFactory(patient=PatientFactory(centre=patient.centre))).lesion
    with pytest.raises(ValueError):
        move_observation(observation=l1.observations.get(), lesion=stranger, reason="x", user=clinician)


# The page


def correct_url(patient, lesion):
    return reverse("patients:lesion_correct", args=[patient.pk, lesion.pk])


def test_the_lesion_page_links_to_its_correction_page_for_a_writer_only(
    client_for, clinician, viewer, patient, duplicates
):
    l1, _l2 = duplicates
    url = reverse("patients:lesion_detail", args=[patient.pk, l1.pk])
    assert correct_url(patient, l1) in client_for(clinician).get(url).content.decode()
    assert correct_url(patient, l1) not in client_for(viewer).get(url).content.decode()


def test_the_page_corrects_the_site_and_keeps_the_input_on_error(client_for, clinician, patient, duplicates):
    l1, _l2 = duplicates
    client = client_for(clinician)
    data = {"action": "site", "site-site": "vertebra", "site-vertebral_level": "", "site-status": "active",
            "site-reason": "niveau relu sur l'IRM"}  # fmt: skip
    response = client.post(correct_url(patient, l1), data)
    assert response.status_code == 400
    form = response.context["site_form"]
    assert "vertebral_level" in form.errors and form["reason"].value() == "niveau relu sur l'IRM"
    response = client.post(correct_url(patient, l1), {**data, "site-vertebral_level": "T12"})
    assert response.status_code == 302
    l1.refresh_from_db()
    assert l1.vertebral_level == "T12"


def test_the_page_says_when_nothing_was_changed(client_for, clinician, patient, duplicates):
    l1, _l2 = duplicates
    response = client_for(clinician).post(
        correct_url(patient, l1),
        {"action": "site", "site-site": "vertebra", "site-vertebral_level": "L1", "site-status": "active",
         "site-reason": "rien"},
    )  # fmt: skip
    assert response.status_code == 400 and response.context["site_form"].non_field_errors()


def test_the_page_merges_a_duplicate_once_confirmed(client_for, clinician, patient, duplicates):
    l1, l2 = duplicates
    client = client_for(clinician)
    data = {"action": "merge", "merge-absorbed": l2.pk, "merge-reason": "doublon"}
    response = client.post(correct_url(patient, l1), data)
    assert response.status_code == 400 and "same_lesion" in response.context["merge_form"].errors
    response = client.post(correct_url(patient, l1), {**data, "merge-same_lesion": "on"})
    assert response["Location"] == reverse("patients:lesion_detail", args=[patient.pk, l1.pk])
    assert list(m.TrackedLesion.objects.filter(patient=patient)) == [l1]


def test_the_page_shows_a_refused_merge_beside_the_field(client_for, clinician, patient, duplicates):
    _l1, l2 = duplicates
    femur = LesionFactory(exam=ExamFactory(patient=patient), site="femur_shaft", vertebral_level="",
                          side="left").lesion  # fmt: skip
    response = client_for(clinician).post(
        correct_url(patient, femur),
        {"action": "merge", "merge-absorbed": l2.pk, "merge-same_lesion": "on", "merge-reason": "x"},
    )
    assert response.status_code == 400 and "absorbed" in response.context["merge_form"].errors
    assert m.TrackedLesion.objects.filter(pk=l2.pk).exists()


def test_the_page_moves_an_observation(client_for, clinician, patient, duplicates):
    l1, l2 = duplicates
    observation = l2.observations.get()
    response = client_for(clinician).post(
        correct_url(patient, l2),
        {"action": "move", "move-observation": observation.pk, "move-lesion": l1.pk,
         "move-reason": "même vertèbre"},
    )  # fmt: skip
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.lesion_id == l1.pk


def test_the_page_offers_only_this_patients_lesions(client_for, clinician, patient, duplicates):
    l1, l2 = duplicates
    stranger = LesionFactory(exam=ExamFactory(patient=PatientFactory(centre=patient.centre))).lesion
    client = client_for(clinician)
    form = client.get(correct_url(patient, l1)).context["merge_form"]
    assert [value for value, _label in form.fields["absorbed"].choices if value] == [l2.pk]
    response = client.post(
        correct_url(patient, l1),
        {"action": "merge", "merge-absorbed": stranger.pk, "merge-same_lesion": "on", "merge-reason": "x"},
    )
    assert response.status_code == 400 and "absorbed" in response.context["merge_form"].errors
    assert m.TrackedLesion.objects.filter(pk=stranger.pk).exists()


def test_another_centre_gets_404_and_a_viewer_403(client_for, outsider, viewer, patient, duplicates):
    l1, l2 = duplicates
    url = correct_url(patient, l1)
    merge = {"action": "merge", "merge-absorbed": l2.pk, "merge-same_lesion": "on", "merge-reason": "x"}
    for user, status in ((outsider, 404), (viewer, 403)):
        client = client_for(user)
        assert client.get(url).status_code == status
        assert client.post(url, merge).status_code == status
    assert m.TrackedLesion.objects.filter(pk=l2.pk).exists()


def test_a_lesion_of_another_patient_is_not_corrected_through_mine(client_for, clinician, patient):
    stranger = LesionFactory(exam=ExamFactory(patient=PatientFactory(centre=patient.centre))).lesion
    assert client_for(clinician).get(correct_url(patient, stranger)).status_code == 404


def test_the_correction_page_queries_do_not_grow_with_lesions(
    django_assert_max_num_queries, client_for, clinician
):
    from patients.choices import VERTEBRAL_LEVELS

    counts = []
    for rows in (2, 12):
        patient = PatientFactory(centre=clinician.centre)
        lesions = []
        for level in VERTEBRAL_LEVELS[1 : rows + 1]:  # each lesion seen on two exams
            observation = LesionFactory(exam=ExamFactory(patient=patient), vertebral_level=level)
            LesionFactory(exam=ExamFactory(patient=patient), lesion=observation.lesion)
            lesions.append(observation.lesion)
        client = client_for(clinician)
        # session, user, the user's permissions (user's, groups'), the patient with its centre, physician
        # and tumour, one per prefetched table of the record (12), the access log's INSERT, the user's
        # centre (layout).
        with django_assert_max_num_queries(19) as captured:
            assert client.get(correct_url(patient, lesions[0])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
