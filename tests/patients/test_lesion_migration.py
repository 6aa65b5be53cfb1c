"""The data migration to tracked lesions (patients 0006–0009) loses nothing: rows before → rows after."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("patients", "0005_clinical_dates_from_1900")]
AFTER = [("patients", "0009_observation_site_on_tracked_lesion")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps  # every app as applied


@pytest.fixture
def latest_schema_after():
    """Every app migrated to its latest state after the test: going back to patients 0005 also unapplies
    the migrations of other apps that depend on later ones (rcp's proposal lines link tracked lesions),
    and the tests that run next on this database need them."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_each_distinct_site_becomes_one_tracked_lesion_and_nothing_is_lost():
    old = migrate(BEFORE)
    Centre = old.get_model("accounts", "Centre")
    Patient = old.get_model("patients", "Patient")
    Exam = old.get_model("patients", "ImagingExam")
    BoneLesion = old.get_model("patients", "BoneLesion")
    Score = old.get_model("patients", "ScoreAssessment")
    Treatment = old.get_model("patients", "Treatment")
    centre = Centre.objects.create(name="Centre M")
    patient = Patient.objects.create(
        centre=centre,
        hospital_id="M-1",
        family_name="A",
        given_names="B",
        birth_date=date(1950, 1, 1),
        sex="female",
    )
    other = Patient.objects.create(
        centre=centre,
        hospital_id="M-2",
        family_name="C",
        given_names="D",
        birth_date=date(1950, 1, 1),
        sex="male",
    )
    first = Exam.objects.create(patient=patient, date=date(2026, 1, 5), modality="spine_mri")
    second = Exam.objects.create(patient=patient, date=date(2026, 3, 5), modality="ct")
    third = Exam.objects.create(patient=other, date=date(2026, 3, 5), modality="xray")
    t11_then = BoneLesion.objects.create(
        exam=first, site="vertebra", vertebral_level="T11", lesion_type="lytic", bilsky="2", notes="épidurite"
    )
    t11_now = BoneLesion.objects.create(
        exam=second, site="vertebra", vertebral_level="T11", lesion_type="mixed", collapse="under_50"
    )
    rib = BoneLesion.objects.create(
        exam=second, site="rib", rib_number=8, side="left", lesion_type="lytic", size_mm=20
    )
    humerus = BoneLesion.objects.create(
        exam=third, site="humerus_shaft", side="right", lesion_type="lytic", fracture=True
    )
    Score.objects.create(
        patient=patient,
        lesion=t11_then,
        score="sins",
        version="sins-2010",
        inputs={},
        points={},
        total=9,
        band="indeterminate",
    )
    Treatment.objects.create(
        patient=patient,
        category="radiotherapy",
        rt_dose_gy=Decimal("30"),
        rt_fractions=10,
        target="T11",
        start_date=date(2026, 2, 1),
    )
    Treatment.objects.create(
        patient=other,
        category="surgery",
        surgery_type="osteosynthesis",
        target="humérus droit",
        start_date=date(2026, 3, 10),
    )
    Treatment.objects.create(
        patient=patient,
        category="surgery",
        surgery_type="osteosynthesis",
        target="fémur",
        start_date=date(2026, 3, 10),
    )  # names no lesion
    ids = {"t11_then": t11_then.pk, "t11_now": t11_now.pk, "rib": rib.pk, "humerus": humerus.pk}

    new = migrate(AFTER)
    Observation = new.get_model("patients", "LesionObservation")
    Tracked = new.get_model("patients", "TrackedLesion")
    Score = new.get_model("patients", "ScoreAssessment")
    Treated = new.get_model("patients", "TreatedLesion")
    assert Observation.objects.count() == 4  # every row kept, with its own findings
    t11 = Tracked.objects.get(patient_id=patient.pk, site="vertebra", vertebral_level="T11")
    assert set(Observation.objects.filter(lesion=t11).values_list("pk", flat=True)) == {
        ids["t11_then"],
        ids["t11_now"],
    }
    assert Observation.objects.get(pk=ids["t11_then"]).bilsky == "2"
    assert Observation.objects.get(pk=ids["t11_then"]).notes == "épidurite"
    assert Observation.objects.get(pk=ids["t11_now"]).collapse == "under_50"
    assert Observation.objects.get(pk=ids["rib"]).lesion.rib_number == 8
    assert Tracked.objects.count() == 3  # T11 (seen twice), rib 8 left, the other patient's humerus
    assert Score.objects.get().lesion_id == t11.pk
    assert list(Treated.objects.filter(lesion=t11).values_list("outcome", flat=True)) == ["treated"]
    humerus_lesion = Observation.objects.get(pk=ids["humerus"]).lesion
    assert humerus_lesion.status == "stabilised" and humerus_lesion.patient_id == other.pk
    assert Treated.objects.count() == 2  # "fémur" names no lesion of the patient: no guess

    migrate(BEFORE)  # and back: the sites return to the rows
    BoneLesion = migrate(BEFORE).get_model("patients", "BoneLesion")
    assert BoneLesion.objects.get(pk=ids["rib"]).rib_number == 8
    migrate([("patients", "0009_observation_site_on_tracked_lesion")])
