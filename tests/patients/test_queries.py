"""Query counts of the list and the patient page do not grow with the number of rows shown."""

import pytest
from django.urls import reverse

from patients.choices import VERTEBRAL_LEVELS
from patients.services import link_treated_lesions
from tests.factories import (
    AssessmentFactory,
    EventFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MolecularFactory,
    PatientFactory,
    PrimaryTumourFactory,
    SiteFactory,
    TrackedLesionFactory,
    TreatmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("rows", [1, 30])
def test_patient_list_queries_do_not_grow_with_patients(
    django_assert_max_num_queries, client_for, clinician, rows
):
    for _ in range(rows):
        PrimaryTumourFactory(patient=PatientFactory(centre=clinician.centre))
    client = client_for(clinician)
    # session, user with their centre, the user's permissions (the "new patient" button), count for the
    # paginator, the page's keys and stamps, its patients with their tumour and referring physician (the
    # lines not rendered yet). Asked again: the lines are kept, the last query goes.
    url = reverse("patients:list")
    assert count_queries(django_assert_max_num_queries, client, url, 6) == 6
    assert count_queries(django_assert_max_num_queries, client, url, 5) == 5


def fill_record(patient, rows):
    levels = VERTEBRAL_LEVELS[1:]  # as many distinct lesions as rows (up to 23), each seen twice
    for i in range(rows):
        exam = ExamFactory(patient=patient)
        observation = LesionFactory(exam=exam, vertebral_level=levels[i % len(levels)])
        LesionFactory(exam=ExamFactory(patient=patient), lesion=observation.lesion)
        AssessmentFactory(patient=patient)
        LabFactory(patient=patient)
        radiotherapy = TreatmentFactory(
            patient=patient, category="radiotherapy", systemic_class="", rt_dose_gy=8, rt_fractions=1
        )
        link_treated_lesions(treatment=radiotherapy, lesions=[observation.lesion], user=None)
        TreatmentFactory(patient=patient)
        SiteFactory(patient=patient)
        EventFactory(patient=patient)
        MolecularFactory(patient=patient)


def test_patient_page_queries_are_the_same_for_1_and_30_rows(
    django_assert_max_num_queries, client_for, clinician
):
    counts = []
    for rows in (1, 30):
        patient = PatientFactory(centre=clinician.centre)
        PrimaryTumourFactory(patient=patient)
        fill_record(patient, rows)
        client = client_for(clinician)
        # session, user with their centre, the user's permissions, the patient with its record's stamp,
        # the access log's INSERT; the record rendered afresh: patient with centre/physician/tumour, one
        # query per prefetched table (molecular, assessments, labs, exams, their observations, tracked
        # lesions, their treatment links, sites, treatments, events, score assessments).
        url = reverse("patients:detail", args=[patient.pk])
        counts.append(count_queries(django_assert_max_num_queries, client, url, 17))
        # Asked again: the rendered record is kept under its stamp, and none of its tables is read.
        counts.append(count_queries(django_assert_max_num_queries, client, url, 5))
    assert counts[0] == counts[2] == 17 and counts[1] == counts[3] == 5


def correct_lesions(patient, user):
    """For each lesion of the record: its status corrected by hand, a surgery that stabilises it, a
    duplicate recorded on another exam merged into it, and an observation moved back and forth."""
    from patients.services import correct_lesion, merge_lesions, move_observation

    lesions = list(patient.tracked_lesions.all())
    for lesion in lesions:
        level = lesion.vertebral_level
        correct_lesion(lesion=lesion, site="vertebra", vertebral_level=level, rib_number=None, side="",
                       status="resected", reason="relu", user=user)  # fmt: skip
        surgery = TreatmentFactory(patient=patient, category="surgery", systemic_class="",
                                   surgery_type="stabilisation")  # fmt: skip
        link_treated_lesions(
            treatment=surgery, lesions=[lesion], user=user, outcomes={lesion.pk: "stabilised"}
        )
        duplicate = TrackedLesionFactory(patient=patient, vertebral_level=lesion.vertebral_level)
        observation = LesionFactory(exam=ExamFactory(patient=patient), lesion=duplicate)
        move_observation(observation=observation, lesion=lesion, reason="mauvaise lésion", user=user)
        move_observation(observation=observation, lesion=duplicate, reason="finalement non", user=user)
        merge_lesions(kept=lesion, absorbed=duplicate, reason="doublon", user=user)


def test_history_page_queries_do_not_grow_with_changes(django_assert_max_num_queries, client_for, clinician):
    counts = []
    for rows in (1, 10):
        patient = PatientFactory(centre=clinician.centre, referring_physician=clinician)
        fill_record(patient, rows)
        correct_lesions(patient, clinician)
        for _ in range(rows):  # each change of physician is shown by name: the users are loaded at once
            patient.referring_physician = UserFactory(centre=clinician.centre)
            patient.save()
        url = reverse("patients:history", args=[patient.pk])
        # session, user, the user's permissions (user's, groups': reading needs a role), the patient, the
        # access log's INSERT, one per history table (12, lesion links included), the users named, the
        # user's centre (layout). Lesions, treatments and exams are named from their history rows.
        client = client_for(clinician)
        with django_assert_max_num_queries(20) as captured:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert sum("merged into" in entry.summary for entry in response.context["entries"]) == rows
        counts.append(len(captured))
    assert counts[0] == counts[1]
